//! The simulator, measured: replicates × 50 years × 1,000 cells (a 100 km
//! front in 100 m cells). Run with `cargo bench -p minewatch-sim`.

use criterion::{Criterion, black_box, criterion_main};
use minewatch_sim::{Parameters, Scenario, run};

fn benches(c: &mut Criterion) {
    let text = include_str!("../../../examples/scenarios/unfenced-100km.toml");
    let scenario = Scenario::parse("unfenced-100km.toml", text, Parameters::embedded())
        .expect("the example scenario");
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(
            format!("1,000 replicates x 50 years x 1,000 cells, {threads} thread(s)"),
            |b| b.iter(|| run(black_box(&scenario), 1_000, 1, threads, &|_| {})),
        );
    }
    group.finish();
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(sim_benches, super::benches);
}
use group::sim_benches;
criterion_main!(sim_benches);
