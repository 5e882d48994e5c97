//! Finding a state by what a person types: a code or a name, in any case.

use crate::{Iso3, Registry, State};

/// Why a look-up failed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NotFound {
    /// What was typed.
    pub query: String,
    /// Close matches, best first: (code, name).
    pub suggestions: Vec<(Iso3, String)>,
}

impl std::fmt::Display for NotFound {
    /// "unknown state "Lituania"; did you mean LTU (Lithuania)?"
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown state {:?}", self.query)?;
        if !self.suggestions.is_empty() {
            let list: Vec<String> = self
                .suggestions
                .iter()
                .map(|(c, n)| format!("{c} ({n})"))
                .collect();
            write!(f, "; did you mean {}?", list.join(", "))?;
        }
        Ok(())
    }
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .collect()
}

/// The number of single-character edits between two strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

impl Registry {
    /// Finds a state by ISO3 code, name or alias, ignoring case, accents,
    /// spaces and punctuation.
    ///
    /// # Errors
    /// [`NotFound`] with up to three close matches when nothing matches.
    pub fn find_state(&self, query: &str) -> Result<&State, NotFound> {
        let trimmed = query.trim();
        if let Some(state) = Iso3::parse(trimmed).and_then(|code| self.state(code)) {
            return Ok(state);
        }
        let wanted = fold(trimmed);
        let names = |s: &State| -> Vec<String> {
            std::iter::once(fold(&s.name))
                .chain(s.aliases.iter().map(|a| fold(a)))
                .collect()
        };
        if let Some(state) = self.states().iter().find(|s| names(s).contains(&wanted)) {
            return Ok(state);
        }
        let mut scored: Vec<(usize, &State)> = self
            .states()
            .iter()
            .map(|s| {
                let by_name = names(s)
                    .iter()
                    .map(|n| {
                        if !wanted.is_empty() && n.starts_with(&wanted) {
                            0
                        } else {
                            edit_distance(&wanted, n)
                        }
                    })
                    .min()
                    .unwrap_or(usize::MAX);
                let by_code = edit_distance(&wanted, &s.iso3.as_str().to_lowercase());
                (by_name.min(by_code), s)
            })
            .collect();
        scored.sort_by_key(|(d, s)| (*d, s.iso3));
        let limit = (wanted.chars().count() / 3).max(1);
        let suggestions = scored
            .into_iter()
            .filter(|(d, _)| *d <= limit)
            .take(3)
            .map(|(_, s)| (s.iso3, s.name.clone()))
            .collect();
        Err(NotFound {
            query: query.to_string(),
            suggestions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("lithuania", "lithuania"), 0);
        assert_eq!(edit_distance("lithuana", "lithuania"), 1);
        assert_eq!(edit_distance("ltu", "lva"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
