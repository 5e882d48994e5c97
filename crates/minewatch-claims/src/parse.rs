//! The recursive-descent parser. The grammar is in `docs/claims.md`; each
//! function here reads one of its rules and is named after it.

use jiff::civil::Date;
use minewatch_core::{Iso3, Registry, Status};

use crate::ClaimError;
use minewatch_core::figures::FigureName;

use crate::ast::{
    Claim, Comparison, Delay, ObligationFact, Predicate, ReportRef, Selection, StateEvent,
    StateSet, Statement, TreatyFact, When,
};
use crate::lexicon::Lexicon;
use crate::token::{Kind, Token, tokenize};

/// The verbs of Art. 1 a claim may say a State Party is prohibited from.
pub(crate) const ARTICLE_1_VERBS: [&str; 10] = [
    "using",
    "developing",
    "producing",
    "acquiring",
    "stockpiling",
    "retaining",
    "transferring",
    "assisting",
    "encouraging",
    "inducing",
];

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    lexicon: &'a Lexicon,
    registry: &'a Registry,
    /// Where the claim ends, for errors at the end.
    end: (usize, usize),
}

type Parsed<T> = Result<T, ClaimError>;

/// Reads a claim.
pub(crate) fn parse(text: &str, lexicon: &Lexicon, registry: &Registry) -> Parsed<Claim> {
    let tokens = tokenize(text)?;
    let end = text
        .lines()
        .enumerate()
        .last()
        .map_or((1, 1), |(i, l)| (i + 1, l.chars().count() + 1));
    let mut parser = Parser {
        tokens,
        pos: 0,
        lexicon,
        registry,
        end,
    };
    parser.claim()
}

