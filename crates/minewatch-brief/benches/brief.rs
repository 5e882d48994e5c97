//! Briefs and obligations, measured. Run with `cargo bench -p minewatch-brief`.

use criterion::{Criterion, black_box, criterion_main};
use jiff::civil::date;
use minewatch_brief::{BriefRequest, build};
use minewatch_core::{Iso3, Obligations};
use minewatch_registry::load_embedded;

fn benches(c: &mut Criterion) {
    let loaded = load_embedded().expect("the project's data");
    let on = date(2026, 11, 28);
    c.bench_function("all obligations of all states on one date", |b| {
        let computer = Obligations::new(&loaded.registry, &loaded.context);
        b.iter(|| {
            loaded
                .registry
                .current_states()
                .map(|s| computer.of(s.iso3, black_box(on)).len())
                .sum::<usize>()
        })
    });
    let code = |s: &str| Iso3::parse(s).expect("a code");
    let request = BriefRequest {
        state: code("LTU"),
        on,
        peers: ["LVA", "EST", "POL", "FIN", "SWE"].map(code).to_vec(),
        since: Some(date(2025, 1, 17)),
    };
    c.bench_function(
        "one brief (Lithuania, five peers, changes since), Markdown",
        |b| b.iter(|| build(&loaded, black_box(&request)).markdown()),
    );
    c.bench_function(
        "one brief (Lithuania, five peers, changes since), HTML",
        |b| b.iter(|| build(&loaded, black_box(&request)).html()),
    );
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(brief_benches, super::benches);
}
use group::brief_benches;
criterion_main!(brief_benches);
