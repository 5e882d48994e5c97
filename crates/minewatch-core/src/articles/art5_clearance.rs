//! Article 5: destruction of anti-personnel mines in mined areas.
//!
//! Paraphrase: each State Party destroys, or ensures the destruction of, all
//! anti-personnel mines in mined areas under its jurisdiction or control as
//! soon as possible and at the latest ten years after the Convention enters
//! into force for it (5(1)). A State Party that believes it cannot do so in
//! time may ask a Meeting of States Parties or a Review Conference for an
//! extension of up to ten years (5(3)); the meeting decides by majority of
//! those present and voting (5(5)); an extension may be renewed by a new
//! request (5(6)).
//!
//! How the record is read:
//!
//! - The base deadline is [`base_deadline`], unless the record sets another
//!   (a state whose obligation arose differently).
//! - Each granted extension replaces the deadline then in force, from the day
//!   it is granted, and only ever moves it later ([`extensions`]).
//! - A declared completion meets the obligation — until mined areas are newly
//!   found under the state's jurisdiction or control. The obligation then
//!   reopens: all mines in mined areas must still be destroyed, and the
//!   deadline is the one set for the new areas (by the States Parties'
//!   decision on newly found areas, the state reports them and, if it cannot
//!   clear them by its deadline, asks for an extension). A reopened
//!   obligation is never `met` again until a new completion is declared.
//! - A state the record says has no known mined areas has nothing to clear;
//!   newly found areas reopen that too.
//! - A passed deadline with no completion and no later extension on record is
//!   a gap in the record as often as a breach: it is not called missed.

use jiff::civil::Date;

use crate::articles::Citation;
use crate::{ClearanceEvent, ClearanceEventKind, legal_date};

/// The article, for explanations.
pub const ARTICLE: Citation = Citation::article(5);
/// The base rule: ten years after entry into force.
pub const DEADLINE: Citation = Citation::paragraph(5, 1);
/// Extension requests and decisions.
pub const EXTENSION: Citation = Citation::paragraphs(5, 3, 6);
/// An extension request on its own.
pub const REQUEST: Citation = Citation::paragraph(5, 3);

/// The years a State Party has to clear its mined areas.
pub const YEARS_TO_CLEAR: i16 = 10;

/// The deadline of Art. 5(1) for a state for which the Convention entered
/// into force on `entry_into_force`.
pub fn base_deadline(entry_into_force: Date) -> Option<Date> {
    legal_date::years_after(entry_into_force, YEARS_TO_CLEAR)
}

/// The base deadline of a state on `on`: the one the record sets for it
/// (an `original_deadline` fact known by then), else ten years after entry
/// into force. The flag says whether the record set it.
pub fn base_for(events: &[&ClearanceEvent], entry_into_force: Date, on: Date) -> (Date, bool) {
    let set = events
        .iter()
        .find(|e| e.kind == ClearanceEventKind::OriginalDeadline && e.date.date <= on)
        .and_then(|e| e.deadline);
    match set {
        Some(d) => (d, true),
        None => (base_deadline(entry_into_force).unwrap_or(Date::MAX), false),
    }
}

/// Extensions of the Art. 5(1) deadline (Art. 5(3)-(6)).
pub mod extensions {
    use jiff::civil::Date;

    /// A granted extension: the day it counts from, and the new deadline.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub struct Grant {
        /// When the meeting granted it.
        pub granted: Date,
        /// The deadline it sets.
        pub deadline: Date,
    }

    /// What happened to each grant, in order.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub enum Applied {
        /// It replaced the deadline `from` by its own.
        Replaced {
            /// The deadline before.
            from: Date,
        },
        /// It would have moved the deadline earlier (or not at all); an
        /// extension gives more time, so it is not applied.
        Refused {
            /// The deadline it would have replaced.
            current: Date,
        },
    }

    /// Whether a grant of `new` is an extension of `current`: an extension
    /// gives more time, never less (Art. 5(3)-(6)). The data check refuses a
    /// record in which a later grant is not one.
    pub fn extends(current: Date, new: Date) -> bool {
        new > current
    }

    /// Applies one grant to the deadline in force.
    pub fn apply(current: Date, grant: Grant) -> (Date, Applied) {
        if extends(current, grant.deadline) {
            (grant.deadline, Applied::Replaced { from: current })
        } else {
            (current, Applied::Refused { current })
        }
    }

    /// The deadline in force on `on`: `base`, replaced in turn by each grant
    /// made on or before `on` that moves it later. Grants are taken in the
    /// order they were granted.
    pub fn deadline_on(base: Date, grants: &[Grant], on: Date) -> (Date, Vec<(Grant, Applied)>) {
        let mut ordered: Vec<Grant> = grants.iter().copied().filter(|g| g.granted <= on).collect();
        ordered.sort_by_key(|g| g.granted);
        let mut current = base;
        let mut history = Vec::with_capacity(ordered.len());
        for grant in ordered {
            let (next, applied) = apply(current, grant);
            current = next;
            history.push((grant, applied));
        }
        (current, history)
    }
}

