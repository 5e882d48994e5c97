//! Random numbers: xoshiro256** seeded per replicate through splitmix64, and
//! the Poisson and binomial draws the model needs. A replicate's stream
//! depends only on the run's seed and the replicate's number, so results are
//! the same whatever the number of threads.

/// splitmix64: turns any 64-bit value into a well-mixed one.
pub(crate) fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**: a small, fast generator with a 2^256 period.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// The generator for replicate `replicate` of a run seeded with `seed`.
    pub fn for_replicate(seed: u64, replicate: u64) -> Rng {
        let mut x = seed ^ replicate.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng {
            s: [
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
                splitmix64(&mut x),
            ],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform number in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal number (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A Poisson draw with mean `lambda`: exact (multiplication method)
    /// below 30, a rounded normal above (never negative).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let mut k = 0u64;
            let mut product = self.uniform();
            while product > limit {
                k += 1;
                product *= self.uniform();
            }
            k
        } else {
            (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64
        }
    }

    /// A binomial draw: how many of `n` trials succeed with probability `p`.
    /// Exact by geometric waiting times when few successes (or few
    /// failures) are expected; a rounded normal, clamped to [0, n], otherwise.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p.is_nan() || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        let mean = n as f64 * p;
        if mean < 20.0 {
            // Waiting times between successes are geometric.
            let log_q = (1.0 - p).ln();
            let mut successes = 0u64;
            let mut position = 0u64;
            loop {
                let u = self.uniform().max(f64::MIN_POSITIVE);
                let gap = (u.ln() / log_q).floor() as u64 + 1;
                position = position.saturating_add(gap);
                if position > n {
                    return successes;
                }
                successes += 1;
            }
        }
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * self.normal()).round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(draws: impl Iterator<Item = u64>, count: usize) -> f64 {
        draws.take(count).sum::<u64>() as f64 / count as f64
    }

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let mut a = Rng::for_replicate(7, 3);
        let mut b = Rng::for_replicate(7, 3);
        let mut c = Rng::for_replicate(7, 4);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn draws_have_their_means() {
        let mut rng = Rng::for_replicate(1, 0);
        for (n, p) in [
            (10u64, 0.3),
            (1_000, 0.001),
            (1_000, 0.4),
            (200, 0.9),
            (5, 1.0),
        ] {
            let m = mean_of(std::iter::repeat_with(|| rng.binomial(n, p)), 20_000);
            let want = n as f64 * p;
            assert!(
                (m - want).abs() < 0.05 * want.max(1.0),
                "binomial({n}, {p}): {m} vs {want}"
            );
        }
        for lambda in [0.01, 2.5, 12.0, 80.0] {
            let m = mean_of(std::iter::repeat_with(|| rng.poisson(lambda)), 20_000);
            assert!(
                (m - lambda).abs() < 0.05 * lambda.max(1.0),
                "poisson({lambda}): {m}"
            );
        }
        assert_eq!(rng.binomial(0, 0.5), 0);
        assert_eq!(rng.binomial(10, 0.0), 0);
        assert_eq!(rng.poisson(0.0), 0);
    }
}
