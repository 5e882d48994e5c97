//! SVG plots of a run: civilian casualties per year with their 5–95% band,
//! and clearance progress (mines left and land denied).

use std::fmt::Write as _;

use crate::run::{Band, Summary};

const W: f64 = 720.0;
const H: f64 = 320.0;
const PAD: f64 = 48.0;

/// Text made safe for SVG (a scenario name may hold `&` or `<`).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn frame(title: &str, y_label: &str, max_y: f64, years: usize) -> String {
    let title = escape(title);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\
         <title>{title}</title><rect width=\"{W}\" height=\"{H}\" fill=\"#fff\"/>\
         <text x=\"{PAD}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{title}</text>\
         <text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\">{y_label}</text>",
        H / 2.0,
        H / 2.0
    );
    for i in 0..=4 {
        let v = max_y * f64::from(i) / 4.0;
        let y = H - PAD - (H - 2.0 * PAD) * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            "<line x1=\"{PAD}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - PAD / 2.0,
            PAD - 4.0,
            y + 4.0,
            if max_y >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        );
    }
    let step = (years / 10).max(1);
    for year in (0..=years).step_by(step) {
        let x = PAD + (W - 1.5 * PAD) * year as f64 / years.max(1) as f64;
        let _ = write!(
            svg,
            "<text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{year}</text>",
            H - PAD + 16.0
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">years after laying</text>",
        W / 2.0,
        H - 10.0
    );
    svg
}

fn xy(i: usize, v: f64, years: usize, max_y: f64) -> (f64, f64) {
    let x = PAD + (W - 1.5 * PAD) * (i + 1) as f64 / years.max(1) as f64;
    let y = H - PAD - (H - 2.0 * PAD) * if max_y > 0.0 { v / max_y } else { 0.0 };
    (x, y)
}

fn band_path(bands: &[Band], max_y: f64, colour: &str, label: &str, slot: usize) -> String {
    let years = bands.len();
    let mut area = String::new();
    for (i, b) in bands.iter().enumerate() {
        let (x, y) = xy(i, b.p95, years, max_y);
        let _ = write!(area, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    for (i, b) in bands.iter().enumerate().rev() {
        let (x, y) = xy(i, b.p5, years, max_y);
        let _ = write!(area, "L{x:.1},{y:.1}");
    }
    let mut line = String::new();
    for (i, b) in bands.iter().enumerate() {
        let (x, y) = xy(i, b.median, years, max_y);
        let _ = write!(line, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    let ly = 34.0 + 14.0 * slot as f64;
    format!(
        "<path d=\"{area}Z\" fill=\"{colour}\" fill-opacity=\"0.2\"/><path d=\"{line}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"{ly}\">{label}</text>",
        W - 230.0,
        ly - 9.0,
        W - 215.0
    )
}

/// Civilian casualties per year, by channel: medians with 5–95% bands.
pub fn casualties_svg(s: &Summary) -> String {
    let inc: Vec<Band> = s.years.iter().map(|y| y.incidental).collect();
    let int: Vec<Band> = s.years.iter().map(|y| y.intentional).collect();
    let max_y = inc.iter().chain(&int).map(|b| b.p95).fold(1.0, f64::max);
    let mut svg = frame(
        &format!("{}: civilian casualties per year", s.scenario),
        "casualties (median, 5–95%)",
        max_y,
        s.years.len(),
    );
    svg.push_str(&band_path(&inc, max_y, "#b3261e", "incidental", 0));
    svg.push_str(&band_path(
        &int,
        max_y,
        "#35508a",
        "intentional crossing",
        1,
    ));
    let killed: Vec<Band> = s.years.iter().map(|y| y.killed).collect();
    svg.push_str(&band_path(
        &killed,
        max_y,
        "#444444",
        "of whom killed (both channels)",
        2,
    ));
    svg.push_str("</svg>\n");
    svg
}

/// Clearance progress: functional mines left, as a share of those laid,
/// and land still denied, as a share of the field.
pub fn clearance_svg(s: &Summary) -> String {
    let laid = s.mines_laid.max(1) as f64;
    let area = s.field_km2.max(f64::MIN_POSITIVE);
    let percent = |b: &Band, whole: f64| Band {
        p5: b.p5 / whole * 100.0,
        median: b.median / whole * 100.0,
        p95: b.p95 / whole * 100.0,
        mean: b.mean / whole * 100.0,
    };
    let denied: Vec<Band> = s
        .years
        .iter()
        .map(|y| percent(&y.denied_km2, area))
        .collect();
    let left: Vec<Band> = s
        .years
        .iter()
        .map(|y| percent(&y.mines_left, laid))
        .collect();
    let mut svg = frame(
        &format!("{}: clearance progress", s.scenario),
        "% of mines laid / of the field",
        100.0,
        s.years.len(),
    );
    svg.push_str(&band_path(
        &left,
        100.0,
        "#1a7f37",
        "functional mines left",
        0,
    ));
    if s.mines_laid > 0 {
        svg.push_str(&band_path(
            &denied,
            100.0,
            "#8a5a00",
            "land still denied",
            1,
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
