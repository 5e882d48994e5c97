//! Briefs: the fact sheet a campaigner takes into a meeting, for one state
//! on one date — where it stands and why, what withdrawal would change and
//! from when, its alliances and peers, who uses anti-personnel mines, its
//! obligations and deadlines, the humanitarian record, the key facts of the
//! debate checked as claims, and (with `since`) what has changed. Every fact
//! is footnoted with its source. Rendered as Markdown or as a self-contained
//! HTML page that prints on A4.

mod doc;
mod escape;
mod report;

use jiff::civil::Date;
use minewatch_claims::{Checker, Verdict};
use minewatch_core::{Firmness, Iso3, ObligationState, Obligations, SourceId, Status, thousands};
use minewatch_registry::Loaded;

pub use escape::{Escaped, Html, ToHtml, escape_html};
pub use report::{CounterexampleReport, EvidenceReport, SourceReport, VerdictReport};

use doc::{Block, Doc, Inline, Section, cite, strong, text};

/// What a brief is for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BriefRequest {
    /// The state.
    pub state: Iso3,
    /// The date it is valid for.
    pub on: Date,
    /// Peers to compare with, in the order given.
    pub peers: Vec<Iso3>,
    /// An earlier date to report changes since.
    pub since: Option<Date>,
}

impl BriefRequest {
    /// The peers in the order given, each once, without the state itself.
    pub fn distinct_peers(&self) -> Vec<Iso3> {
        let mut out: Vec<Iso3> = Vec::new();
        for &p in &self.peers {
            if p != self.state && !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// A brief, ready to render.
pub struct Brief<'a> {
    loaded: &'a Loaded,
    doc: Doc,
}

impl Brief<'_> {
    /// The brief as Markdown.
    pub fn markdown(&self) -> String {
        self.doc.markdown(self.loaded)
    }

    /// The brief as a self-contained HTML page (no scripts, no fonts or
    /// images from elsewhere) that prints cleanly on A4.
    pub fn html(&self) -> String {
        self.doc.html(self.loaded)
    }
}

/// The claims every brief checks: the facts the debate turns on. `{S}` is
/// the state of the brief.
const KEY_CLAIMS: [&str; 10] = [
    "{S} is a party",
    "the number of parties is at least 0",
    "all EU members are parties",
    "all NATO members except USA are parties",
    "USA is not a party",
    "current USA policy forbids use outside the Korean peninsula",
    "USA has not used AP mines since 1991",
    "the Convention was adopted in 1997",
    "{S} is prohibited from using, assisting, encouraging or inducing anyone",
    "a withdrawal by {S} would not take effect until six months after its notice",
];

/// At most this many sources are cited for one checked claim; an aggregate
/// over many states cites the first few and says how many more there are.
const MAX_CITED: usize = 6;

fn evidence_sources(verdict: &Verdict) -> (Vec<SourceId>, usize) {
    let mut all: Vec<SourceId> = verdict
        .evidence
        .iter()
        .flat_map(|e| e.sources.iter().cloned())
        .filter(|s| s.as_str() != "hypothetical")
        .collect();
    all.sort();
    all.dedup();
    let more = all.len().saturating_sub(MAX_CITED);
    all.truncate(MAX_CITED);
    (all, more)
}

struct Builder<'a> {
    loaded: &'a Loaded,
    checker: Checker<'a>,
    request: &'a BriefRequest,
    /// The peers once each, without the state itself.
    peers: Vec<Iso3>,
    name: String,
}

impl<'a> Builder<'a> {
    fn name_of(&self, state: Iso3) -> String {
        self.loaded.registry.name_of(state).to_string()
    }

    fn status_phrase(&self, state: Iso3, on: Date) -> (Status, String) {
        let changes = self.loaded.registry.status_changes(state);
        let last = changes.iter().rev().find(|(d, _)| *d <= on);
        match last {
            Some((since, status)) => (*status, format!("{status} since {since}")),
            None => (Status::NonSignatory, Status::NonSignatory.to_string()),
        }
    }