/// Where the obligation stands on a date.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Standing<'a> {
    /// The record says the state has no known mined areas.
    NoMinedAreas(&'a ClearanceEvent),
    /// The state declared its mined areas cleared, and none has been found
    /// since.
    Completed(&'a ClearanceEvent),
    /// Open with its deadline ahead. `reopened` is the finding of new mined
    /// areas that reopened it after a completion, if that is how it is open.
    Open {
        /// The deadline in force.
        deadline: Date,
        /// Whether an extension (or a deadline set for newly found areas)
        /// moved it from the base deadline.
        extended: bool,
        /// The newly found areas that reopened it.
        reopened: Option<&'a ClearanceEvent>,
    },
    /// The deadline passed; an extension was asked for after the last
    /// grant, and its outcome is not on record.
    Pending {
        /// The deadline that passed.
        deadline: Date,
        /// The request.
        request: &'a ClearanceEvent,
        /// The newly found areas, if the obligation was reopened.
        reopened: Option<&'a ClearanceEvent>,
    },
    /// The deadline passed with neither a completion nor a further
    /// extension on record.
    Lapsed {
        /// The deadline that passed.
        deadline: Date,
        /// The newly found areas, if the obligation was reopened.
        reopened: Option<&'a ClearanceEvent>,
    },
    /// Mined areas were newly found and the record has no deadline for them.
    ReopenedWithoutDeadline(&'a ClearanceEvent),
    /// Nothing is recorded about the state's mined areas.
    NoRecord,
}

impl Standing<'_> {
    /// Whether the obligation is fulfilled on the date.
    pub fn is_met(&self) -> bool {
        matches!(self, Standing::NoMinedAreas(_) | Standing::Completed(_))
    }

    /// Whether the state has an obligation still to fulfil: mined areas on
    /// record and no completion since they were known.
    pub fn is_ongoing(&self) -> bool {
        matches!(
            self,
            Standing::Open { .. }
                | Standing::Pending { .. }
                | Standing::Lapsed { .. }
                | Standing::ReopenedWithoutDeadline(_)
        )
    }

    /// The deadline in force, if one is.
    pub fn deadline(&self) -> Option<Date> {
        match self {
            Standing::Open { deadline, .. }
            | Standing::Pending { deadline, .. }
            | Standing::Lapsed { deadline, .. } => Some(*deadline),
            _ => None,
        }
    }
}

/// What happened to one fact as the rule read it, in date order: the
/// explanation is built from this.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reading<'a> {
    /// A grant, and whether it replaced the deadline.
    Grant(&'a ClearanceEvent, extensions::Applied),
    /// A completion declared.
    Completed(&'a ClearanceEvent),
    /// Newly found mined areas; `reopened` when they reopened a completed
    /// (or never arisen) obligation; `deadline` the deadline then in force.
    NewlyFound {
        /// The fact.
        event: &'a ClearanceEvent,
        /// Whether it reopened the obligation.
        reopened: bool,
        /// The deadline from then on, if one is set.
        deadline: Option<Date>,
    },
    /// A request for an extension.
    Requested(&'a ClearanceEvent),
    /// The record says there are no known mined areas.
    NoMinedAreas(&'a ClearanceEvent),
}

// A report of mined areas is read like newly found areas: after a
// completion it reopens the obligation; before one it shows the obligation
// is open on the deadline in force.

/// Applies Art. 5 on `on` to a state's clearance facts (any order; only
/// those dated on or before `on` count). `base` is the base deadline
/// ([`base_deadline`] or the one the record sets). Returns the standing and
/// what each fact did, oldest first.
pub fn standing<'a>(
    events: &[&'a ClearanceEvent],
    base: Date,
    on: Date,
) -> (Standing<'a>, Vec<Reading<'a>>) {
    let mut known: Vec<&ClearanceEvent> = events
        .iter()
        .copied()
        .filter(|e| e.date.date <= on && e.kind != ClearanceEventKind::OriginalDeadline)
        .collect();
    if known.is_empty() {
        // Only what was on record by the date counts: mined areas reported
        // later do not make an answer for an earlier day (a verdict depends
        // only on the past).
        return (Standing::NoRecord, Vec::new());
    }
    // Same-day facts: a grant before a completion, a completion before newly
    // found areas (areas found on the day of a completion reopen it).
    let rank = |k: ClearanceEventKind| match k {
        ClearanceEventKind::NoMinedAreas => 0,
        ClearanceEventKind::ExtensionGranted => 1,
        ClearanceEventKind::Requested => 2,
        ClearanceEventKind::Completed => 3,
        ClearanceEventKind::NewlyFound => 4,
        ClearanceEventKind::MinedAreasReported => 2,
        ClearanceEventKind::OriginalDeadline => 5,
    };
    known.sort_by_key(|e| (e.date, rank(e.kind)));
    let mut readings = Vec::with_capacity(known.len());
    let mut deadline = Some(base);
    let mut extended = false;
    let mut closed: Option<Standing<'a>> = None;
    let mut reopened: Option<&ClearanceEvent> = None;
    let mut last_grant: Option<Date> = None;
    let mut pending: Option<&ClearanceEvent> = None;
    // Whether any fact so far shows mined areas: a later statement of "no
    // known mined areas" does not undo them (only a completion closes them).
    let mut areas_on_record = false;
    for e in known {
        if e.kind != ClearanceEventKind::NoMinedAreas {
            areas_on_record = true;
        }
        match e.kind {
            ClearanceEventKind::ExtensionGranted => {
                let Some(new) = e.deadline else { continue };
                let grant = extensions::Grant {
                    granted: e.date.date,
                    deadline: new,
                };
                let (next, applied) = match deadline {
                    Some(current) => extensions::apply(current, grant),
                    // Reopened with no deadline on record: the grant sets one.
                    None => (new, extensions::Applied::Replaced { from: base }),
                };
                if matches!(applied, extensions::Applied::Replaced { .. }) {
                    extended = true;
                }
                deadline = Some(next);
                last_grant = Some(e.date.date);
                pending = None;
                readings.push(Reading::Grant(e, applied));
            }
            ClearanceEventKind::Completed => {
                closed = Some(Standing::Completed(e));
                reopened = None;
                pending = None;
                readings.push(Reading::Completed(e));
            }
            ClearanceEventKind::NoMinedAreas => {
                if !areas_on_record {
                    closed = Some(Standing::NoMinedAreas(e));
                }
                readings.push(Reading::NoMinedAreas(e));
            }
            ClearanceEventKind::NewlyFound | ClearanceEventKind::MinedAreasReported => {
                let reopens = closed.is_some();
                if reopens {
                    closed = None;
                    reopened = Some(e);
                    // The deadline is the one set for the new areas.
                    deadline = e.deadline;
                    extended = e.deadline.is_some_and(|d| d != base);
                } else if let Some(d) = e.deadline {
                    // Found while the obligation is open: a deadline set for
                    // them only counts if it gives more time.
                    if deadline.is_none_or(|c| extensions::extends(c, d)) {
                        deadline = Some(d);
                        extended = true;
                    }
                }
                readings.push(Reading::NewlyFound {
                    event: e,
                    reopened: reopens,
                    deadline,
                });
            }
            ClearanceEventKind::Requested => {
                if last_grant.is_none_or(|g| e.date.date > g) {
                    pending = Some(e);
                }
                readings.push(Reading::Requested(e));
            }
            ClearanceEventKind::OriginalDeadline => {}
        }
    }
    if let Some(done) = closed {
        return (done, readings);
    }
    let standing = match deadline {
        None => match reopened {
            Some(found) => Standing::ReopenedWithoutDeadline(found),
            None => Standing::NoRecord,
        },
        Some(d) if on <= d => Standing::Open {
            deadline: d,
            extended,
            reopened,
        },
        Some(d) => match pending {
            Some(request) => Standing::Pending {
                deadline: d,
                request,
                reopened,
            },
            None => Standing::Lapsed {
                deadline: d,
                reopened,
            },
        },
    };
    (standing, readings)
}

#[cfg(test)]
mod tests {
    use super::extensions::{Applied, Grant, deadline_on};
    use super::*;
    use crate::{FactDate, Iso3, SourceId};
    use jiff::civil::date;
    use proptest::prelude::*;

    fn event(kind: ClearanceEventKind, on: Date, deadline: Option<Date>) -> ClearanceEvent {
        ClearanceEvent {
            state: Iso3::parse("GNB").expect("code"),
            kind,
            date: FactDate::day(on),
            meeting: None,
            deadline,
            sources: vec![SourceId::new("s")],
            note: String::new(),
        }
    }

    #[test]
    fn ten_years_after_entry_into_force() {
        assert_eq!(base_deadline(date(2003, 3, 1)), Some(date(2013, 3, 1)));
        assert_eq!(base_deadline(date(2011, 7, 9)), Some(date(2021, 7, 9)));
    }

    #[test]
    fn afghanistan_moved_by_each_grant_from_its_day() {
        let base = date(2013, 3, 1);
        let grants = [
            Grant {
                granted: date(2024, 11, 29),
                deadline: date(2030, 3, 1),
            },
            Grant {
                granted: date(2012, 12, 7),
                deadline: date(2023, 3, 1),
            },
            Grant {
                granted: date(2022, 11, 25),
                deadline: date(2025, 3, 1),
            },
        ];
        assert_eq!(deadline_on(base, &grants, date(2012, 1, 1)).0, base);
        assert_eq!(
            deadline_on(base, &grants, date(2013, 1, 1)).0,
            date(2023, 3, 1)
        );
        assert_eq!(
            deadline_on(base, &grants, date(2023, 1, 1)).0,
            date(2025, 3, 1)
        );
        let (now, history) = deadline_on(base, &grants, date(2026, 11, 28));
        assert_eq!(now, date(2030, 3, 1));
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].1, Applied::Replaced { from: base });
    }

    #[test]
    fn an_extension_never_moves_the_deadline_earlier() {
        let base = date(2013, 3, 1);
        let grants = [Grant {
            granted: date(2012, 12, 7),
            deadline: date(2012, 12, 31),
        }];
        let (now, history) = deadline_on(base, &grants, date(2020, 1, 1));
        assert_eq!(now, base);
        assert_eq!(history[0].1, Applied::Refused { current: base });
    }

    /// Guinea-Bissau: in force 2001-11-01, declared completion in December
    /// 2012, reported newly found areas later and was given a new deadline;
    /// from the finding on, the obligation is open again.
    #[test]
    fn newly_found_areas_reopen_a_completed_obligation() {
        let base = date(2011, 11, 1);
        let done = event(ClearanceEventKind::Completed, date(2012, 12, 5), None);
        let found = event(
            ClearanceEventKind::NewlyFound,
            date(2021, 11, 17),
            Some(date(2022, 12, 31)),
        );
        let events = [&done, &found];
        assert_eq!(
            standing(&events, base, date(2015, 1, 1)).0,
            Standing::Completed(&done)
        );
        let (now, readings) = standing(&events, base, date(2022, 1, 1));
        assert_eq!(
            now,
            Standing::Open {
                deadline: date(2022, 12, 31),
                extended: true,
                reopened: Some(&found)
            }
        );
        assert!(!now.is_met());
        assert!(matches!(
            readings[1],
            Reading::NewlyFound { reopened: true, .. }
        ));
        // Past the new deadline with nothing more on record: not met.
        assert_eq!(
            standing(&events, base, date(2026, 12, 1)).0,
            Standing::Lapsed {
                deadline: date(2022, 12, 31),
                reopened: Some(&found)
            }
        );
        // A later extension and then a new completion close it again.
        let extension = event(
            ClearanceEventKind::ExtensionGranted,
            date(2022, 11, 25),
            Some(date(2024, 12, 31)),
        );
        let again = event(ClearanceEventKind::Completed, date(2024, 6, 1), None);
        let events = [&done, &found, &extension, &again];
        assert_eq!(
            standing(&events, base, date(2023, 6, 1)).0.deadline(),
            Some(date(2024, 12, 31))
        );
        assert_eq!(
            standing(&events, base, date(2025, 1, 1)).0,
            Standing::Completed(&again)
        );
    }

    #[test]
    fn found_without_a_deadline_is_open_without_one() {
        let base = date(2011, 11, 1);
        let done = event(ClearanceEventKind::Completed, date(2011, 11, 1), None);
        let found = event(ClearanceEventKind::NewlyFound, date(2017, 1, 1), None);
        let (now, _) = standing(&[&done, &found], base, date(2018, 1, 1));
        assert_eq!(now, Standing::ReopenedWithoutDeadline(&found));
        assert!(now.is_ongoing());
    }

    #[test]
    fn no_known_mined_areas_is_met_until_some_are_found() {
        let base = date(2013, 11, 1);
        let none = event(ClearanceEventKind::NoMinedAreas, date(2019, 12, 18), None);
        assert_eq!(
            standing(&[&none], base, date(2020, 1, 1)).0,
            Standing::NoMinedAreas(&none)
        );
        assert_eq!(
            standing(&[&none], base, date(2019, 1, 1)).0,
            Standing::NoRecord
        );
        let found = event(
            ClearanceEventKind::NewlyFound,
            date(2021, 1, 1),
            Some(date(2026, 1, 1)),
        );
        assert!(
            standing(&[&none, &found], base, date(2022, 1, 1))
                .0
                .is_ongoing()
        );
    }

    #[test]
    fn a_request_after_the_last_grant_is_pending_once_the_deadline_passes() {
        let base = date(2011, 3, 1);
        let grant = event(
            ClearanceEventKind::ExtensionGranted,
            date(2010, 12, 3),
            Some(date(2021, 3, 1)),
        );
        let request = event(
            ClearanceEventKind::Requested,
            date(2025, 3, 31),
            Some(date(2030, 12, 31)),
        );
        let (now, _) = standing(&[&grant, &request], base, date(2026, 2, 1));
        assert_eq!(
            now,
            Standing::Pending {
                deadline: date(2021, 3, 1),
                request: &request,
                reopened: None
            }
        );
        // Before the request, the same record is a lapsed deadline.
        let (before, _) = standing(&[&grant, &request], base, date(2024, 1, 1));
        assert_eq!(
            before,
            Standing::Lapsed {
                deadline: date(2021, 3, 1),
                reopened: None
            }
        );
    }

    fn kind() -> impl Strategy<Value = ClearanceEventKind> {
        prop_oneof![
            Just(ClearanceEventKind::ExtensionGranted),
            Just(ClearanceEventKind::Completed),
            Just(ClearanceEventKind::Requested),
            Just(ClearanceEventKind::NoMinedAreas),
            Just(ClearanceEventKind::NewlyFound),
            Just(ClearanceEventKind::MinedAreasReported),
        ]
    }

    proptest! {
        /// A reopened obligation is never met before its new completion:
        /// on every day from newly found areas (after a completion) to the
        /// next completion, the standing is not met.
        #[test]
        fn a_reopened_obligation_is_never_met_before_its_new_completion(
            facts in proptest::collection::vec((kind(), 0i32..6000, proptest::option::of(0i32..8000)), 0..8),
            probe in 0i32..9000,
        ) {
            let start = date(2000, 1, 1);
            let day = |n: i32| start.checked_add(jiff::Span::new().days(n)).unwrap_or(start);
            let events: Vec<ClearanceEvent> = facts
                .iter()
                .map(|(k, d, dl)| event(*k, day(*d), dl.map(day)))
                .collect();
            let refs: Vec<&ClearanceEvent> = events.iter().collect();
            let on = day(probe);
            let (now, _) = standing(&refs, date(2010, 1, 1), on);
            // The latest completion or newly found fact on or before `on`,
            // in the order the rule reads them.
            let last = events
                .iter()
                .filter(|e| e.date.date <= on)
                .filter(|e| matches!(e.kind, ClearanceEventKind::Completed | ClearanceEventKind::NewlyFound | ClearanceEventKind::MinedAreasReported))
                .max_by_key(|e| (e.date, e.kind != ClearanceEventKind::Completed));
            if let Some(e) = last {
                if e.kind != ClearanceEventKind::Completed {
                    prop_assert!(!now.is_met(), "met after newly found areas with no completion since: {now:?}");
                } else {
                    prop_assert_eq!(now, Standing::Completed(e));
                }
            }
            // Met and ongoing exclude each other; the deadline is known
            // exactly when the obligation is open with one.
            prop_assert!(!(now.is_met() && now.is_ongoing()));
            if let Some(d) = now.deadline() {
                prop_assert!(now.is_ongoing());
                if let Standing::Open { .. } = now { prop_assert!(on <= d); } else { prop_assert!(on > d); }
            }
        }
    }
}
