//! The world map: Natural Earth's 1:110m country shapes (vendored as the
//! world-atlas TopoJSON in `assets/`, with its licence), decoded once at
//! start and projected plate carrée into SVG paths. Each request only picks
//! a class per country.

use std::collections::BTreeMap;

use minewatch_core::Iso3;
use serde_json::Value;

const TOPOLOGY: &str = include_str!("../assets/countries-110m.json");
const NUMERIC: &str = include_str!("../assets/iso-numeric.csv");

/// Width and height of the map's view box.
pub(crate) const WIDTH: f64 = 960.0;
/// Height: the latitudes 84°N to 60°S (Antarctica is left out).
pub(crate) const HEIGHT: f64 = 384.0;
const NORTH: f64 = 84.0;
const SOUTH: f64 = -60.0;

/// One country's outline.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    /// The state, when the shape is one of the record's.
    pub(crate) iso3: Option<Iso3>,
    /// The name Natural Earth gives it.
    pub(crate) name: String,
    /// The SVG path.
    pub(crate) path: String,
}

fn project(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0 * WIDTH;
    let y = (NORTH - lat.clamp(SOUTH, NORTH)) / (NORTH - SOUTH) * HEIGHT;
    (x, y)
}

/// Decodes the arcs of a quantized topology into absolute coordinates.
fn arcs(topology: &Value) -> Vec<Vec<(f64, f64)>> {
    let scale = &topology["transform"]["scale"];
    let translate = &topology["transform"]["translate"];
    let (sx, sy) = (
        scale[0].as_f64().unwrap_or(1.0),
        scale[1].as_f64().unwrap_or(1.0),
    );
    let (tx, ty) = (
        translate[0].as_f64().unwrap_or(0.0),
        translate[1].as_f64().unwrap_or(0.0),
    );
    let empty = Vec::new();
    topology["arcs"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|p| {
                    x += p[0].as_i64().unwrap_or(0);
                    y += p[1].as_i64().unwrap_or(0);
                    (x as f64 * sx + tx, y as f64 * sy + ty)
                })
                .collect()
        })
        .collect()
}

/// The points of a ring given as arc indices (a negative index `!i` is arc `i` reversed).
fn ring(arcs: &[Vec<(f64, f64)>], indices: &[Value]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for index in indices {
        let i = index.as_i64().unwrap_or(0);
        let (arc, reversed) = if i >= 0 {
            (usize::try_from(i).unwrap_or(0), false)
        } else {
            (usize::try_from(!i).unwrap_or(0), true)
        };
        let Some(arc) = arcs.get(arc) else { continue };
        let mut part: Vec<(f64, f64)> = arc.clone();
        if reversed {
            part.reverse();
        }
        // Consecutive arcs share their joining point.
        if !points.is_empty() && !part.is_empty() {
            part.remove(0);
        }
        points.extend(part);
    }
    points
}

fn path_of(rings: &[Vec<(f64, f64)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        // A ring that crosses the antimeridian (Russia, Fiji) is unwrapped so
        // it runs on past the edge of the view instead of across the world.
        let mut offset = 0.0;
        let mut previous: Option<f64> = None;
        for (i, (lon, lat)) in ring.iter().enumerate() {
            if let Some(p) = previous {
                if lon - p > 180.0 {
                    offset -= 360.0;
                } else if p - lon > 180.0 {
                    offset += 360.0;
                }
            }
            previous = Some(*lon);
            let (x, y) = project(lon + offset, *lat);
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&format!("{x:.1},{y:.1}"));
        }
        d.push('Z');
    }
    d
}

/// Every country shape, with its ISO3 code where the record knows it.
pub(crate) fn shapes() -> Vec<Shape> {
    let Ok(topology) = serde_json::from_str::<Value>(TOPOLOGY) else {
        return Vec::new();
    };
    let numeric: BTreeMap<&str, Iso3> = NUMERIC
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.splitn(3, ',');
            let n = parts.next()?;
            let code = Iso3::parse(parts.next()?)?;
            Some((n, code))
        })
        .collect();
    let arcs = arcs(&topology);
    let empty = Vec::new();
    let geometries = topology["objects"]["countries"]["geometries"]
        .as_array()
        .unwrap_or(&empty);
    let mut shapes = Vec::new();
    for g in geometries {
        let iso3 = g["id"].as_str().and_then(|id| numeric.get(id).copied());
        if iso3.is_some_and(|c| c.as_str() == "ATA") {
            continue;
        }
        let polygons: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["arcs"]],
            Some("MultiPolygon") => g["arcs"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => continue,
        };
        let mut rings = Vec::new();
        for polygon in polygons {
            for r in polygon.as_array().unwrap_or(&empty) {
                rings.push(ring(&arcs, r.as_array().unwrap_or(&empty)));
            }
        }
        shapes.push(Shape {
            iso3,
            name: g["properties"]["name"].as_str().unwrap_or("").to_string(),
            path: path_of(&rings),
        });
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_shapes_decode() {
        let shapes = shapes();
        assert!(shapes.len() > 170, "{}", shapes.len());
        let ltu = shapes
            .iter()
            .find(|s| s.iso3.map(|c| c.as_str() == "LTU").unwrap_or(false))
            .expect("Lithuania");
        assert!(ltu.path.starts_with('M') && ltu.path.ends_with('Z'));
        // Lithuania lies around 21-27°E, 53-56°N.
        let (x, y) = project(24.0, 55.0);
        assert!(
            ltu.path
                .contains(&format!("{:.0}", x).chars().take(2).collect::<String>())
        );
        assert!(y > 0.0 && y < HEIGHT / 2.0);
    }
}
