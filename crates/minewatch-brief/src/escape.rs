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

#[cfg(test)]
mod tests {
    use super::escape_html;
    use proptest::prelude::*;

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
