//! Claims files: one `ID: claim` a line, `#` starts a comment line.

use crate::ClaimError;

/// One claim of a claims file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClaimLine {
    /// The id before the colon (`L5`).
    pub id: String,
    /// The claim after it, trimmed.
    pub text: String,
    /// The file's line (1-based).
    pub line: usize,
    /// The column where the claim starts (1-based, in characters).
    pub column: usize,
    /// The comment lines right above it, without their `#`, joined by spaces.
    pub comment: String,
}

/// Splits a claims file into its claims.
///
/// # Errors
/// A line that is neither blank, a comment, nor `ID: claim` with an id of
/// letters, digits, `_`, `-` or `.`; an id given twice.
pub fn read_claims_file(text: &str) -> Result<Vec<ClaimLine>, ClaimError> {
    // A byte-order mark, as some editors write, is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut claims: Vec<ClaimLine> = Vec::new();
    let mut comment: Vec<&str> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() {
            comment.clear();
            continue;
        }
        if let Some(words) = trimmed.strip_prefix('#') {
            comment.push(words.trim());
            continue;
        }
        let indent = raw.chars().count() - trimmed.chars().count();
        let Some((id, claim)) = trimmed.split_once(':') else {
            let token = trimmed.split_whitespace().next().unwrap_or("");
            return Err(ClaimError::at(
                line,
                indent + 1,
                token,
                "expected `ID: claim` (an id, a colon, then the claim)",
            ));
        };
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !id_ok {
            return Err(ClaimError::at(
                line,
                indent + 1,
                id,
                "an id is letters, digits, `_`, `-` or `.`",
            ));
        }
        if claims.iter().any(|c| c.id == id) {
            return Err(ClaimError::at(
                line,
                indent + 1,
                id,
                "this id is used twice",
            ));
        }
        let leading = claim.chars().count() - claim.trim_start().chars().count();
        let column = indent + id.chars().count() + 1 + leading + 1;
        claims.push(ClaimLine {
            id: id.to_string(),
            text: claim.trim().to_string(),
            line,
            column,
            comment: comment.join(" "),
        });
        comment.clear();
    }
    if claims.is_empty() {
        return Err(ClaimError::at(
            1,
            1,
            "",
            "the file holds no claims: expected lines `ID: claim`",
        ));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_claims_and_comments() {
        let claims = read_claims_file(
            "# a header\n\n# why L1\n# holds\nL1: USA is not a party\n  L2:LTU is a party\n",
        )
        .expect("a file");
        assert_eq!(claims[0].comment, "why L1 holds");
        assert_eq!(claims[1].comment, "");
        assert_eq!(claims.len(), 2);
        assert_eq!(
            (claims[0].id.as_str(), claims[0].line, claims[0].column),
            ("L1", 5, 5)
        );
        assert_eq!(claims[0].text, "USA is not a party");
        assert_eq!((claims[1].line, claims[1].column), (6, 6));
    }

    #[test]
    fn malformed_lines_are_refused_with_their_place() {
        let error = read_claims_file("L1: USA is a party\nno colon here\n").expect_err("bad");
        assert_eq!(
            (error.line, error.column, error.token.as_str()),
            (2, 1, "no")
        );
        let error = read_claims_file("L 1: x\n").expect_err("bad id");
        assert_eq!(error.token, "L 1");
        let error = read_claims_file("A: x\nA: y\n").expect_err("twice");
        assert_eq!(error.line, 2);
        for empty in ["", "\r", "\r\r\r", "\n\n", "# only a comment\n", "\u{feff}"] {
            let error = read_claims_file(empty).expect_err("no claims");
            assert!(error.message.contains("no claims"), "{empty:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_id() {
        let claims = read_claims_file("\u{feff}L1: USA is not a party\n").expect("a file");
        assert_eq!((claims[0].id.as_str(), claims[0].column), ("L1", 5));
    }
}
