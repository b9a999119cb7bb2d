//! Strict readers for H2O's whitespace-separated number files.

use std::path::Path;

use super::{ContentError, DatasetError};

/// Reads a file that must hold exactly `expected` finite numbers; `what` names the file
/// kind in the error ("H2O hand_pose").
pub fn read_numbers(path: &Path, expected: usize, what: &str) -> Result<Vec<f32>, DatasetError> {
    let text = std::fs::read_to_string(path).map_err(|source| DatasetError::io(path, source))?;
    parse_numbers(&text, expected, what)
        .map_err(|error| DatasetError::parse(path, error.to_string()))
}

/// Parses exactly `expected` finite numbers separated by whitespace.
///
/// The error message says which token is wrong or how many numbers were found.
pub fn parse_numbers(text: &str, expected: usize, what: &str) -> Result<Vec<f32>, ContentError> {
    let mut values = Vec::with_capacity(expected);
    for (index, token) in text.split_whitespace().enumerate() {
        let value: f32 = token.parse().map_err(|_| ContentError::NotANumber {
            what: what.to_owned(),
            index: index + 1,
            token: shorten(token),
        })?;
        if !value.is_finite() {
            return Err(ContentError::NotFinite {
                what: what.to_owned(),
                index: index + 1,
                token: shorten(token),
            });
        }
        values.push(value);
    }
    if values.len() != expected {
        return Err(ContentError::WrongCount {
            what: what.to_owned(),
            expected,
            found: values.len(),
        });
    }
    Ok(values)
}

/// Reads a file that must hold one non-negative integer (a per-frame label).
pub fn read_label(path: &Path, what: &str) -> Result<u32, DatasetError> {
    let text = std::fs::read_to_string(path).map_err(|source| DatasetError::io(path, source))?;
    parse_label(&text, what).map_err(|error| DatasetError::parse(path, error.to_string()))
}

/// Parses one non-negative integer, allowing surrounding whitespace.
pub fn parse_label(text: &str, what: &str) -> Result<u32, ContentError> {
    let mut tokens = text.split_whitespace();
    let token = tokens.next().ok_or_else(|| ContentError::Empty {
        what: what.to_owned(),
    })?;
    if tokens.next().is_some() {
        return Err(ContentError::NotOneValue {
            what: what.to_owned(),
            found: text.split_whitespace().count(),
        });
    }
    token.parse().map_err(|_| ContentError::NotAnInteger {
        what: what.to_owned(),
        token: shorten(token),
    })
}

/// Converts a parsed number that must be a whole, non-negative value (a class id, an
/// image size) to an integer.
pub fn whole_number(value: f32, what: &str) -> Result<u32, ContentError> {
    if value >= 0.0 && value.fract() == 0.0 && value <= u32::MAX as f32 {
        Ok(value as u32)
    } else {
        Err(ContentError::NotWhole {
            what: what.to_owned(),
            value,
        })
    }
}

fn shorten(token: &str) -> String {
    const MAX: usize = 24;
    if token.chars().count() <= MAX {
        token.to_owned()
    } else {
        format!("{}...", token.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_the_expected_count() {
        let values = parse_numbers("1 2.5\n-3e-2\t4", 4, "test").expect("valid");
        assert_eq!(values, vec![1.0, 2.5, -0.03, 4.0]);
    }

    #[test]
    fn short_and_long_files_say_what_was_expected() {
        let short = parse_numbers("1 2", 3, "H2O hand_pose")
            .unwrap_err()
            .to_string();
        assert!(
            short.contains("too short")
                && short.contains("expected 3")
                && short.contains("found 2"),
            "{short}"
        );
        let long = parse_numbers("1 2 3 4", 3, "x").unwrap_err().to_string();
        assert!(long.contains("too long"), "{long}");
    }

    #[test]
    fn non_numeric_and_non_finite_tokens_are_named() {
        let error = parse_numbers("1 abc 3", 3, "x").unwrap_err().to_string();
        assert!(
            error.contains("value 2") && error.contains("`abc`"),
            "{error}"
        );
        let error = parse_numbers("1 nan 3", 3, "x").unwrap_err().to_string();
        assert!(error.contains("not finite"), "{error}");
    }

    #[test]
    fn labels_are_single_non_negative_integers() {
        assert_eq!(parse_label(" 23\n", "l"), Ok(23));
        assert!(
            parse_label("", "l")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            parse_label("1 2", "l")
                .unwrap_err()
                .to_string()
                .contains("found 2 values")
        );
        assert!(parse_label("-1", "l").is_err());
        assert!(parse_label("2.5", "l").is_err());
    }

    #[test]
    fn whole_numbers_reject_fractions() {
        assert_eq!(whole_number(1280.0, "w"), Ok(1280));
        assert!(whole_number(5.5, "id").is_err());
        assert!(whole_number(-1.0, "id").is_err());
    }
}
