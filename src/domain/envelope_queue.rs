//! The envelope queue: where each envelope of a scanned batch stands, which one a clerk keys
//! next, and the reason given for an envelope that holds no plea.

use super::contact::required_text;
use super::ParseError;

string_enum!(
    /// Where an envelope stands: `to_key` (waiting in the queue), `keyed` (a plea was keyed from
    /// it), `not_a_plea` (a clerk found no plea in it — a payment only, a letter — and said why).
    EnvelopeState, "envelope state" {
        ToKey => "to_key",
        Keyed => "keyed",
        NotAPlea => "not_a_plea",
    }
);

impl EnvelopeState {
    /// The state an envelope's stored plea and reason give it (a plea keyed wins).
    pub fn of(submission_id: Option<i64>, no_plea_reason: Option<&str>) -> Self {
        match (submission_id, no_plea_reason) {
            (Some(_), _) => EnvelopeState::Keyed,
            (None, Some(_)) => EnvelopeState::NotAPlea,
            (None, None) => EnvelopeState::ToKey,
        }
    }
}

/// The longest reason kept for "not a plea".
pub const MAX_REASON: usize = 200;

/// Why an envelope holds no plea, as the clerk writes it: required, one line, short.
pub fn no_plea_reason(input: &str) -> Result<String, ParseError> {
    required_text(input, "the reason", MAX_REASON)
        .map_err(|e| ParseError::new(format!("{e}: say in a few words what the envelope holds instead")))
}

/// The envelope to key after `current`, among a batch's envelopes in order: the first one still
/// to key after it, wrapping round to the start of the batch (an envelope skipped earlier comes
/// back), never `current` itself. Without `current` (or when it is not in the batch), the first
/// one to key. `None` when nothing else is left to key.
pub fn next_to_key(batch: &[(i64, EnvelopeState)], current: Option<i64>) -> Option<i64> {
    let start = current.and_then(|c| batch.iter().position(|(id, _)| *id == c)).map_or(0, |at| at + 1);
    batch[start..]
        .iter()
        .chain(&batch[..start])
        .find(|(id, state)| *state == EnvelopeState::ToKey && Some(*id) != current)
        .map(|(id, _)| *id)
}

/// How many of a batch's envelopes are still to key.
pub fn left_to_key(batch: &[(i64, EnvelopeState)]) -> usize {
    batch.iter().filter(|(_, s)| *s == EnvelopeState::ToKey).count()
}

#[cfg(test)]
mod tests {
    use super::EnvelopeState::{Keyed, NotAPlea, ToKey};
    use super::*;

    #[test]
    fn a_keyed_plea_wins_over_a_reason() {
        assert_eq!(EnvelopeState::of(None, None), ToKey);
        assert_eq!(EnvelopeState::of(Some(4), None), Keyed);
        assert_eq!(EnvelopeState::of(None, Some("a check only")), NotAPlea);
        assert_eq!(EnvelopeState::of(Some(4), Some("a check only")), Keyed);
    }

    #[test]
    fn the_next_envelope_is_the_next_to_key_wrapping_round_never_the_current_one() {
        let batch = [(1, Keyed), (2, ToKey), (3, ToKey), (4, NotAPlea), (5, ToKey)];
        assert_eq!(next_to_key(&batch, None), Some(2));
        assert_eq!(next_to_key(&batch, Some(2)), Some(3));
        assert_eq!(next_to_key(&batch, Some(3)), Some(5), "past the one that is not a plea");
        assert_eq!(next_to_key(&batch, Some(5)), Some(2), "round to the one skipped");
        assert_eq!(next_to_key(&batch, Some(1)), Some(2));
        assert_eq!(next_to_key(&batch, Some(99)), Some(2), "an envelope of another batch");
        assert_eq!(next_to_key(&[(1, Keyed), (2, ToKey)], Some(2)), None, "only the current one is left");
        assert_eq!(next_to_key(&[(1, Keyed), (2, NotAPlea)], Some(1)), None);
        assert_eq!(next_to_key(&[], None), None);
        assert_eq!(left_to_key(&batch), 3);
    }

    #[test]
    fn a_reason_is_required_and_short() {
        assert_eq!(no_plea_reason("  a check,\n no form ").unwrap(), "a check, no form");
        assert!(no_plea_reason("  ").unwrap_err().to_string().contains("the reason is required"));
        assert!(no_plea_reason(&"x".repeat(MAX_REASON + 1)).unwrap_err().to_string().contains("longer than 200"));
        assert_eq!(no_plea_reason(&"x".repeat(MAX_REASON)).unwrap().len(), MAX_REASON);
    }
}
