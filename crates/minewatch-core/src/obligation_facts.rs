//! The facts the obligations of Articles 3, 4, 5 and 7 are computed from,
//! and the humanitarian record (casualties, contamination). Part of the
//! [`Context`](crate::Context).

use std::fmt;

use jiff::civil::Date;

use crate::{Iso3, SourceId};

/// A date, or only a year when the source gives no more. A year alone
/// counts from its last day: a fact "in 2009" is known to have happened by
/// 31 December 2009, not before.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct FactDate {
    /// The day, or the last day of the year.
    pub date: Date,
    /// Whether only the year is known.
    pub year_only: bool,
}

impl FactDate {
    /// A known day.
    pub fn day(date: Date) -> FactDate {
        FactDate {
            date,
            year_only: false,
        }
    }

    /// A year alone, counted from its last day.
    pub fn year(year: i16) -> Option<FactDate> {
        Some(FactDate {
            date: Date::new(year, 12, 31).ok()?,
            year_only: true,
        })
    }
}

impl fmt::Display for FactDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year_only {
            write!(f, "{}", self.date.year())
        } else {
            write!(f, "{}", self.date)
        }
    }
}

/// A Meeting of States Parties or a Review Conference.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Meeting {
    /// The short name (`12MSP`, `5RC`).
    pub id: String,
    /// The full name.
    pub name: String,
    /// Whether it was a Review Conference (Art. 12) rather than a Meeting of
    /// States Parties (Art. 11).
    pub review_conference: bool,
    /// When it was held: its first day, or its year.
    pub held: FactDate,
    /// Its last day, when known.
    pub end: Option<Date>,
    /// Where.
    pub place: String,
    /// Where the facts come from.
    pub sources: Vec<SourceId>,
}

/// What a stockpile fact says (Art. 4).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StockpileEventKind {
    /// A declared stockpile.
    Declared,
    /// Destruction of the stockpile completed.
    Completed,
    /// Mines still held at a date.
    Remaining,
    /// The state declared it holds no stockpile.
    NoStockpile,
    /// A number destroyed by a date, without completion.
    Destroyed,
    /// Completion reported by this date; when it happened is not on record.
    CompletionReported,
    /// A source says the state's stockpile status is not known (for
    /// instance: no initial report, so nothing was ever declared).
    StatusUnknown,
}

impl StockpileEventKind {
    /// Every kind.
    pub const ALL: [StockpileEventKind; 7] = [
        StockpileEventKind::Declared,
        StockpileEventKind::Completed,
        StockpileEventKind::Remaining,
        StockpileEventKind::NoStockpile,
        StockpileEventKind::Destroyed,
        StockpileEventKind::CompletionReported,
        StockpileEventKind::StatusUnknown,
    ];

    /// The data file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StockpileEventKind::Declared => "declared",
            StockpileEventKind::Completed => "completed",
            StockpileEventKind::Remaining => "remaining",
            StockpileEventKind::NoStockpile => "no_stockpile",
            StockpileEventKind::Destroyed => "destroyed",
            StockpileEventKind::CompletionReported => "completion_reported",
            StockpileEventKind::StatusUnknown => "status_unknown",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<StockpileEventKind> {
        StockpileEventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A dated fact about a state's stockpile.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StockpileEvent {
    /// The state.
    pub state: Iso3,
    /// What it says.
    pub kind: StockpileEventKind,
    /// When.
    pub date: FactDate,
    /// How many mines, when a number is given.
    pub quantity: Option<u64>,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// What a clearance fact says (Art. 5).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClearanceEventKind {
    /// A Meeting of States Parties or Review Conference granted a new deadline (Art. 5(3)-(6)).
    ExtensionGranted,
    /// The state declared its mined areas cleared.
    Completed,
    /// The state asked for an extension; the outcome is not recorded.
    Requested,
    /// The state's original deadline, where it is not entry into force plus ten years.
    OriginalDeadline,
    /// A source says the state has no known mined areas under its
    /// jurisdiction or control: nothing to clear.
    NoMinedAreas,
    /// Mined areas newly found after a declared completion (or after a
    /// declaration of none); `deadline` is the one then set for them.
    NewlyFound,
    /// The state reported mined areas under its jurisdiction or control; no
    /// extension is on record, so the base deadline applies.
    MinedAreasReported,
}

impl ClearanceEventKind {
    /// Every kind.
    pub const ALL: [ClearanceEventKind; 7] = [
        ClearanceEventKind::ExtensionGranted,
        ClearanceEventKind::Completed,
        ClearanceEventKind::Requested,
        ClearanceEventKind::OriginalDeadline,
        ClearanceEventKind::NoMinedAreas,
        ClearanceEventKind::NewlyFound,
        ClearanceEventKind::MinedAreasReported,
    ];