    fn standing(&self) -> Section {
        let r = &self.loaded.registry;
        let on = self.request.on;
        let state = self.request.state;
        let mut blocks = Vec::new();
        let Some(assessment) = r.assess(state, on) else {
            return Section {
                heading: "Where it stands".into(),
                blocks,
            };
        };
        let mut first = vec![
            text(format!("On {on}, {} is ", self.name)),
            strong(assessment.status.as_str()),
            text(format!(" ({}).", describe_status(assessment.status))),
        ];
        if let Some(eif) = assessment.entry_into_force {
            let verb = if eif <= on {
                "has been in force for it since"
            } else {
                "enters into force for it on"
            };
            first.push(text(format!(" The Convention {verb} {eif}.")));
        }
        if let Some(w) = &assessment.withdrawal {
            first.push(text(format!(
                " It notified its withdrawal on {}; six months later is {}",
                w.received, w.six_months_after
            )));
            first.push(text(match w.effective {
                Some(d) if d <= on => format!(", and the withdrawal took effect on {d}."),
                Some(d) => format!(", when the withdrawal takes effect ({d})."),
                None => ", but it is engaged in an armed conflict: the withdrawal waits for its end (Art. 20(3)).".into(),
            }));
        }
        blocks.push(Block::Paragraph(first));
        let steps: Vec<Vec<Inline>> = assessment
            .steps
            .iter()
            .map(|s| {
                vec![
                    strong(s.date.to_string()),
                    text(format!(" ({}) {}", s.article, s.text)),
                    cite(&s.sources),
                ]
            })
            .collect();
        if !steps.is_empty() {
            blocks.push(Block::List(steps));
        }
        let findings: Vec<Vec<Inline>> = assessment
            .findings
            .iter()
            .map(|f| {
                vec![
                    text(format!(
                        "Note ({}): {}",
                        f.kind.as_str().replace('_', " "),
                        f.text
                    )),
                    cite(&f.sources),
                ]
            })
            .collect();
        if !findings.is_empty() {
            blocks.push(Block::List(findings));
        }
        Section {
            heading: format!("Where {} stands", self.name),
            blocks,
        }
    }

    fn withdrawal(&self) -> Section {
        let r = &self.loaded.registry;
        let on = self.request.on;
        let state = self.request.state;
        let heading = format!("What withdrawal would change for {}", self.name);
        let status = r.status_on(state, on).unwrap_or(Status::NonSignatory);
        let para = match status {
            Status::Party => match r.what_if_withdraw(state, on, on) {
                Ok(a) => match a.withdrawal {
                    Some(w) => {
                        let when = match w.effective {
                            Some(d) => format!(
                                "it would take effect on {d}, six months later (Art. 20(3)). Until then {} stays bound by every obligation of the Convention",
                                self.name
                            ),
                            None => format!(
                                "six months later ({}) it would still not take effect, because {} is engaged in an armed conflict: it would wait for the conflict's end (Art. 20(3))",
                                w.six_months_after, self.name
                            ),
                        };
                        vec![text(format!(
                            "If {} deposited a notification of withdrawal on {on}, {when}. From then on the prohibitions of Art. 1 and the deadlines of Arts. 4, 5 and 7 would no longer bind it; its duties under other rules of international law would remain (Art. 20(4)).",
                            self.name
                        ))]
                    }
                    None => vec![text("No withdrawal outcome could be computed.")],
                },
                Err(e) => vec![text(format!(
                    "A withdrawal cannot be computed: {}.",
                    e.message
                ))],
            },
            Status::Withdrawing | Status::WithdrawalDeferred => vec![text(format!(
                "{} has already notified its withdrawal (see above); until it takes effect it remains bound by every obligation (Art. 20(3)).",
                self.name
            ))],
            Status::Withdrawn => vec![text(format!(
                "{}'s withdrawal has taken effect: the Convention no longer binds it. To be bound again it would deposit a new instrument of accession (Art. 16); the Convention would enter into force for it on the first day of the sixth month after (Art. 17(2)).",
                self.name
            ))],
            _ => vec![text(format!(
                "{} is not bound by the Convention, so it has nothing to withdraw from.",
                self.name
            ))],
        };
        Section {
            heading,
            blocks: vec![Block::Paragraph(para)],
        }
    }

