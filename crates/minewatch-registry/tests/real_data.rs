//! The project's own data/ loads clean and says what the issue requires.
use jiff::civil::date;
use minewatch_core::{Iso3, Status};

fn code(s: &str) -> Iso3 {
    Iso3::parse(s).unwrap()
}

#[test]
fn loads() {
    let loaded = match minewatch_registry::load_embedded() {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let r = &loaded.registry;
    assert_eq!(r.current_states().count(), 197);
    assert_eq!(r.treaty_entry_into_force(), Some(date(1999, 3, 1)));
    assert_eq!(r.counts_on(date(1999, 3, 1)).bound(), 45);
    assert_eq!(r.counts_on(date(2025, 1, 17)).bound(), 164);
    assert_eq!(r.counts_on(date(2025, 12, 1)).bound(), 166);
    assert_eq!(r.counts_on(date(2025, 12, 27)).bound(), 163);
    assert_eq!(r.counts_on(date(2026, 2, 20)).bound(), 161);
    assert_eq!(r.status_on(code("LTU"), date(2025, 12, 27)), Some(Status::Withdrawn));
    for (d, s) in r.status_changes(code("LTU")) { eprintln!("{d} {s}"); }
    let a = r.assess(code("UKR"), date(2026, 11, 28)).unwrap();
    eprintln!("{a:#?}");
    let a = r.assess(code("MNE"), date(2006, 8, 1)).unwrap();
    eprintln!("{a:#?}");
}
