//! A system's slug is the `{system}` part of `/faq/{system}`: checked before any
//! database lookup so that odd paths are refused cheaply and never reach a query.

/// Longest slug accepted; the longest real one ("meususdigital") has 13 characters.
pub const MAX_LEN: usize = 40;

/// Whether `candidate` is a well-formed slug: lowercase ASCII letters and digits,
/// optionally separated by single hyphens, at most [`MAX_LEN`] characters.
pub fn is_valid(candidate: &str) -> bool {
    !candidate.is_empty()
        && candidate.len() <= MAX_LEN
        && !candidate.starts_with('-')
        && !candidate.ends_with('-')
        && !candidate.contains("--")
        && candidate.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_real_systems() {
        for slug in ["cnes", "saps", "rnds", "conectesus", "meususdigital", "sigtap", "e-sus-aps"] {
            assert!(is_valid(slug), "{slug}");
        }
    }

    #[test]
    fn refuses_malformed_slugs() {
        let too_long = "a".repeat(MAX_LEN + 1);
        for slug in ["", "CNES", "cnes/../x", "c nes", "-cnes", "cnes-", "a--b", "çnes", too_long.as_str()] {
            assert!(!is_valid(slug), "{slug:?}");
        }
    }
}