    fn alliances(&self) -> Section {
        let on = self.request.on;
        let context = &self.loaded.context;
        let mut items = Vec::new();
        for group in context.groups() {
            let Some(membership) = context
                .members_on(&group.id, on)
                .find(|m| m.state == self.request.state)
            else {
                continue;
            };
            let claim = format!("all {} members are parties", group.id);
            let Ok(verdict) = self.checker.check(&claim, on) else {
                continue;
            };
            let members = context.members_on(&group.id, on).count();
            let outside: Vec<String> = verdict
                .counterexamples
                .iter()
                .map(|c| format!("{} ({})", c.name, c.reason))
                .collect();
            let mut item = vec![
                strong(group.name.clone()),
                text(format!(": a member since {}", membership.joined)),
                cite(&membership.sources),
                text(format!(
                    ". {} of its {members} members are States Parties on {on}",
                    members - verdict.counterexamples.len()
                )),
            ];
            if outside.is_empty() {
                item.push(text("."));
            } else {
                item.push(text(format!("; not bound: {}.", outside.join("; "))));
            }
            let (sources, _) = evidence_sources(&verdict);
            item.push(cite(&sources));
            items.push(item);
        }
        let blocks = if items.is_empty() {
            vec![Block::Paragraph(vec![text(format!(
                "The record has no membership of {} in a recorded group on {on}.",
                self.name
            ))])]
        } else {
            vec![Block::List(items)]
        };
        Section {
            heading: "Alliances".into(),
            blocks,
        }
    }

    fn peers(&self) -> Option<Section> {
        if self.peers.is_empty() {
            return None;
        }
        let on = self.request.on;
        let mut rows = Vec::new();
        for &peer in std::iter::once(&self.request.state).chain(&self.peers) {
            let (_, phrase) = self.status_phrase(peer, on);
            let sources: Vec<SourceId> = self
                .loaded
                .registry
                .actions_of(peer)
                .filter(|a| a.date <= on)
                .flat_map(|a| a.sources.iter().cloned())
                .collect();
            let mut row = vec![
                vec![text(format!("{} ({peer})", self.name_of(peer)))],
                vec![text(phrase), cite(&sources)],
            ];
            if let Some(since) = self.request.since {
                let (_, then) = self.status_phrase(peer, since);
                row.push(vec![text(then)]);
            }
            rows.push(row);
        }
        let mut header = vec!["State".to_string(), format!("Status on {on}")];
        if let Some(since) = self.request.since {
            header.push(format!("Status on {since}"));
        }
        Some(Section {
            heading: "Peers".into(),
            blocks: vec![Block::Table { header, rows }],
        })
    }

    fn users(&self) -> Section {
        let on = self.request.on;
        let context = &self.loaded.context;
        let blocks = match context.latest_report(on) {
            None => vec![Block::Paragraph(vec![text(format!(
                "No Landmine Monitor report in the record was launched by {on}."
            ))])],
            Some(report) => {
                let mut items = Vec::new();
                for firmness in Firmness::ALL {
                    let found: Vec<_> = context
                        .uses_in(&report.id)
                        .filter(|u| u.firmness == firmness)
                        .collect();
                    if found.is_empty() {
                        continue;
                    }
                    let names: Vec<String> = found.iter().map(|u| self.name_of(u.state)).collect();
                    let sources: Vec<SourceId> = found
                        .iter()
                        .flat_map(|u| u.sources.iter().cloned())
                        .collect();
                    let label = match firmness {
                        Firmness::Confirmed => "Use by government forces confirmed",
                        Firmness::Alleged => "Use alleged, not confirmed",
                        Firmness::Denied => "Use alleged and denied by the government",
                    };
                    items.push(vec![
                        strong(label),
                        text(format!(": {}.", names.join(", "))),
                        cite(&sources),
                    ]);
                }
                vec![
                    Block::Paragraph(vec![
                        text(format!(
                            "The latest Landmine Monitor report on {on} is {} (launched {}; reporting period: {}).",
                            report.title, report.published, report.period
                        )),
                        cite(&report.sources),
                    ]),
                    Block::List(items),
                ]
            }
        };
        Section {
            heading: "Who uses anti-personnel mines".into(),
            blocks,
        }
    }

