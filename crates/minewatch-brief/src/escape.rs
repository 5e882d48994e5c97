//! The one HTML escaper of the project: the brief's HTML and the web
//! monitor's pages both call it, so there is one rule for what text may
//! reach a page.

/// Text or an attribute value for HTML: `&`, `<`, `>`, `"` and `'` become
/// entities.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markup that is safe to send. It can be made only from string literals
/// (`Html::raw` takes `&'static str`) and from values written through
/// [`ToHtml`], which escapes every text; [`html!`](crate::html) formats
/// with each argument escaped unless it is already `Html`.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// Markup written in the program: a literal.
    pub fn raw(markup: &'static str) -> Html {
        Html(markup.to_string())
    }

    /// Text, escaped.
    pub fn text(text: &str) -> Html {
        Html(escape_html(text))
    }

    /// Appends markup.
    pub fn push(&mut self, more: Html) {
        self.0.push_str(&more.0);
    }

    /// Appends a literal.
    pub fn push_raw(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    /// Markup made by another of the project's renderers that escapes its
    /// own text: the simulator's SVG plots and the brief's HTML.
    pub fn from_renderer(markup: String) -> Html {
        Html(markup)
    }

    /// The markup, to send.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The markup, to read.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The pieces joined by a literal separator.
    pub fn join(pieces: impl IntoIterator<Item = Html>, separator: &'static str) -> Html {
        let mut out = Html::default();
        for (i, piece) in pieces.into_iter().enumerate() {
            if i > 0 {
                out.push_raw(separator);
            }
            out.push(piece);
        }
        out
    }

    /// What [`html!`](crate::html) makes: a literal format whose every
    /// argument went through [`Escaped`].
    #[doc(hidden)]
    pub fn from_escaped_format(args: std::fmt::Arguments<'_>) -> Html {
        Html(args.to_string())
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(iter: I) -> Html {
        let mut out = Html::default();
        for piece in iter {
            out.push(piece);
        }
        out
    }
}

/// A value that can stand in a page: `Html` as it is, anything else as
/// escaped text of its `Display`.
pub trait ToHtml {
    /// Writes the value into markup.
    fn write_html(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result;
}

impl ToHtml for Html {
    fn write_html(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<T: std::fmt::Display + ?Sized> ToHtml for T {
    fn write_html(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The precision of `{:.1}` is the value's to apply; other flags
        // are not used in markup.
        let text = match f.precision() {
            Some(p) => format!("{self:.p$}"),
            None => self.to_string(),
        };
        f.write_str(&escape_html(&text))
    }
}

/// An argument of [`html!`](crate::html), written by its [`ToHtml`].
#[doc(hidden)]
pub struct Escaped<'a, T: ToHtml + ?Sized>(pub &'a T);

impl<T: ToHtml + ?Sized> std::fmt::Display for Escaped<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.write_html(f)
    }
}

/// `format!` for markup: the format is a literal, and every positional
/// argument is escaped unless it is [`Html`]. (Values named inside the
/// format, `{x}`, are not escaped: name only numbers and dates there.)
#[macro_export]
macro_rules! html {
    ($fmt:literal $(, $name:ident = $val:expr)+ $(,)?) => {
        $crate::Html::from_escaped_format(format_args!($fmt $(, $name = $crate::Escaped(&$val))+))
    };
    ($fmt:literal $(, $arg:expr)* $(,)?) => {
        $crate::Html::from_escaped_format(format_args!($fmt $(, $crate::Escaped(&$arg))*))
    };
}

#[cfg(test)]
mod tests {
    use super::{Html, escape_html};
    use proptest::prelude::*;

    #[test]
    fn html_escapes_every_argument_but_html() {
        let name = "<b>x</b>";
        let inner = crate::html!("<em>{}</em>", name);
        let page = crate::html!("<p>{} {} {} {:.1}</p>", inner, 5, "a&b", 2.25_f64);
        assert_eq!(
            page.as_str(),
            "<p><em>&lt;b&gt;x&lt;/b&gt;</em> 5 a&amp;b 2.2</p>"
        );
        assert_eq!(Html::text("'").as_str(), "&#39;");
        let joined = Html::join([Html::text("<"), Html::raw("<br>")], ", ");
        assert_eq!(joined.as_str(), "&lt;, <br>");
    }

    #[test]
    fn markup_is_shown_not_run() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    proptest! {
        #[test]
        fn nothing_escaped_can_open_a_tag_or_leave_an_attribute(s in ".*") {
            let e = escape_html(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            // Every & starts an entity the escaper wrote.
            for (i, _) in e.match_indices('&') {
                let rest = &e[i..];
                prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|t| rest.starts_with(t)));
            }
        }
    }
}
