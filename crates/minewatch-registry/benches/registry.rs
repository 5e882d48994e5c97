//! Benchmarks: loading and validating data/, the status of every state on
//! every day from 1997-12-03 to 2035-12-31 (197 × 13,908 ≈ 2.74 million
//! answers), and the treaty-status figures on one date and on every day of a
//! year.
//!
//! Run with `cargo bench -p minewatch-registry`; results are in the README.

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use jiff::civil::{Date, date};
use minewatch_core::StateCategory;

fn every_day() -> Vec<Date> {
    let mut days = Vec::new();
    let mut day = date(1997, 12, 3);
    while day <= date(2035, 12, 31) {
        days.push(day);
        day = day.tomorrow().expect("in range");
    }
    days
}

fn benches(c: &mut Criterion) {
    c.bench_function("load and validate data/", |b| {
        b.iter(|| black_box(minewatch_registry::load_embedded().expect("loads")))
    });

    let loaded = minewatch_registry::load_embedded().expect("loads");
    let registry = &loaded.registry;
    let days = every_day();
    let states: Vec<usize> = registry
        .states()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.category != StateCategory::Former)
        .map(|(i, _)| i)
        .collect();
    println!(
        "{} states x {} days = {} answers",
        states.len(),
        days.len(),
        states.len() * days.len()
    );
    let mut group = c.benchmark_group("status");
    group.sample_size(20);
    group.bench_function("every state on every day 1997-12-03..2035-12-31", |b| {
        b.iter(|| {
            let mut bound = 0usize;
            for &day in &days {
                for &state in &states {
                    bound += usize::from(registry.status_of_index(state, day).is_bound());
                }
            }
            black_box(bound)
        })
    });
    group.bench_function("explained status of Lithuania on 2026-01-01", |b| {
        let ltu = minewatch_core::Iso3::parse("LTU").expect("code");
        b.iter(|| black_box(registry.assess(ltu, date(2026, 1, 1))))
    });
    group.finish();

    let mut group = c.benchmark_group("figures");
    group.sample_size(30);
    let figures = minewatch_core::figures::Figures::new(registry, &loaded.context);
    group.bench_function(
        "all figures on 2026-12-01, with their states and sources",
        |b| b.iter(|| black_box(figures.on(black_box(date(2026, 12, 1))))),
    );
    let year: Vec<Date> = days.iter().copied().filter(|d| d.year() == 2025).collect();
    group.bench_function("all figures on every day of 2025 (365 dates)", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for &day in &year {
                n += figures.on(day).len();
            }
            black_box(n)
        })
    });
    group.bench_function("build the figures index (once per record)", |b| {
        b.iter(|| {
            black_box(minewatch_core::figures::Figures::new(
                registry,
                &loaded.context,
            ))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("changes");
    group.sample_size(20);
    let every = minewatch_core::changes::Scope::default();
    group.bench_function(
        "every change of every state, 1997-12-03 to 2035-12-31",
        |b| {
            b.iter(|| {
                black_box(minewatch_core::changes::changes(
                    registry,
                    &loaded.context,
                    date(1997, 12, 3),
                    date(2035, 12, 31),
                    &every,
                ))
            })
        },
    );
    group.bench_function(
        "every change since the letter, 2025-01-17 to 2026-11-28",
        |b| {
            b.iter(|| {
                black_box(minewatch_core::changes::changes(
                    registry,
                    &loaded.context,
                    date(2025, 1, 17),
                    date(2026, 11, 28),
                    &every,
                ))
            })
        },
    );
    group.finish();
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(registry_benches, super::benches);
}
use group::registry_benches;
criterion_main!(registry_benches);