    fn obligations(&self) -> Section {
        let on = self.request.on;
        let list = Obligations::new(&self.loaded.registry, &self.loaded.context)
            .of(self.request.state, on);
        let blocks = if list.is_empty() {
            vec![Block::Paragraph(vec![text(format!(
                "{} has not consented to be bound, so the Convention sets it no obligations on {on}.",
                self.name
            ))])]
        } else {
            let rows = list
                .iter()
                .map(|o| {
                    vec![
                        vec![text(o.article.to_string())],
                        vec![text(o.kind.replace('_', " "))],
                        vec![text(
                            o.deadline.map_or("none".to_string(), |d| d.to_string()),
                        )],
                        vec![strong(o.state.as_str())],
                        vec![text(o.detail.clone()), cite(&o.sources)],
                    ]
                })
                .collect();
            let open = list.iter().filter(|o| o.state.is_open()).count();
            let ended = list.iter().any(|o| o.state == ObligationState::Ended);
            let summary = if ended {
                format!(
                    "{} has no open obligations under the Convention on {on}: they ended when its withdrawal took effect.",
                    self.name
                )
            } else {
                format!("{open} open deadline(s) on {on}.")
            };
            vec![
                Block::Paragraph(vec![text(summary)]),
                Block::Table {
                    header: vec![
                        "Article".into(),
                        "Obligation".into(),
                        "Deadline".into(),
                        "State".into(),
                        "Detail".into(),
                    ],
                    rows,
                },
            ]
        };
        Section {
            heading: "Obligations and deadlines".into(),
            blocks,
        }
    }

    fn humanitarian(&self) -> Section {
        let on = self.request.on;
        let record = self.loaded.context.obligations_on(on);
        let state = self.request.state;
        let mut items = Vec::new();
        for c in record
            .country_casualties
            .iter()
            .filter(|c| c.state == state)
        {
            items.push(vec![
                text(format!(
                    "{}: {} recorded casualties of mines and explosive remnants of war",
                    c.year,
                    thousands(c.total)
                )),
                cite(&c.sources),
            ]);
        }
        for c in record.contamination.iter().filter(|c| c.state == state) {
            items.push(vec![
                text(format!(
                    "{}: {} km² ({}){}",
                    c.date,
                    c.area_km2,
                    match c.kind.as_str() {
                        "cha" => "confirmed hazardous area",
                        "sha" => "suspected hazardous area",
                        "released" => "released",
                        _ => "estimated contaminated area",
                    },
                    if c.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", c.note)
                    }
                )),
                cite(&c.sources),
            ]);
        }
        if items.is_empty() {
            items.push(vec![text(format!(
                "The record has no casualty or contamination figures for {}.",
                self.name
            ))]);
        }
        if let Some(latest) = record.casualties.iter().max_by_key(|c| c.year) {
            let mut line = format!(
                "Worldwide in {}: at least {} people killed or injured by mines and explosive remnants of war",
                latest.year,
                thousands(latest.total)
            );
            if let Some(share) = latest.civilian_share {
                line.push_str(&format!("; civilians {share}%"));
            }
            if let Some(share) = latest.child_share {
                line.push_str(&format!("; children {share}%"));
            }
            items.push(vec![text(format!("{line}.")), cite(&latest.sources)]);
        }
        Section {
            heading: "The humanitarian record".into(),
            blocks: vec![Block::List(items)],
        }
    }

    fn key_facts(&self) -> Section {
        let on = self.request.on;
        let code = self.request.state.as_str();
        let mut rows = Vec::new();
        let mut claims: Vec<String> = KEY_CLAIMS.iter().map(|c| c.replace("{S}", code)).collect();
        // The count of parties is stated, not guessed: check it at the true number.
        let parties = self.loaded.registry.counts_on(on).bound();
        claims[1] = format!("the number of parties is {parties}");
        claims.insert(
            6,
            "the only governments currently using AP mines are IRN, MMR, PRK, RUS".to_string(),
        );
        for claim in &claims {
            let Ok(verdict) = self.checker.check(claim, on) else {
                continue;
            };
            let (sources, more) = evidence_sources(&verdict);
            let mut why = vec![text(verdict.summary.clone())];
            if !verdict.reasons.is_empty() {
                why.push(text(format!(
                    "; unknown because: {}",
                    verdict.reasons.join("; ")
                )));
            }
            why.push(cite(&sources));
            if more > 0 {
                why.push(text(format!(" (and {more} more sources)")));
            }
            rows.push(vec![
                vec![text(claim.clone())],
                vec![strong(verdict.outcome.as_str())],
                why,
            ]);
        }
        Section {
            heading: "Key facts, checked".into(),
            blocks: vec![
                Block::Paragraph(vec![text(format!(
                    "Each line is a claim in Minewatch's claim language, checked against the record on {on} (`minewatch check`)."
                ))]),
                Block::Table {
                    header: vec![
                        "Claim".into(),
                        "Verdict".into(),
                        "What the record shows".into(),
                    ],
                    rows,
                },
            ],
        }
    }

    fn changes(&self, since: Date) -> Section {
        let on = self.request.on;
        let r = &self.loaded.registry;
        let mut items = Vec::new();
        let then = r.counts_on(since).bound();
        let now = r.counts_on(on).bound();
        items.push(vec![text(format!(
            "States Parties: {then} on {since}, {now} on {on}."
        ))]);
        for &state in std::iter::once(&self.request.state).chain(&self.peers) {
            let (before, was) = self.status_phrase(state, since);
            let (after, is) = self.status_phrase(state, on);
            if before != after {
                let sources: Vec<SourceId> = r
                    .actions_of(state)
                    .filter(|a| a.date > since && a.date <= on)
                    .flat_map(|a| a.sources.iter().cloned())
                    .collect();
                items.push(vec![
                    text(format!("{}: {was} → {is}.", self.name_of(state))),
                    cite(&sources),
                ]);
            }
        }
        let mut changed_claims = Vec::new();
        let code = self.request.state.as_str();
        for claim in KEY_CLAIMS.iter().skip(2).map(|c| c.replace("{S}", code)) {
            let (Ok(a), Ok(b)) = (
                self.checker.check(&claim, since),
                self.checker.check(&claim, on),
            ) else {
                continue;
            };
            if a.outcome != b.outcome {
                changed_claims.push(format!("“{claim}”: {} → {}", a.outcome, b.outcome));
            }
        }
        for c in changed_claims {
            items.push(vec![text(c)]);
        }
        Section {
            heading: format!("What has changed since {since}"),
            blocks: vec![Block::List(items)],
        }
    }
}