    /// The data file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ClearanceEventKind::ExtensionGranted => "extension_granted",
            ClearanceEventKind::Completed => "completed",
            ClearanceEventKind::Requested => "requested",
            ClearanceEventKind::OriginalDeadline => "original_deadline",
            ClearanceEventKind::NoMinedAreas => "no_mined_areas",
            ClearanceEventKind::NewlyFound => "newly_found",
            ClearanceEventKind::MinedAreasReported => "mined_areas_reported",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<ClearanceEventKind> {
        ClearanceEventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A dated fact about a state's clearance obligation.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClearanceEvent {
    /// The state.
    pub state: Iso3,
    /// What it says.
    pub kind: ClearanceEventKind,
    /// When (for a grant, the meeting's date or year).
    pub date: FactDate,
    /// The meeting that granted it, for a grant.
    pub meeting: Option<String>,
    /// The deadline granted, requested, or originally set.
    pub deadline: Option<Date>,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// Whether an Article 7 report was submitted or is missing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReportFact {
    /// The state.
    pub state: Iso3,
    /// The initial report (Art. 7(1)) rather than an annual update (Art. 7(2)).
    pub initial: bool,
    /// For an annual update, the calendar year it covers.
    pub covering: Option<i16>,
    /// Submitted, or noted as missing.
    pub submitted: bool,
    /// Whether `date` is the day of the submission; `false` when a source
    /// says only that it had been submitted by then.
    pub date_known: bool,
    /// The date of the submission, or of the note that it was missing.
    pub date: FactDate,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// A declared number of mines retained for training (Art. 3).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RetainedFigure {
    /// The state.
    pub state: Iso3,
    /// The date or year of the figure.
    pub date: FactDate,
    /// How many mines.
    pub quantity: u64,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// The world's recorded mine and explosive-remnant casualties in a year.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CasualtyYear {
    /// The calendar year.
    pub year: i16,
    /// People killed or injured.
    pub total: u64,
    /// Killed, when given.
    pub killed: Option<u64>,
    /// Injured, when given.
    pub injured: Option<u64>,
    /// Civilians as a percentage of casualties of known status, when given.
    pub civilian_share: Option<u8>,
    /// Children as a percentage, when given.
    pub child_share: Option<u8>,
    /// The Monitor edition that first reported it.
    pub report: String,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// A country's recorded casualties in a year.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CountryCasualties {
    /// The calendar year.
    pub year: i16,
    /// The state.
    pub state: Iso3,
    /// People killed or injured.
    pub total: u64,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// An estimate of a state's mine-contaminated area.
#[derive(Clone, PartialEq, Debug)]
pub struct ContaminationEstimate {
    /// The state.
    pub state: Iso3,
    /// The date or year of the data.
    pub date: FactDate,
    /// The area in square kilometres.
    pub area_km2: f64,
    /// `cha` (confirmed), `sha` (suspected), `total` or `released`.
    pub kind: String,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// Whether a year's casualty figures count on `on`: the Landmine Monitor
/// publishes a year's figures late in the following year, so they count from
/// the first day of the year after that (Landmine Monitor 2024, launched in
/// November 2024, gives 2023; 2023's figures count from 2025-01-01).
pub fn casualty_year_counts(year: i16, on: Date) -> bool {
    i32::from(year) + 1 < i32::from(on.year())
}

/// How many States Parties submitted the annual Article 7 update covering a
/// year, as a source states it (the Monitor, the ISU or ICBL).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReportingRate {
    /// The calendar year the updates cover.
    pub covering: i16,
    /// States Parties due, when stated.
    pub due: Option<u32>,
    /// States Parties that had submitted, when stated.
    pub submitted: Option<u32>,
    /// The share that had submitted, in percent, when stated.
    pub rate: Option<u8>,
    /// When the source measured it.
    pub as_of: FactDate,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
}

/// How a stated figure is qualified: "164", "more than 55 million",
/// "at least 57", "about 3.6 million".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Qualifier {
    /// The number itself.
    Exact,
    /// More than the number.
    MoreThan,
    /// The number or more.
    AtLeast,
    /// Approximately the number.
    About,
}

impl Qualifier {
    /// Every qualifier.
    pub const ALL: [Qualifier; 4] = [
        Qualifier::Exact,
        Qualifier::MoreThan,
        Qualifier::AtLeast,
        Qualifier::About,
    ];

    /// The data file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::MoreThan => "more_than",
            Qualifier::AtLeast => "at_least",
            Qualifier::About => "about",
        }
    }

    /// Parses the data file spelling.
    pub fn parse(text: &str) -> Option<Qualifier> {
        Qualifier::ALL.into_iter().find(|q| q.as_str() == text)
    }

    /// As a reader writes it before the number: "more than ", "".
    pub fn words(self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::MoreThan => "more than ",
            Qualifier::AtLeast => "at least ",
            Qualifier::About => "about ",
        }
    }
}

/// A treaty-status figure as a Landmine Monitor edition states it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StatedFigure {
    /// The edition (`LM2024`).
    pub report: String,
    /// The figure's name, as [`crate::figures::FigureName`] spells it.
    pub figure: String,
    /// The number stated.
    pub value: u64,
    /// How the edition qualifies it.
    pub qualifier: Qualifier,
    /// The date the edition's figure is as of.
    pub as_of: FactDate,
    /// Where it comes from.
    pub sources: Vec<SourceId>,
    /// A sentence for a reader.
    pub note: String,
    /// Why the figure computed from the record differs, written by whoever
    /// reviewed the difference; empty where they agree.
    pub difference: String,
}
