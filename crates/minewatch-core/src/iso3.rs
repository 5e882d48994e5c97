//! ISO 3166-1 alpha-3 country codes.

use std::fmt;

/// An ISO 3166-1 alpha-3 code (`LTU`, `USA`), or an ISO 3166-3 code for a
/// state that no longer exists (`SCG`, Serbia and Montenegro).
///
/// Always three upper-case ASCII letters; that is all this type promises.
/// Whether the code names a state of the registry is the registry's question.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iso3([u8; 3]);

impl Iso3 {
    /// Parses three ASCII letters, in any case, into a code.
    ///
    /// # Errors
    /// Returns `None` unless `text` is exactly three ASCII letters.
    ///
    /// # Example
    /// ```
    /// use minewatch_core::Iso3;
    /// assert_eq!(Iso3::parse("ltu").unwrap().as_str(), "LTU");
    /// assert!(Iso3::parse("LT").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Iso3> {
        let bytes = text.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        Some(Iso3([
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ]))
    }

    /// The code as a `&str`.
    pub fn as_str(&self) -> &str {
        // The constructor only admits ASCII letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Iso3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Iso3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iso3({})", self.as_str())
    }
}