fn describe_status(status: Status) -> &'static str {
    match status {
        Status::NonSignatory => "it has neither signed nor consented to be bound",
        Status::Signatory => "it has signed but not consented to be bound",
        Status::Consented => {
            "it has consented to be bound; the Convention is not yet in force for it"
        }
        Status::Party => "a State Party, bound by the Convention",
        Status::Withdrawing => {
            "it has notified its withdrawal and stays bound until it takes effect"
        }
        Status::WithdrawalDeferred => {
            "its withdrawal waits for the end of an armed conflict; it stays bound"
        }
        Status::Withdrawn => "its withdrawal has taken effect; the Convention no longer binds it",
    }
}

/// Builds the brief for `request` from the record in `loaded`.
pub fn build<'a>(loaded: &'a Loaded, request: &'a BriefRequest) -> Brief<'a> {
    let builder = Builder {
        loaded,
        checker: Checker::new(&loaded.registry, &loaded.context),
        request,
        peers: request.distinct_peers(),
        name: loaded.registry.name_of(request.state).to_string(),
    };
    let mut sections = vec![
        builder.standing(),
        builder.withdrawal(),
        builder.alliances(),
    ];
    sections.extend(builder.peers());
    sections.push(builder.key_facts());
    sections.push(builder.users());
    sections.push(builder.obligations());
    sections.push(builder.humanitarian());
    if let Some(since) = request.since {
        sections.push(builder.changes(since));
    }
    let doc = Doc {
        title: format!(
            "{} and the Anti-Personnel Mine Ban Convention",
            builder.name
        ),
        subtitle: format!(
            "Fact sheet valid for {}{}. Every fact is footnoted with its source.",
            request.on,
            request
                .since
                .map_or(String::new(), |s| format!(", with the changes since {s}"))
        ),
        sections,
        footer: format!(
            "Generated by Minewatch from its sourced record; valid for {}. Statuses follow Articles 15-20 of the Convention as computed from the depositary record; obligations follow Articles 3, 4, 5 and 7.",
            request.on
        ),
    };
    Brief { loaded, doc }
}
