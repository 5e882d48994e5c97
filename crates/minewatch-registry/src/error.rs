//! Load errors: each names the file, line, column, field and offending token.

use std::fmt;

/// One problem found in a data folder.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LoadError {
    /// The file, as given (for example `data/treaty_actions.csv`).
    pub file: String,
    /// The 1-based line, or 0 for the file as a whole.
    pub line: usize,
    /// The 1-based column, in characters, or 0 for the file or line as a whole.
    pub column: usize,
    /// The column name at fault, if one is.
    pub field: Option<String>,
    /// The offending text, if there is one.
    pub token: Option<String>,
    /// What is wrong, in lower case.
    pub message: String,
    /// The source line, to draw a marker under the token.
    pub source_line: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(token) = self.token.as_ref().filter(|t| !t.is_empty()) {
            write!(f, " (found `{token}`)")?;
        }
        Ok(())
    }
}

impl LoadError {
    /// The error with the offending line and a marker under the token, for a
    /// terminal.
    pub fn render(&self) -> String {
        let mut out = self.to_string();
        if let Some(source) = &self.source_line {
            let width = self.token.as_ref().map_or(1, |t| t.chars().count().max(1));
            let pad = self.column.saturating_sub(1);
            out.push_str(&format!(
                "\n    {source}\n    {}{}",
                " ".repeat(pad),
                "^".repeat(width)
            ));
        }
        out
    }
}

/// Every problem found in one load, in file and line order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

impl LoadErrors {
    /// Every problem on one line, as `field: message` joined by `; `: how
    /// a refused edit is explained to the editor who sent it.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field.as_deref().unwrap_or("record"), e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}
