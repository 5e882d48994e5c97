//! The document model a brief is built as, and its two renderings: Markdown
//! and self-contained printable HTML. Both number the sources the same way,
//! in the order they are first cited.

use minewatch_core::SourceId;
use minewatch_registry::Loaded;

/// A run of text, or a citation.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Inline {
    Text(String),
    Strong(String),
    Cite(Vec<SourceId>),
}

/// A block of a section.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// A titled section.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Section {
    pub(crate) heading: String,
    pub(crate) blocks: Vec<Block>,
}

/// A whole brief.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Doc {
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) sections: Vec<Section>,
    pub(crate) footer: String,
}

pub(crate) fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

pub(crate) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

pub(crate) fn cite(ids: &[SourceId]) -> Inline {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    Inline::Cite(ids)
}

/// Numbers sources in the order first cited.
#[derive(Default)]
struct Numbering {
    order: Vec<SourceId>,
}

impl Numbering {
    fn numbers(&mut self, ids: &[SourceId]) -> Vec<usize> {
        ids.iter()
            .map(|id| match self.order.iter().position(|o| o == id) {
                Some(i) => i + 1,
                None => {
                    self.order.push(id.clone());
                    self.order.len()
                }
            })
            .collect()
    }
}

/// Text for Markdown: characters HTML gives meaning to become entities,
/// so a publisher's or a note's markup is shown, never passed through.
fn escape_md(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text for a Markdown table cell: also the cell separator.
fn escape_md_cell(s: &str) -> String {
    escape_md(s).replace('|', "\\|")
}

/// A URL for a Markdown autolink `<...>`: the characters that would end
/// or break it are percent-encoded.
fn escape_md_url(s: &str) -> String {
    s.replace('<', "%3C")
        .replace('>', "%3E")
        .replace(' ', "%20")
        .replace('\n', "%0A")
}

use crate::escape::escape_html;

fn source_line(loaded: &Loaded, id: &SourceId) -> (String, Option<String>) {
    match loaded.source(id.as_str()) {
        Some(s) => (format!("{}, {}", s.publisher, s.title), Some(s.url.clone())),
        None if id.as_str() == "hypothetical" => (
            "hypothetical: the assumption of a what-if, not a recorded fact".to_string(),
            None,
        ),
        None => (id.to_string(), None),
    }
}

impl Doc {
    /// The brief as Markdown.
    pub(crate) fn markdown(&self, loaded: &Loaded) -> String {
        let mut numbering = Numbering::default();
        let inline = |parts: &[Inline], numbering: &mut Numbering, table: bool| -> String {
            let mut out = String::new();
            for part in parts {
                match part {
                    Inline::Text(t) => out.push_str(&if table {
                        escape_md_cell(t)
                    } else {
                        escape_md(t)
                    }),
                    Inline::Strong(t) => out.push_str(&format!(
                        "**{}**",
                        if table {
                            escape_md_cell(t)
                        } else {
                            escape_md(t)
                        }
                    )),
                    Inline::Cite(ids) if !ids.is_empty() => {
                        let marks: Vec<String> = numbering
                            .numbers(ids)
                            .iter()
                            .map(|n| format!("[{n}]"))
                            .collect();
                        out.push_str(&format!(" {}", marks.join("")));
                    }
                    Inline::Cite(_) => {}
                }
            }
            out
        };
        let mut md = format!(
            "# {}\n\n*{}*\n",
            escape_md(&self.title),
            escape_md(&self.subtitle)
        );
        for section in &self.sections {
            md.push_str(&format!("\n## {}\n", escape_md(&section.heading)));
            for block in &section.blocks {
                md.push('\n');
                match block {
                    Block::Paragraph(parts) => {
                        md.push_str(&inline(parts, &mut numbering, false));
                        md.push('\n');
                    }
                    Block::List(items) => {
                        for item in items {
                            md.push_str(&format!("- {}\n", inline(item, &mut numbering, false)));
                        }
                    }
                    Block::Table { header, rows } => {
                        let header: Vec<String> =
                            header.iter().map(|h| escape_md_cell(h)).collect();
                        md.push_str(&format!("| {} |\n", header.join(" | ")));
                        md.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                        for row in rows {
                            let cells: Vec<String> = row
                                .iter()
                                .map(|c| inline(c, &mut numbering, true))
                                .collect();
                            md.push_str(&format!("| {} |\n", cells.join(" | ")));
                        }
                    }
                }
            }
        }
        md.push_str("\n## Sources\n\n");
        for (i, id) in numbering.order.iter().enumerate() {
            let (what, url) = source_line(loaded, id);
            let what = escape_md(&what);
            let id = escape_md(id.as_str()).replace('`', "'");
            match url {
                Some(url) => md.push_str(&format!(
                    "{}. {what}. <{}> (`{id}`)\n",
                    i + 1,
                    escape_md_url(&url)
                )),
                None => md.push_str(&format!("{}. {what} (`{id}`)\n", i + 1)),
            }
        }
        md.push_str(&format!("\n---\n\n{}\n", escape_md(&self.footer)));
        md
    }

    /// The brief as one self-contained HTML page that prints on A4.
    pub(crate) fn html(&self, loaded: &Loaded) -> String {
        let mut numbering = Numbering::default();
        let inline = |parts: &[Inline], numbering: &mut Numbering| -> String {
            let mut out = String::new();
            for part in parts {
                match part {
                    Inline::Text(t) => out.push_str(&escape_html(t)),
                    Inline::Strong(t) => {
                        out.push_str(&format!("<strong>{}</strong>", escape_html(t)))
                    }
                    Inline::Cite(ids) if !ids.is_empty() => {
                        let marks: Vec<String> = numbering
                            .numbers(ids)
                            .iter()
                            .map(|n| format!("<a href=\"#s{n}\">{n}</a>"))
                            .collect();
                        out.push_str(&format!("<sup class=\"cite\">[{}]</sup>", marks.join(",")));
                    }
                    Inline::Cite(_) => {}
                }
            }
            out
        };
        let mut body = String::new();
        for section in &self.sections {
            body.push_str(&format!(
                "<section>\n<h2>{}</h2>\n",
                escape_html(&section.heading)
            ));
            for block in &section.blocks {
                match block {
                    Block::Paragraph(parts) => {
                        body.push_str(&format!("<p>{}</p>\n", inline(parts, &mut numbering)));
                    }
                    Block::List(items) => {
                        body.push_str("<ul>\n");
                        for item in items {
                            body.push_str(&format!("<li>{}</li>\n", inline(item, &mut numbering)));
                        }
                        body.push_str("</ul>\n");
                    }
                    Block::Table { header, rows } => {
                        body.push_str("<div class=\"wide\"><table>\n<thead><tr>");
                        for h in header {
                            body.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(h)));
                        }
                        body.push_str("</tr></thead>\n<tbody>\n");
                        for row in rows {
                            body.push_str("<tr>");
                            for c in row {
                                body.push_str(&format!("<td>{}</td>", inline(c, &mut numbering)));
                            }
                            body.push_str("</tr>\n");
                        }
                        body.push_str("</tbody>\n</table></div>\n");
                    }
                }
            }
            body.push_str("</section>\n");
        }
        let mut sources = String::from("<section class=\"sources\">\n<h2>Sources</h2>\n<ol>\n");
        for (i, id) in numbering.order.iter().enumerate() {
            let (what, url) = source_line(loaded, id);
            let link = url.map_or(String::new(), |u| {
                format!(
                    " <a class=\"url\" href=\"{}\">{}</a>",
                    escape_html(&u),
                    escape_html(&u)
                )
            });
            sources.push_str(&format!(
                "<li id=\"s{}\">{}.{link} <code>{}</code></li>\n",
                i + 1,
                escape_html(&what),
                escape_html(id.as_str())
            ));
        }
        sources.push_str("</ol>\n</section>\n");
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <header>\n<h1>{title}</h1>\n<p class=\"subtitle\">{subtitle}</p>\n</header>\n\
             {body}{sources}<footer>{footer}</footer>\n</main>\n</body>\n</html>\n",
            title = escape_html(&self.title),
            subtitle = escape_html(&self.subtitle),
            footer = escape_html(&self.footer),
        )
    }
}

