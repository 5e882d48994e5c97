//! Claims, measured: reading and checking one claim over all states, and the
//! whole letter file on two dates. Run with `cargo bench -p minewatch-claims`.

use criterion::{Criterion, black_box, criterion_main};
use jiff::civil::date;
use minewatch_claims::{Checker, read_claims_file};
use minewatch_registry::load_embedded;

fn claims(c: &mut Criterion) {
    let loaded = load_embedded().expect("the project's data");
    let checker = Checker::new(&loaded.registry, &loaded.context);
    let on = date(2026, 11, 28);
    for (name, claim) in [
        ("nato_except_usa", "all NATO members except USA are parties"),
        ("count_all_parties", "the number of parties is 164"),
        ("all_states_are_parties", "all states are parties"),
        (
            "only_governments_using",
            "the only governments currently using AP mines are IRN, MMR, PRK, RUS",
        ),
    ] {
        c.bench_function(&format!("parse and check: {name}"), |b| {
            b.iter(|| {
                let read = checker.parse(black_box(claim)).expect("a claim");
                checker.verdict(&read, on)
            })
        });
        c.bench_function(&format!("parse, check and explain: {name}"), |b| {
            b.iter(|| checker.check(black_box(claim), on).expect("a claim"))
        });
    }
    c.bench_function("parse only: nato_except_usa", |b| {
        b.iter(|| {
            checker
                .parse(black_box("all NATO members except USA are parties"))
                .expect("a claim")
        })
    });
    let text = include_str!("../../../examples/letter-2025-01-17.claims");
    for (name, explained) in [
        ("letter file on two dates", false),
        ("letter file on two dates, explained", true),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let lines = read_claims_file(black_box(text)).expect("a claims file");
                let mut verdicts = Vec::with_capacity(lines.len() * 2);
                for line in &lines {
                    let read = checker.parse(&line.text).expect("a claim");
                    for day in [date(2025, 1, 17), on] {
                        verdicts.push(if explained {
                            checker.evaluate(&read, day)
                        } else {
                            checker.verdict(&read, day)
                        });
                    }
                }
                verdicts
            })
        });
    }
    c.bench_function("build the checker (index the names)", |b| {
        b.iter(|| Checker::new(&loaded.registry, &loaded.context))
    });
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(claims_benches, super::claims);
}
use group::claims_benches;
criterion_main!(claims_benches);
