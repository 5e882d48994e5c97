//! The few statistics calibration needs, written out so that each fit can
//! be read: normal and gamma quantiles, and a Poisson regression of counts
//! on years.

/// The standard normal quantile (Acklam's rational approximation, relative
/// error below 1.2e-9).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The `p` quantile of a Gamma(shape, rate 1) distribution: exact for shape
/// one half (a chi-square with one degree of freedom, halved), else the
/// Wilson–Hilferty cube-root approximation of the chi-square.
pub(crate) fn gamma_quantile(shape: f64, p: f64) -> f64 {
    if (shape - 0.5).abs() < 1e-12 {
        let z = normal_quantile((1.0 + p) / 2.0);
        return z * z / 2.0;
    }
    let df = 2.0 * shape;
    let z = normal_quantile(p);
    let h = 2.0 / (9.0 * df);
    (df * (1.0 - h + z * h.sqrt()).powi(3)).max(0.0) / 2.0
}

/// A rate per unit of exposure with a 5–95% interval: `events` seen over
/// `exposure`, with the Jeffreys prior, so that zero events still give a
/// finite upper end. Returns (median, p5, p95).
pub(crate) fn poisson_rate(events: f64, exposure: f64) -> (f64, f64, f64) {
    let shape = events + 0.5;
    (
        gamma_quantile(shape, 0.5) / exposure,
        gamma_quantile(shape, 0.05) / exposure,
        gamma_quantile(shape, 0.95) / exposure,
    )
}

/// A share `k` of `n` with the Jeffreys prior, normal approximation to the
/// Beta posterior. Returns (posterior mean, p5, p95), kept within [0, 1].
pub(crate) fn binomial_share(k: f64, n: f64) -> (f64, f64, f64) {
    let a = k + 0.5;
    let b = n - k + 0.5;
    let mean = a / (a + b);
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let z = normal_quantile(0.95);
    (mean, (mean - z * sd).max(0.0), (mean + z * sd).min(1.0))
}

/// A Poisson regression of counts on years, log(mean) = a + b·year, by
/// iteratively reweighted least squares. Returns the decline rate −b and its
/// standard error, inflated by the overdispersion (Pearson χ² over the
/// degrees of freedom, when above one) so that a noisy series is not
/// over-trusted.
pub(crate) fn poisson_trend(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 2 || points.iter().any(|(_, y)| *y < 0.0) {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|(x, _)| x).sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, y)| y).sum::<f64>() / n;
    if mean_y <= 0.0 {
        return None;
    }
    let (mut a, mut b) = (mean_y.ln(), 0.0f64);
    let mut info = [[0.0f64; 2]; 2];
    for _ in 0..100 {
        // Newton steps on the log-likelihood (the same as IRLS here).
        let (mut g0, mut g1) = (0.0, 0.0);
        info = [[0.0; 2]; 2];
        for (x, y) in points {
            let xc = x - mean_x;
            let mu = (a + b * xc).exp();
            g0 += y - mu;
            g1 += (y - mu) * xc;
            info[0][0] += mu;
            info[0][1] += mu * xc;
            info[1][1] += mu * xc * xc;
        }
        info[1][0] = info[0][1];
        let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
        if det.abs() < 1e-300 {
            return None;
        }
        let da = (info[1][1] * g0 - info[0][1] * g1) / det;
        let db = (info[0][0] * g1 - info[1][0] * g0) / det;
        a += da;
        b += db;
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            break;
        }
    }
    let det = info[0][0] * info[1][1] - info[0][1] * info[1][0];
    let var_b = info[0][0] / det;
    let pearson: f64 = points
        .iter()
        .map(|(x, y)| {
            let mu = (a + b * (x - mean_x)).exp();
            (y - mu) * (y - mu) / mu
        })
        .sum();
    let dispersion = if points.len() > 2 {
        (pearson / (n - 2.0)).max(1.0)
    } else {
        1.0
    };
    Some((-b, (var_b * dispersion).sqrt()))
}

/// Estimates with standard errors pooled by inverse variance with the
/// DerSimonian–Laird between-case variance: (estimate, standard error).
/// Every standard error must be positive and the list not empty (the
/// callers pass fitted trends, which always have both).
pub(crate) fn pool(estimates: &[(f64, f64)]) -> (f64, f64) {
    let w: Vec<f64> = estimates.iter().map(|(_, se)| 1.0 / (se * se)).collect();
    let sw: f64 = w.iter().sum();
    let fixed = estimates
        .iter()
        .zip(&w)
        .map(|((e, _), w)| e * w)
        .sum::<f64>()
        / sw;
    let q: f64 = estimates
        .iter()
        .zip(&w)
        .map(|((e, _), w)| w * (e - fixed) * (e - fixed))
        .sum();
    let c = sw - w.iter().map(|w| w * w).sum::<f64>() / sw;
    let tau2 = if c > 0.0 {
        ((q - (estimates.len() as f64 - 1.0)) / c).max(0.0)
    } else {
        0.0
    };
    let w: Vec<f64> = estimates
        .iter()
        .map(|(_, se)| 1.0 / (se * se + tau2))
        .collect();
    let sw: f64 = w.iter().sum();
    let pooled = estimates
        .iter()
        .zip(&w)
        .map(|((e, _), w)| e * w)
        .sum::<f64>()
        / sw;
    (pooled, (1.0 / sw).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_tables() {
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.05) + 1.644_854).abs() < 1e-5);
        // Chi-square(1) 95% = 3.841; Gamma(0.5) is half of it.
        assert!((gamma_quantile(0.5, 0.95) - 3.841_459 / 2.0).abs() < 1e-4);
        // Chi-square(10) 95% = 18.307, so Gamma(5) 95% = 9.154.
        assert!((gamma_quantile(5.0, 0.95) - 9.153_5).abs() < 0.02);
    }

    #[test]
    fn zero_events_give_the_rule_of_three_order() {
        let (median, low, high) = poisson_rate(0.0, 650_000.0);
        assert!(low < median && median < high);
        // Jeffreys 95% upper end for zero events: 1.92 / exposure, below
        // the rule of three's 3 / exposure.
        assert!((high * 650_000.0 - 1.920_7).abs() < 1e-3);
    }

    #[test]
    fn a_clean_exponential_series_gives_its_rate() {
        let points: Vec<(f64, f64)> = (0..12)
            .map(|i| (2000.0 + i as f64, 1000.0 * (-0.2 * i as f64).exp()))
            .collect();
        let (rate, se) = poisson_trend(&points).expect("a fit");
        assert!((rate - 0.2).abs() < 1e-6, "{rate}");
        assert!(se > 0.0 && se < 0.02);
    }

    #[test]
    fn pooling_agreeing_cases_narrows_and_stays_between() {
        let (p, se) = pool(&[(0.2, 0.02), (0.22, 0.03)]);
        assert!(p > 0.2 && p < 0.22 && se < 0.02);
        let (p, se_wide) = pool(&[(0.1, 0.01), (0.3, 0.01)]);
        assert!((p - 0.2).abs() < 1e-9 && se_wide > 0.05);
    }
}