/// The page's style: readable on screen and a phone, clean on A4 paper.
const STYLE: &str = r#"
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 11pt/1.45 "DejaVu Serif", Georgia, "Times New Roman", serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font: 700 1.55rem/1.2 "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0 0 .3rem; }
h2 { font: 700 1.05rem/1.3 "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 1.4rem 0 .4rem;
  padding-bottom: .15rem; border-bottom: 2px solid #8a1c1c; color: #5c0f0f; }
.subtitle { margin: 0 0 1rem; color: #444; font-style: italic; }
p, ul { margin: .35rem 0; }
ul { padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #f1ecec; }
sup.cite { font-size: .7em; line-height: 0; }
sup.cite a { color: #5c0f0f; text-decoration: none; }
.sources ol { font-size: .85em; padding-left: 1.6rem; }
.sources li { margin: .15rem 0; overflow-wrap: anywhere; }
.sources a.url { color: #333; }
code { font-size: .85em; color: #555; }
footer { margin-top: 1.5rem; padding-top: .5rem; border-top: 1px solid #bbb; font-size: .85em; color: #444; }
.wide { overflow-x: auto; }
@media (max-width: 32rem) { body { font-size: 10.5pt; } th, td { padding: .2rem .25rem; overflow-wrap: break-word; } }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  a { color: inherit; }
  .sources a.url { text-decoration: none; }
}
"#;
