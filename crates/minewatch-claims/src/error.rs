//! A claim that cannot be read: where, what, and what was expected.

use std::fmt;

/// Why a claim could not be read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClaimError {
    /// 1-based line of the offending token (in a claims file, the file's line).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The offending word, or empty at the end of the claim.
    pub token: String,
    /// What is wrong, in lower case.
    pub message: String,
    /// Close matches for an unknown name, as "LTU (Lithuania)".
    pub suggestions: Vec<String>,
}

impl ClaimError {
    pub(crate) fn at(line: usize, column: usize, token: &str, message: &str) -> ClaimError {
        ClaimError {
            line,
            column,
            token: token.to_string(),
            message: message.to_string(),
            suggestions: Vec::new(),
        }
    }

    /// Moves the error by a line and column offset: for a claim that starts
    /// at `column` of line `line` of a file.
    pub fn shifted(mut self, line: usize, column: usize) -> ClaimError {
        if self.line == 1 {
            self.column += column - 1;
        }
        self.line += line - 1;
        self
    }

    /// The error with the claim's line and a marker under the offending
    /// word, for a terminal. `origin` names where the claim came from
    /// (`claim`, or a file's path); `text` is the claim or the file.
    pub fn render(&self, origin: &str, text: &str) -> String {
        let mut out = format!("{origin}:{}:{}: {self}", self.line, self.column);
        if let Some(source) = text.lines().nth(self.line.saturating_sub(1)) {
            let width = self.token.chars().count().max(1);
            out.push_str(&format!(
                "\n    {source}\n    {}{}",
                " ".repeat(self.column.saturating_sub(1)),
                "^".repeat(width)
            ));
        }
        out
    }
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.token.is_empty() {
            write!(f, " (found `{}`)", self.token)?;
        }
        if !self.suggestions.is_empty() {
            write!(f, "; did you mean {}?", self.suggestions.join(" or "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ClaimError {}
