//! Article 15: signature.
//!
//! Paraphrase: the Convention was opened for signature in Ottawa on 3 and
//! 4 December 1997, then at UN Headquarters in New York from 5 December 1997
//! until it entered into force. After entry into force (1 March 1999) a state
//! can no longer sign; it joins by accession (Art. 16(2)).
//!
//! Signature alone does not bind a state to the Convention; it makes the state
//! a signatory, which may then ratify, accept or approve (Art. 16(1)).

use jiff::civil::{Date, date};

/// The first day of signature, in Ottawa.
pub const OPENED_FOR_SIGNATURE: Date = date(1997, 12, 3);

/// The article label used in explanations.
pub const ARTICLE: super::Citation = super::Citation::article(15);

/// Why a signature on `signed` breaks Art. 15, if it does: before the
/// Convention opened, or on or after its entry into force (`in_force_from`,
/// when known).
pub fn signature_problem(signed: Date, in_force_from: Option<Date>) -> Option<String> {
    if signed < OPENED_FOR_SIGNATURE {
        return Some(format!(
            "signature dated {signed} is before the Convention opened for signature on {OPENED_FOR_SIGNATURE}"
        ));
    }
    match in_force_from {
        Some(in_force) if signed >= in_force => Some(format!(
            "signature dated {signed} is after the Convention closed for signature on its entry into force ({in_force}); later states accede (Art. 16(2))"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ottawa_and_new_york_signatures_are_fine() {
        assert_eq!(signature_problem(date(1997, 12, 3), None), None);
        // Lithuania signed in New York on 26 February 1999, days before entry into force.
        assert_eq!(
            signature_problem(date(1999, 2, 26), Some(date(1999, 3, 1))),
            None
        );
    }

    #[test]
    fn signatures_outside_the_window_are_flagged() {
        assert!(signature_problem(date(1997, 9, 18), None).is_some());
        let late = signature_problem(date(1999, 3, 1), Some(date(1999, 3, 1)));
        assert!(late.is_some_and(|m| m.contains("accede")));
    }
}
