//! Article 16: ratification, acceptance, approval or accession.
//!
//! Paraphrase: signatories become bound by ratifying, accepting or approving
//! the Convention (16(1)); states that did not sign become bound by acceding
//! (16(2)). Each does so by depositing an instrument with the depositary
//! (16(3)); the date of deposit is what counts, not a domestic vote or law.

use jiff::civil::Date;

use crate::ActionKind;

/// The article label for a consent of this kind.
pub fn article(kind: ActionKind) -> super::Citation {
    if kind == ActionKind::Accession {
        super::Citation::paragraph(16, 2)
    } else {
        super::Citation::paragraph(16, 1)
    }
}

/// Why a consent of `kind` by a state that signed on `signed` (if it did)
/// does not fit Art. 16, if it does not. Such an act is still recorded and
/// still binds the state: the depositary accepted the instrument.
pub fn consent_problem(kind: ActionKind, signed: Option<Date>) -> Option<String> {
    match (kind, signed) {
        (ActionKind::Accession, Some(signed)) => Some(format!(
            "accession by a state that signed on {signed}; Art. 16(2) provides accession for states that did not sign"
        )),
        (ActionKind::Ratification | ActionKind::Acceptance | ActionKind::Approval, None) => {
            Some(format!(
                "{} without a recorded signature; Art. 16(1) provides it for signatories",
                kind.as_str()
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_usual_paths_fit() {
        // Lithuania signed in 1999 and ratified in 2003; Estonia never signed and acceded.
        assert_eq!(
            consent_problem(ActionKind::Ratification, Some(date(1999, 2, 26))),
            None
        );
        assert_eq!(consent_problem(ActionKind::Accession, None), None);
        assert_eq!(
            consent_problem(ActionKind::Acceptance, Some(date(1997, 12, 3))),
            None
        );
    }

    #[test]
    fn crossed_paths_are_flagged() {
        assert!(consent_problem(ActionKind::Accession, Some(date(1997, 12, 3))).is_some());
        assert!(consent_problem(ActionKind::Approval, None).is_some());
    }
}
