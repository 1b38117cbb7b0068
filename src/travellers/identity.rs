//! Identity numbers and phone numbers as posts record them: one set of checks for a screening's
//! person and for each traveller.

/// A Vietnamese phone number, normalised: 0 and nine digits, or +84 and nine digits.
pub fn normalise_phone(phone: &str) -> Option<String> {
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = compact
        .strip_prefix("+84")
        .map(|rest| format!("0{rest}"))
        .unwrap_or(compact);
    (digits.len() == 10 && digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit()))
        .then_some(digits)
}

/// A citizen identity number (12 digits) or an old identity card number (9 digits).
pub fn valid_id_number(id: &str) -> bool {
    (id.len() == 12 || id.len() == 9) && id.chars().all(|c| c.is_ascii_digit())
}

/// A passport number: 6 to 9 capital letters and digits, with at least one digit (a Vietnamese one is a
/// letter and 7 or 8 digits).
fn valid_passport(id: &str) -> bool {
    (6..=9).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && id.chars().any(|c| c.is_ascii_digit())
}

/// Whether `id` is a 12-digit citizen id, a 9-digit old id or a passport number.
pub fn valid_identity(id: &str) -> bool {
    valid_id_number(id) || valid_passport(id)
}