impl Parser<'_> {
    // ---- looking at tokens -------------------------------------------------

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset)
    }

    fn rest(&self) -> &[Token] {
        &self.tokens[self.pos.min(self.tokens.len())..]
    }

    /// Whether the next tokens are these words.
    fn at(&self, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(i, w)| {
            self.peek_at(i)
                .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Number) && t.norm == *w)
        })
    }

    /// Takes these words if they come next.
    fn eat(&mut self, words: &[&str]) -> bool {
        let found = self.at(words);
        if found {
            self.pos += words.len();
        }
        found
    }

    /// Takes the first of these word sequences that comes next.
    fn eat_any(&mut self, choices: &[&[&str]]) -> bool {
        choices.iter().any(|words| self.eat(words))
    }

    fn eat_kind(&mut self, kind: Kind) -> bool {
        let found = self.peek().is_some_and(|t| t.kind == kind);
        if found {
            self.pos += 1;
        }
        found
    }

    // ---- errors ------------------------------------------------------------

    fn error(&self, message: &str) -> ClaimError {
        match self.peek() {
            Some(t) => ClaimError::at(t.line, t.column, &t.text, message),
            None => ClaimError::at(self.end.0, self.end.1, "", message),
        }
    }

    fn expected(&self, what: &str) -> ClaimError {
        match self.peek() {
            Some(_) => self.error(&format!("expected {what}")),
            None => self.error(&format!("the claim ends where {what} was expected")),
        }
    }

    /// Takes these words, or points at the first that is not there.
    fn expect(&mut self, words: &[&str]) -> Parsed<()> {
        if self.eat(words) {
            return Ok(());
        }
        let matched = (0..words.len())
            .take_while(|&i| self.skip_at(i, words[i]))
            .count();
        self.pos += matched;
        Err(self.expected(&format!("`{}`", words[matched..].join(" "))))
    }

    fn skip_at(&self, offset: usize, word: &str) -> bool {
        self.peek_at(offset).is_some_and(|t| t.norm == word)
    }

    // ---- claim ---------------------------------------------------------------

    fn claim(&mut self) -> Parsed<Claim> {
        if self.tokens.is_empty() {
            return Err(ClaimError::at(1, 1, "", "empty claim: nothing to check"));
        }
        let on = if self.eat(&["on"]) {
            let date = self.date()?;
            self.eat_kind(Kind::Comma);
            Some(date)
        } else {
            None
        };
        let statement = self.statement()?;
        self.eat_kind(Kind::Period);
        if self.peek().is_some() {
            return Err(self.error("unexpected words after the end of the claim"));
        }
        Ok(Claim { on, statement })
    }

    fn date(&mut self) -> Parsed<Date> {
        match self.peek() {
            Some(t) if t.kind == Kind::Date => {
                let date = t
                    .date
                    .ok_or_else(|| self.expected("a date as YYYY-MM-DD"))?;
                self.pos += 1;
                Ok(date)
            }
            _ => Err(self.expected("a date as YYYY-MM-DD")),
        }
    }

    fn year(&mut self) -> Parsed<i16> {
        match self.peek() {
            Some(t) if t.kind == Kind::Number && t.text.len() == 4 => {
                let year = t
                    .number
                    .and_then(|n| i16::try_from(n).ok())
                    .ok_or_else(|| self.expected("a year"))?;
                self.pos += 1;
                Ok(year)
            }
            _ => Err(self.expected("a year as YYYY")),
        }
    }

    fn statement(&mut self) -> Parsed<Statement> {
        if self.eat_any(&[&["all", "of"], &["each", "of"], &["every", "one", "of"]]) {
            let states = self.state_list()?;
            return self.every_rest(Selection {
                set: StateSet::List(states),
                except: Vec::new(),
            });
        }
        if self.eat_any(&[&["all"], &["every"], &["each"]]) {
            let set = self.selection()?;
            return self.every_rest(set);
        }
        if self.eat(&["none", "of"]) {
            let states = self.state_list()?;
            let set = Selection {
                set: StateSet::List(states),
                except: Vec::new(),
            };
            return self.none_rest(set);
        }
        if self.eat(&["no"]) {
            let set = self.selection()?;
            return self.none_rest(set);
        }
        if self.eat(&["the", "number", "of"]) {
            return self.count();
        }
        if let Some(comparison) = self.leading_count() {
            return self.count_first(comparison);
        }
        if self.eat_any(&[&["the", "only", "governments"], &["the", "only", "states"]]) {
            self.eat(&["currently"]);
            self.using_mines()?;
            let report = self.report_ref()?;
            self.expect(&["are"])?;
            let states = self.state_list()?;
            return Ok(Statement::UsersAre { report, states });
        }
        if self.eat_any(&[&["the", "governments"], &["the", "states"]]) {
            self.eat(&["currently"]);
            self.using_mines()?;
            let report = self.report_ref()?;
            self.expect(&["are"])?;
            self.eat(&["exactly"]);
            let states = self.state_list()?;
            return Ok(Statement::UsersAre { report, states });
        }
        if let Some(fact) = self.treaty_subject() {
            return self.treaty(fact);
        }
        if self.eat(&["a", "withdrawal", "by"]) {
            let state = self.state()?;
            return self.withdrawal(state);
        }
        let current = self.eat_any(&[&["the", "current"], &["current"]]);
        let state = self.state()?;
        if current || self.at(&["policy"]) {
            return self.policy(state);
        }
        self.about_state(state)
    }

    // ---- sets and lists ----------------------------------------------------

    /// A state, by code, name or alias.
    fn state(&mut self) -> Parsed<Iso3> {
        let rest = self.rest();
        let skip_the = usize::from(rest.first().is_some_and(|t| t.norm == "the"));
        if let Some((taken, code)) = self.lexicon.state(&rest[skip_the..]) {
            self.pos += skip_the + taken;
            return Ok(code);
        }
        if let Some((taken, code)) = self.lexicon.state(rest) {
            self.pos += taken;
            return Ok(code);
        }
        let Some(token) = self.peek() else {
            return Err(self.expected("a state"));
        };
        if token.kind != Kind::Word {
            return Err(self.expected("a state"));
        }
        let mut error = self.error("unknown state");
        if let Err(not_found) = self.registry.find_state(&token.text) {
            error.suggestions = not_found
                .suggestions
                .iter()
                .map(|(code, name)| format!("{code} ({name})"))
                .collect();
        }
        Err(error)
    }

    /// `A, B and C`, `A, B, C`, `A, B, and C`, `A and B`.
    fn state_list(&mut self) -> Parsed<Vec<Iso3>> {
        let mut states = vec![self.state()?];
        loop {
            let comma = self.eat_kind(Kind::Comma);
            // `AND` in capitals is Andorra, not a separator.
            let and = self
                .peek()
                .is_some_and(|t| t.text != "AND" && matches!(t.norm.as_str(), "and" | "or"));
            if and {
                self.pos += 1;
            }
            if !(comma || and) {
                break;
            }
            states.push(self.state()?);
        }
        Ok(states)
    }

    fn group(&mut self) -> Option<String> {
        let rest = self.rest();
        let skip_the = usize::from(rest.first().is_some_and(|t| t.norm == "the"));
        let (taken, id) = self.lexicon.groups.longest(&rest[skip_the..])?;
        self.pos += skip_the + taken;
        Some(id)
    }

    /// A set of states and what it leaves out: `NATO members except USA`,
    /// `members of the EU`, `parties`, `states`, `signatories`.
    fn selection(&mut self) -> Parsed<Selection> {
        let set = if self.eat_any(&[&["states", "parties"], &["state", "parties"], &["parties"]])
            || self.eat_any(&[&["state", "party"], &["party"]])
        {
            StateSet::Parties
        } else if self.eat_any(&[&["signatories"], &["signatory"]]) {
            StateSet::Signatories
        } else if self.eat_any(&[&["states"], &["state"], &["countries"], &["country"]]) {
            StateSet::AllStates
        } else if self.eat_any(&[&["members", "of"], &["member", "states", "of"]]) {
            match self.group() {
                Some(id) => StateSet::Group(id),
                None => return Err(self.unknown_group()),
            }
        } else if let Some(id) = self.group() {
            if !self.eat_any(&[
                &["member", "states"],
                &["members"],
                &["member"],
                &["states"],
                &["state"],
                &["countries"],
                &["country"],
                &["allies"],
            ]) {
                return Err(self.expected("`members` after the group's name"));
            }
            StateSet::Group(id)
        } else {
            return Err(self.unknown_group());
        };
        let except = if self.eat_any(&[
            &["except", "for"],
            &["except"],
            &["other", "than"],
            &["but"],
        ]) {
            self.state_list()?
        } else {
            Vec::new()
        };
        Ok(Selection { set, except })
    }

    fn unknown_group(&self) -> ClaimError {
        let next_is_members = self
            .peek_at(1)
            .is_some_and(|t| matches!(t.norm.as_str(), "members" | "member" | "states"));
        if next_is_members || self.pos > 0 && self.tokens[self.pos - 1].norm == "of" {
            let mut error = self.error("unknown group");
            error.suggestions = self.lexicon.group_ids.clone();
            error
        } else {
            self.expected(
                "`of` and a list of states, a group's members (`NATO members`), `parties` or `states`",
            )
        }
    }

    // ---- predicates ------------------------------------------------------------

    /// After `all S`: `are [not] P`.
    fn every_rest(&mut self, set: Selection) -> Parsed<Statement> {
        if !self.eat_any(&[&["are"], &["is"]]) {
            return Err(self.expected("`are`"));
        }
        let negated = self.eat(&["not"]);
        let predicate = self.predicate()?;
        Ok(Statement::Every {
            set,
            predicate,
            negated,
        })
    }

    /// After `no S`: `is P`, or `uses AP mines`.
    fn none_rest(&mut self, set: Selection) -> Parsed<Statement> {
        if self.eat_any(&[
            &["uses"],
            &["use"],
            &["used"],
            &["is", "using"],
            &["are", "using"],
        ]) {
            self.mines()?;
            let report = self.report_ref()?;
            return Ok(Statement::NoneUses { set, report });
        }
        if !self.eat_any(&[&["is"], &["are"]]) {
            return Err(self.expected("`is`"));
        }
        let predicate = self.predicate()?;
        Ok(Statement::NoneIs { set, predicate })
    }

    fn predicate(&mut self) -> Parsed<Predicate> {
        self.eat_any(&[&["a"], &["an"]]);
        if self.eat_any(&[
            &["states", "parties"],
            &["state", "parties"],
            &["state", "party"],
            &["parties"],
            &["party"],
        ]) {
            self.eat_any(&[&["to", "the", "convention"], &["to", "the", "treaty"]]);
            return Ok(Predicate::Party);
        }
        if self.eat(&["bound"]) {
            self.eat_any(&[&["by", "the", "convention"], &["by", "the", "treaty"]]);
            return Ok(Predicate::Party);
        }
        if self.eat_any(&[&["signatories"], &["signatory"]]) {
            return Ok(Predicate::Signed);
        }
        if self.eat_any(&[&["non-signatories"], &["non-signatory"]]) {
            return Ok(Predicate::Status(Status::NonSignatory));
        }
        if self.eat(&["withdrawn"]) {
            return Ok(Predicate::Status(Status::Withdrawn));
        }
        if self.eat(&["withdrawing"]) {
            return Ok(Predicate::Withdrawing);
        }
        if self.eat(&["in", "status"]) {
            let status = self
                .peek()
                .and_then(|t| Status::parse(&t.norm))
                .ok_or_else(|| {
                    let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                    self.expected(&format!("a status: {}", names.join(", ")))
                })?;
            self.pos += 1;
            return Ok(Predicate::Status(status));
        }
        if self.eat_any(&[
            &["members", "of"],
            &["member", "of"],
            &["member", "states", "of"],
        ]) {
            let id = self.group().ok_or_else(|| {
                let mut error = self.error("unknown group");
                error.suggestions = self.lexicon.group_ids.clone();
                error
            })?;
            return Ok(Predicate::MemberOf(id));
        }
        if self.eat(&["prohibited", "from"]) {
            return self.prohibited();
        }
        Err(self.expected(
            "what is said of the states: `parties`, `bound`, `signatories`, `withdrawn`, \
             `withdrawing`, `in status ...`, `members of ...` or `prohibited from ...`",
        ))
    }

    /// `prohibited from assisting, encouraging or inducing anyone`.
    fn prohibited(&mut self) -> Parsed<Predicate> {
        let mut verbs = Vec::new();
        loop {
            let Some(verb) = self
                .peek()
                .filter(|t| ARTICLE_1_VERBS.contains(&t.norm.as_str()))
                .map(|t| t.norm.clone())
            else {
                let list = ARTICLE_1_VERBS.join(", ");
                return Err(self.expected(&format!("one of the acts Art. 1 prohibits: {list}")));
            };
            self.pos += 1;
            verbs.push(verb);
            let comma = self.eat_kind(Kind::Comma);
            let or = self.eat_any(&[&["or"], &["and"]]);
            if !(comma || or) {
                break;
            }
        }
        // What the acts are about: mines, or anyone doing what is prohibited.
        if !self.eat(&["anyone"]) && self.at_mines() {
            self.mines()?;
        }
        self.eat_any(&[&["in", "any", "way"]]);
        Ok(Predicate::Prohibited(verbs))
    }

    // ---- counting ----------------------------------------------------------

    fn count(&mut self) -> Parsed<Statement> {
        let set = self.selection()?;
        if self.at(&["that"]) || self.at(&["which"]) || self.at(&["who"]) {
            let save = self.pos;
            self.pos += 1;
            if let Some(figure) = self.figure_phrase() {
                if !self.eat_any(&[&["is"], &["was"], &["equals"]]) {
                    return Err(self.expected("`is`"));
                }
                let (comparison, number) = self.comparison_number()?;
                return Ok(Statement::Figure {
                    figure,
                    comparison,
                    number,
                });
            }
            self.pos = save;
        }
        let predicate = if self.eat_any(&[&["that", "are"], &["which", "are"], &["who", "are"]]) {
            Some(self.predicate()?)
        } else {
            None
        };
        if !self.eat_any(&[&["is"], &["was"], &["equals"]]) {
            return Err(self.expected("`is`"));
        }
        let (comparison, number) = self.comparison_number()?;
        Ok(Statement::Count {
            set,
            predicate,
            comparison,
            number,
        })
    }

    /// `at least`, `more than`, ... or nothing (exactly), then a number.
    fn comparison_number(&mut self) -> Parsed<(Comparison, u32)> {
        let comparison = self.comparison().unwrap_or_else(|| {
            self.eat(&["exactly"]);
            Comparison::Equal
        });
        let number = match self.peek() {
            Some(t) if t.kind == Kind::Number => t.number.unwrap_or(0),
            _ => return Err(self.expected("a number")),
        };
        self.pos += 1;
        Ok((comparison, number))
    }

    fn comparison(&mut self) -> Option<Comparison> {
        if self.eat(&["at", "least"]) {
            Some(Comparison::AtLeast)
        } else if self.eat(&["at", "most"]) {
            Some(Comparison::AtMost)
        } else if self.eat_any(&[&["more", "than"], &["over"]]) {
            Some(Comparison::MoreThan)
        } else if self.eat_any(&[&["fewer", "than"], &["less", "than"], &["under"]]) {
            Some(Comparison::FewerThan)
        } else if self.eat(&["exactly"]) {
            Some(Comparison::Equal)
        } else {
            None
        }
    }

    /// Whether the claim opens with a count: `more than 160 ...`, `164 ...`.
    fn leading_count(&mut self) -> Option<Comparison> {
        let save = self.pos;
        let comparison = self.comparison().unwrap_or(Comparison::Equal);
        if self.peek().is_some_and(|t| t.kind == Kind::Number) {
            self.pos = save;
            Some(comparison)
        } else {
            self.pos = save;
            None
        }
    }

    /// `more than 160 states are parties`, `164 States Parties have
    /// completed stockpile destruction`, `at least 60 states retain mines`.
    fn count_first(&mut self, _: Comparison) -> Parsed<Statement> {
        let (comparison, number) = self.comparison_number()?;
        let set = self.selection()?;
        if let Some(figure) = self.figure_phrase() {
            return Ok(Statement::Figure {
                figure,
                comparison,
                number,
            });
        }
        if !self.eat_any(&[&["are"], &["is"], &["were"]]) {
            return Err(self.expected(
                "`are ...` or what the states did: `have completed stockpile destruction`, \
                 `retain mines`, `have completed clearance`, `have mined areas`, `have withdrawn`",
            ));
        }
        let predicate = self.predicate()?;
        Ok(Statement::Count {
            set,
            predicate: Some(predicate),
            comparison,
            number,
        })
    }

    /// What a number of States Parties did or have, as a figure.
    fn figure_phrase(&mut self) -> Option<FigureName> {
        let save = self.pos;
        self.eat_any(&[&["have"], &["has"], &["still"]]);
        let stockpiles: &[&[&str]] = &[
            &["stockpiles"],
            &["a", "stockpile"],
            &["stockpile"],
            &["their", "stockpiles"],
            &["its", "stockpile"],
        ];
        let figure = if self.eat_any(&[
            &["completed", "stockpile", "destruction"],
            &[
                "completed",
                "the",
                "destruction",
                "of",
                "their",
                "stockpiles",
            ],
            &["completed", "destruction", "of", "their", "stockpiles"],
            &["destroyed", "their", "stockpiles"],
            &["destroyed", "their", "stockpiled"],
        ]) {
            self.eat_any(&[&["mines"], &["landmines"]]);
            Some(FigureName::StockpileDestructionCompleted)
        } else if self.eat_any(&[&["never", "held"], &["never", "had"]]) && self.eat_any(stockpiles)
        {
            Some(FigureName::StockpileNeverHeld)
        } else if self.eat_any(&[&["hold"], &["held"]]) && self.eat_any(stockpiles) {
            Some(FigureName::StockpileStillHeld)
        } else if self.eat_any(&[&["retain", "no"], &["retains", "no"]]) && self.mines().is_ok() {
            Some(FigureName::RetainingNone)
        } else if self.eat_any(&[&["retain"], &["retains"]]) && self.mines().is_ok() {
            Some(FigureName::RetainingStates)
        } else if self.eat_any(&[
            &["completed", "clearance"],
            &["completed", "mine", "clearance"],
            &["cleared", "their", "mined", "areas"],
            &["declared", "completion", "of", "clearance"],
        ]) {
            Some(FigureName::ClearanceCompleted)
        } else if self.eat_any(&[
            &["mined", "areas"],
            &["clearance", "obligations"],
            &["mined", "areas", "to", "clear"],
        ]) {
            self.eat(&["to", "clear"]);
            Some(FigureName::ClearanceOngoing)
        } else if self.eat_any(&[
            &["withdrawn"],
            &["withdrew"],
            &["left", "the", "convention"],
            &["left", "the", "treaty"],
            &["withdrawn", "from", "the", "convention"],
        ]) {
            self.eat_any(&[&["from", "the", "convention"], &["from", "the", "treaty"]]);
            Some(FigureName::Withdrawn)
        } else {
            None
        };
        if figure.is_none() {
            self.pos = save;
        }
        figure
    }

    // ---- statements about one state -----------------------------------------

    fn about_state(&mut self, state: Iso3) -> Parsed<Statement> {
        if let Some(statement) = self.obligation(state)? {
            return Ok(statement);
        }
        let uses = self.eat_any(&[&["is", "using"], &["uses"], &["is", "still", "using"]]);
        let does_not_use = !uses
            && self.eat_any(&[
                &["does", "not", "use"],
                &["doesn't", "use"],
                &["is", "not", "using"],
            ]);
        if uses || does_not_use {
            self.mines()?;
            let report = self.report_ref()?;
            return Ok(Statement::Uses {
                state,
                report,
                negated: does_not_use,
            });
        }
        if self.eat_any(&[&["is", "not"], &["isn't"], &["is", "no", "longer"]]) {
            let predicate = self.predicate()?;
            return Ok(Statement::Is {
                state,
                predicate,
                negated: true,
            });
        }
        if self.eat(&["is"]) {
            let predicate = self.predicate()?;
            return Ok(Statement::Is {
                state,
                predicate,
                negated: false,
            });
        }
        let negated = if self.eat_any(&[
            &["has", "not", "used"],
            &["hasn't", "used"],
            &["has", "never", "used"],
        ]) {
            Some(true)
        } else if self.eat(&["has", "used"]) {
            Some(false)
        } else {
            None
        };
        if let Some(negated) = negated {
            self.mines()?;
            self.expect(&["since"])?;
            let year = self.year()?;
            return Ok(Statement::UsedSince {
                state,
                year,
                negated,
            });
        }
        let did_not = self.eat_any(&[&["did", "not", "use"], &["didn't", "use"]]);
        if did_not || self.eat(&["used"]) {
            self.mines()?;
            if self.at(&["in"]) && self.peek_at(1).is_some_and(|t| t.kind == Kind::Number) {
                self.pos += 1;
                let year = self.year()?;
                return Ok(Statement::UsedInYear {
                    state,
                    year,
                    negated: did_not,
                });
            }
            let report = self.report_ref()?;
            if report == ReportRef::Current {
                return Err(self.expected("`in` and a year or a Landmine Monitor report"));
            }
            return Ok(Statement::Uses {
                state,
                report,
                negated: did_not,
            });
        }
        let event = if self.eat_any(&[
            &["became", "a", "state", "party"],
            &["became", "a", "party"],
            &["became", "bound"],
        ]) {
            StateEvent::BecameParty
        } else if self.eat(&["signed"]) {
            StateEvent::Signed
        } else if self.eat_any(&[
            &["ratified"],
            &["acceded"],
            &["accepted"],
            &["approved"],
            &["consented"],
            &["joined"],
            &["deposited", "its", "instrument", "of", "consent"],
        ]) {
            StateEvent::Consented
        } else if self.eat_any(&[
            &["notified", "its", "withdrawal"],
            &["notified", "withdrawal"],
            &["gave", "notice", "of", "withdrawal"],
        ]) {
            StateEvent::NotifiedWithdrawal
        } else if self.eat_any(&[
            &["withdrew"],
            &["left"],
            &["has", "left"],
            &["has", "withdrawn", "from"],
        ]) {
            StateEvent::Withdrew
        } else {
            return Err(self.expected(
                "what is said of the state: `is ...`, `is not ...`, `became a party ...`, \
                 `signed ...`, `ratified ...`, `withdrew ...`, `uses AP mines`, \
                 `has not used AP mines since ...` or `policy ...`",
            ));
        };
        self.eat_any(&[
            &["the", "convention"],
            &["the", "treaty"],
            &["from", "the", "convention"],
            &["from", "the", "treaty"],
            &["to", "the", "convention"],
            &["to", "the", "treaty"],
        ]);
        // "X withdrew from the Convention", with no time: at any time by the date.
        let when = if event == StateEvent::Withdrew && self.at_end() {
            When::Ever
        } else {
            self.when()?
        };
        Ok(Statement::Event { state, event, when })
    }

    /// Whether the claim ends here (a final period aside).
    fn at_end(&self) -> bool {
        self.rest().iter().all(|t| t.kind == Kind::Period)
    }

    /// A fact of the state's obligations: its stockpile (Art. 4), its
    /// clearance deadline and mined areas (Art. 5), its initial report
    /// (Art. 7(1)), mines it retains (Art. 3). `None` if the words are not
    /// one of these.
    fn obligation(&mut self, state: Iso3) -> Parsed<Option<Statement>> {
        let fact = |fact, negated| {
            Ok(Some(Statement::Obligation {
                state,
                fact,
                negated,
            }))
        };
        // Cambodia's clearance deadline is 2030-12-31.
        if self.eat(&["'s"]) {
            self.eat_any(&[&["article", "5"], &["art", "5"]]);
            self.eat_any(&[&["mine", "clearance"], &["clearance"]]);
            self.expect(&["deadline"])?;
            self.expect(&["is"])?;
            let date = self.date()?;
            return fact(ObligationFact::ClearanceDeadline(date), false);
        }
        let stockpile: &[&[&str]] = &[
            &["its", "stockpile"],
            &["its", "stockpiles"],
            &["its", "stockpiled", "mines"],
            &["its", "stockpile", "of", "mines"],
        ];
        // Greece has (not) destroyed its stockpile.
        let destroyed = self.eat_any(&[&["has", "destroyed"], &["destroyed"]]);
        let not_destroyed = !destroyed
            && self.eat_any(&[
                &["has", "not", "destroyed"],
                &["hasn't", "destroyed"],
                &["has", "never", "destroyed"],
                &["did", "not", "destroy"],
            ]);
        if destroyed || not_destroyed {
            if !self.eat_any(stockpile) {
                return Err(self.expected("`its stockpile`"));
            }
            if destroyed && !self.at_end() {
                let when = self.when()?;
                return fact(ObligationFact::StockpileDestroyedWhen(when), false);
            }
            return fact(ObligationFact::StockpileDestroyed, not_destroyed);
        }
        // GRC completed stockpile destruction in 2008.
        let completed = self.eat_any(&[
            &["completed", "stockpile", "destruction"],
            &["completed", "the", "destruction", "of", "its", "stockpile"],
            &["completed", "destruction", "of", "its", "stockpile"],
            &["has", "completed", "stockpile", "destruction"],
            &[
                "has",
                "completed",
                "the",
                "destruction",
                "of",
                "its",
                "stockpile",
            ],
        ]);
        let not_completed = !completed
            && self.eat_any(&[
                &["has", "not", "completed", "stockpile", "destruction"],
                &["hasn't", "completed", "stockpile", "destruction"],
                &[
                    "has",
                    "not",
                    "completed",
                    "the",
                    "destruction",
                    "of",
                    "its",
                    "stockpile",
                ],
            ]);
        if completed || not_completed {
            if completed && !self.at_end() {
                let when = self.when()?;
                return fact(ObligationFact::StockpileDestroyedWhen(when), false);
            }
            return fact(ObligationFact::StockpileDestroyed, not_completed);
        }
        // Lithuania has (no known) mined areas.
        if self.eat_any(&[
            &["has", "mined", "areas"],
            &["still", "has", "mined", "areas"],
        ]) {
            return fact(ObligationFact::HasMinedAreas, false);
        }
        if self.eat_any(&[
            &["has", "no", "mined", "areas"],
            &["has", "no", "known", "mined", "areas"],
            &["does", "not", "have", "mined", "areas"],
        ]) {
            return fact(ObligationFact::HasMinedAreas, true);
        }
        // Tuvalu has (not) submitted its initial report.
        let submitted = self.eat_any(&[&["has", "submitted"], &["submitted"]]);
        let not_submitted = !submitted
            && self.eat_any(&[
                &["has", "not", "submitted"],
                &["hasn't", "submitted"],
                &["has", "never", "submitted"],
                &["did", "not", "submit"],
            ]);
        if submitted || not_submitted {
            self.eat_any(&[&["its"], &["an"], &["the"]]);
            if !self.eat(&["initial"]) {
                return Err(self.expected("`its initial report`"));
            }
            self.eat_any(&[&["article", "7"], &["art", "7"], &["transparency"]]);
            self.expect(&["report"])?;
            return fact(ObligationFact::InitialReportSubmitted, not_submitted);
        }
        // Greece retains (no) mines.
        if self.eat_any(&[
            &["retains", "no"],
            &["does", "not", "retain"],
            &["doesn't", "retain"],
        ]) {
            self.mines()?;
            self.eat_any(&[&["for", "training"]]);
            return fact(ObligationFact::RetainsMines, true);
        }
        if self.eat_any(&[&["retains"], &["still", "retains"]]) {
            self.mines()?;
            self.eat_any(&[&["for", "training"]]);
            return fact(ObligationFact::RetainsMines, false);
        }
        Ok(None)
    }

    /// `in 2003`, `on 2003-11-01`, `before 2004`, `after 2002-12-31`, `by 2003`.
    fn when(&mut self) -> Parsed<When> {
        if self.eat(&["in"]) {
            return Ok(When::InYear(self.year()?));
        }
        if self.eat(&["on"]) {
            return Ok(When::On(self.date()?));
        }
        let bound = |parser: &mut Parser<'_>, year_edge: fn(i16) -> Option<Date>| {
            if parser.peek().is_some_and(|t| t.kind == Kind::Date) {
                parser.date()
            } else {
                let year = parser.year()?;
                year_edge(year).ok_or_else(|| parser.expected("a year"))
            }
        };
        if self.eat(&["before"]) {
            return Ok(When::Before(bound(self, |y| Date::new(y, 1, 1).ok())?));
        }
        if self.eat(&["after"]) {
            return Ok(When::After(bound(self, |y| Date::new(y, 12, 31).ok())?));
        }
        if self.eat(&["by"]) {
            return Ok(When::By(bound(self, |y| Date::new(y, 12, 31).ok())?));
        }
        Err(self
            .expected("when: `in YYYY`, `on YYYY-MM-DD`, `before ...`, `after ...` or `by ...`"))
    }

    // ---- mines and reports -------------------------------------------------

    fn at_mines(&self) -> bool {
        [
            &["ap"][..],
            &["anti-personnel"],
            &["antipersonnel"],
            &["anti", "personnel"],
            &["landmines"],
            &["mines"],
        ]
        .iter()
        .any(|words| self.at(words))
    }

    /// `AP mines`, `anti-personnel mines`, `antipersonnel landmines`, `landmines`.
    fn mines(&mut self) -> Parsed<()> {
        let qualified = self.eat_any(&[
            &["ap"],
            &["anti-personnel"],
            &["antipersonnel"],
            &["anti", "personnel"],
        ]);
        if self.eat_any(&[&["mines"], &["landmines"]]) {
            Ok(())
        } else if qualified {
            Err(self.expected("`mines`"))
        } else {
            Err(self.expected("`AP mines`"))
        }
    }

    fn using_mines(&mut self) -> Parsed<()> {
        if !self.eat_any(&[&["using"], &["that", "use"], &["that", "are", "using"]]) {
            return Err(self.expected("`using`"));
        }
        self.mines()
    }

    /// `in LM2024`, `according to Landmine Monitor 2024`, `currently`, or nothing (current).
    fn report_ref(&mut self) -> Parsed<ReportRef> {
        if self.eat_any(&[&["currently"], &["now"], &["today"]]) {
            return Ok(ReportRef::Current);
        }
        let introduced = self.eat_any(&[&["according", "to"], &["in"]]);
        if !introduced {
            return Ok(ReportRef::Current);
        }
        let rest = self.rest();
        let skip_the = usize::from(rest.first().is_some_and(|t| t.norm == "the"));
        match self.lexicon.reports.longest(&rest[skip_the..]) {
            Some((taken, id)) => {
                self.pos += skip_the + taken;
                self.eat_any(&[&["reporting", "period"], &["report"]]);
                Ok(ReportRef::Named(id))
            }
            None => {
                self.pos += skip_the;
                let mut error = self.error("unknown Landmine Monitor report");
                error.suggestions = self.lexicon.report_ids.clone();
                Err(error)
            }
        }
    }

    // ---- policy, treaty, withdrawal ------------------------------------------

    /// After the state: `policy forbids use outside the Korean peninsula`,
    /// `policy on use is korea_only`.
    fn policy(&mut self, state: Iso3) -> Parsed<Statement> {
        self.expect(&["policy"])?;
        let korea = |parser: &mut Parser<'_>| {
            parser.eat(&["use"]);
            if parser.eat(&["of"]) {
                parser.mines()?;
            }
            Ok::<(), ClaimError>(())
        };
        if self.eat_any(&[&["forbids"], &["prohibits"], &["bans"]]) {
            korea(self)?;
            self.expect(&["outside", "the", "korean", "peninsula"])?;
            return Ok(self.korea_only(state));
        }
        if self.eat_any(&[&["limits"], &["restricts"]]) {
            korea(self)?;
            self.expect(&["to", "the", "korean", "peninsula"])?;
            return Ok(self.korea_only(state));
        }
        if self.eat(&["on"]) {
            let topic = self.identifier("a topic, such as `use` or `transfer`")?;
            self.expect(&["is"])?;
            let position = self.identifier("a position, such as `korea_only`")?;
            return Ok(Statement::Policy {
                state,
                topic,
                position,
            });
        }
        Err(self.expected("`forbids use outside the Korean peninsula` or `on TOPIC is POSITION`"))
    }

    fn korea_only(&self, state: Iso3) -> Statement {
        Statement::Policy {
            state,
            topic: "use".into(),
            position: "korea_only".into(),
        }
    }

    fn identifier(&mut self, what: &str) -> Parsed<String> {
        match self.peek() {
            Some(t) if t.kind == Kind::Word => {
                let word = t.norm.clone();
                self.pos += 1;
                Ok(word)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn treaty_subject(&mut self) -> Option<TreatyFact> {
        let subjects: [&[&str]; 6] = [
            &["the", "mine", "ban", "convention"],
            &["the", "mine", "ban", "treaty"],
            &["the", "ottawa", "treaty"],
            &["the", "ottawa", "convention"],
            &["the", "convention"],
            &["the", "treaty"],
        ];
        let start = self.pos;
        if !self.eat_any(&subjects) {
            return None;
        }
        if self.eat_any(&[&["was", "adopted"], &["is", "adopted"]]) {
            Some(TreatyFact::Adopted)
        } else if self.eat_any(&[
            &["was", "opened", "for", "signature"],
            &["opened", "for", "signature"],
        ]) {
            Some(TreatyFact::OpenedForSignature)
        } else if self.eat_any(&[&["entered", "into", "force"], &["came", "into", "force"]]) {
            Some(TreatyFact::EnteredIntoForce)
        } else {
            // Let the error say what follows "the Convention".
            self.pos = start + 1;
            None
        }
    }

    fn treaty(&mut self, fact: TreatyFact) -> Parsed<Statement> {
        let when = self.when()?;
        Ok(Statement::Treaty { fact, when })
    }

    /// After `a withdrawal by X`.
    fn withdrawal(&mut self, state: Iso3) -> Parsed<Statement> {
        self.eat_any(&[&["would"], &["will"]]);
        let not = self.eat(&["not"]);
        if !self.eat_any(&[&["take", "effect"], &["takes", "effect"]]) {
            return Err(self.expected("`take effect`"));
        }
        let until = self.eat_any(&[&["until"], &["before"], &["earlier", "than"]]);
        if not != until {
            return Err(self.expected(if not { "`until`" } else { "`six months after`" }));
        }
        if !self.eat_any(&[&["six"], &["6"]]) {
            return Err(self.expected("`six months after`"));
        }
        self.expect(&["months", "after"])?;
        self.eat_any(&[&["its"], &["the"]]);
        if !self.eat_any(&[&["notice"], &["notification"], &["instrument"]]) {
            return Err(self.expected("`notice`"));
        }
        self.eat(&["of", "withdrawal"]);
        let delay = if not {
            Delay::NoEarlierThanSixMonths
        } else {
            Delay::ExactlySixMonths
        };
        Ok(Statement::Withdrawal { state, delay })
    }
}
