//! The example scenarios of `examples/scenarios/`, built in, so that the
//! web page and `simulate backtest` can offer them without the files.

/// (id, file, TOML text) of every built-in scenario, the back-test cases
/// last.
pub const EXAMPLES: [(&str, &str, &str); 8] = [
    (
        "fenced-observed-100km",
        "examples/scenarios/fenced-observed-100km.toml",
        include_str!("../../../examples/scenarios/fenced-observed-100km.toml"),
    ),
    (
        "unobserved-100km",
        "examples/scenarios/unobserved-100km.toml",
        include_str!("../../../examples/scenarios/unobserved-100km.toml"),
    ),
    (
        "unfenced-100km",
        "examples/scenarios/unfenced-100km.toml",
        include_str!("../../../examples/scenarios/unfenced-100km.toml"),
    ),
    (
        "no-ap-mines-100km",
        "examples/scenarios/no-ap-mines-100km.toml",
        include_str!("../../../examples/scenarios/no-ap-mines-100km.toml"),
    ),
    (
        "falklands-like",
        "examples/scenarios/falklands-like.toml",
        include_str!("../../../examples/scenarios/falklands-like.toml"),
    ),
    (
        "zimbabwe-like",
        "examples/scenarios/zimbabwe-like.toml",
        include_str!("../../../examples/scenarios/zimbabwe-like.toml"),
    ),
    (
        "chile",
        "examples/scenarios/backtest/chile.toml",
        include_str!("../../../examples/scenarios/backtest/chile.toml"),
    ),
    (
        "uzbek-tajik",
        "examples/scenarios/backtest/uzbek-tajik.toml",
        include_str!("../../../examples/scenarios/backtest/uzbek-tajik.toml"),
    ),
];

/// The built-in scenario with this id, as (file, text).
pub fn example(id: &str) -> Option<(&'static str, &'static str)> {
    EXAMPLES
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, file, text)| (*file, *text))
}
