//! Splitting a claim into words, numbers, dates and punctuation, each with
//! its line and column.

use jiff::civil::Date;
use minewatch_core::legal_date::parse_iso_date;

use crate::ClaimError;

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// A word: letters, digits, apostrophes, hyphens and underscores,
    /// starting with a letter.
    Word,
    /// Digits only.
    Number,
    /// A calendar date written `YYYY-MM-DD`.
    Date,
    /// `,`
    Comma,
    /// `(` or `)`, as in "Iran (Islamic Republic of)".
    Paren,
    /// `.` (allowed at the end of a claim).
    Period,
}

/// One token of a claim.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    /// As written.
    pub(crate) text: String,
    /// Lower case, without accents: what the grammar compares.
    pub(crate) norm: String,
    /// 1-based line of the first character.
    pub(crate) line: usize,
    /// 1-based column, in characters, of the first character.
    pub(crate) column: usize,
    /// The value of a number token.
    pub(crate) number: Option<u32>,
    /// The value of a date token.
    pub(crate) date: Option<Date>,
}

/// Lower case without accents, for comparing names.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            '’' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '_')
}

/// Splits `text` into tokens.
///
/// # Errors
/// A character the language has no use for, a malformed date, a number too
/// large to count with.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ClaimError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            column = 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            column += 1;
            i += 1;
            continue;
        }
        let start = i;
        let single = |kind| Token {
            kind,
            text: c.to_string(),
            norm: c.to_string(),
            line,
            column,
            number: None,
            date: None,
        };
        let token = if c == ',' {
            i += 1;
            single(Kind::Comma)
        } else if c == '(' || c == ')' {
            i += 1;
            single(Kind::Paren)
        } else if c == '.' {
            i += 1;
            single(Kind::Period)
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | '/'))
            {
                i += 1;
            }
            // A trailing period ends the claim; one inside belongs to the token.
            while i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let error = |message: &str| ClaimError::at(line, column, &text, message);
            if text.bytes().all(|b| b.is_ascii_digit()) {
                let number = text
                    .parse::<u32>()
                    .map_err(|_| error("this number is too large"))?;
                Token {
                    kind: Kind::Number,
                    norm: text.clone(),
                    text,
                    line,
                    column,
                    number: Some(number),
                    date: None,
                }
            } else {
                let date = parse_iso_date(&text).map_err(error)?;
                Token {
                    kind: Kind::Date,
                    norm: text.clone(),
                    text,
                    line,
                    column,
                    number: None,
                    date: Some(date),
                }
            }
        } else if c.is_alphabetic() {
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let norm = fold(&text);
            // A possessive is two words: "Cambodia's" is `cambodia` and `'s`.
            if norm.len() > 2 && norm.ends_with("'s") {
                let cut = text.chars().count() - 2;
                let stem: String = text.chars().take(cut).collect();
                tokens.push(Token {
                    kind: Kind::Word,
                    norm: fold(&stem),
                    text: stem,
                    line,
                    column,
                    number: None,
                    date: None,
                });
                Token {
                    kind: Kind::Word,
                    norm: "'s".into(),
                    text: text.chars().skip(cut).collect(),
                    line,
                    column: column + cut,
                    number: None,
                    date: None,
                }
            } else {
                Token {
                    kind: Kind::Word,
                    norm,
                    text,
                    line,
                    column,
                    number: None,
                    date: None,
                }
            }
        } else {
            return Err(ClaimError::at(
                line,
                column,
                &c.to_string(),
                "unexpected character",
            ));
        };
        column += i - start;
        tokens.push(token);
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        tokenize(text)
            .expect("tokens")
            .into_iter()
            .map(|t| (t.kind, t.norm))
            .collect()
    }

    #[test]
    fn a_possessive_is_two_words() {
        assert_eq!(
            kinds("Cambodia's deadline"),
            vec![
                (Kind::Word, "cambodia".into()),
                (Kind::Word, "'s".into()),
                (Kind::Word, "deadline".into()),
            ]
        );
        let tokens = tokenize("Cambodia’s deadline").expect("tokens");
        assert_eq!((tokens[1].norm.as_str(), tokens[1].column), ("'s", 9));
        assert_eq!(kinds("isn't")[0].1, "isn't");
    }

    #[test]
    fn words_dates_numbers_and_commas() {
        assert_eq!(
            kinds("On 2025-01-17, Côte d'Ivoire is 1 party."),
            vec![
                (Kind::Word, "on".into()),
                (Kind::Date, "2025-01-17".into()),
                (Kind::Comma, ",".into()),
                (Kind::Word, "cote".into()),
                (Kind::Word, "d'ivoire".into()),
                (Kind::Word, "is".into()),
                (Kind::Number, "1".into()),
                (Kind::Word, "party".into()),
                (Kind::Period, ".".into()),
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let tokens = tokenize("ô  LTU\nis").expect("tokens");
        let places: Vec<(usize, usize)> = tokens.iter().map(|t| (t.line, t.column)).collect();
        assert_eq!(places, [(1, 1), (1, 4), (2, 1)]);
    }

    #[test]
    fn malformed_dates_and_characters_are_refused() {
        let error = tokenize("on 2025-02-30, USA is a party").expect_err("bad day");
        assert_eq!((error.column, error.token.as_str()), (4, "2025-02-30"));
        assert!(error.message.contains("no such day"));
        let error = tokenize("on 17/01/2025").expect_err("bad shape");
        assert!(error.message.contains("YYYY-MM-DD"));
        let error = tokenize("USA is a party!").expect_err("bang");
        assert_eq!((error.column, error.token.as_str()), (15, "!"));
        assert!(tokenize("the number is 99999999999").is_err());
    }
}
