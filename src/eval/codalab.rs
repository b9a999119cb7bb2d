//! The H2O action challenge submission (CodaLab): a JSON object
//! `{"modality": "hand+obj", "<segment id>": <action id 1..36>, ...}` in a file named
//! `action_labels.json`, zipped.

use std::collections::BTreeMap;
use std::io::Write;

/// Name of the JSON file inside the submission zip.
pub const SUBMISSION_JSON: &str = "action_labels.json";
/// The modality SHARP submits (hands and object).
pub const MODALITY: &str = "hand+obj";

/// Why a submission could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SubmissionError {
    /// Writing the zip failed.
    #[error("cannot write the submission zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing the JSON into the zip failed.
    #[error("cannot write the submission zip: {0}")]
    Io(#[from] std::io::Error),
}

/// Predicted action per test segment id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submission {
    /// Segment id -> action id (1..=36).
    pub actions: BTreeMap<u32, u32>,
}

impl Submission {
    /// The JSON text: `modality` first, then the segments in ascending id order (keys are
    /// strings, as Python's `json.dump` writes integer keys).
    pub fn to_json(&self) -> String {
        let mut text = format!("{{\"modality\": \"{MODALITY}\"");
        for (id, action) in &self.actions {
            text.push_str(&format!(", \"{id}\": {action}"));
        }
        text.push('}');
        text
    }

    /// The zip holding [`SUBMISSION_JSON`].
    pub fn to_zip(&self) -> Result<Vec<u8>, SubmissionError> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(SUBMISSION_JSON, options)?;
        writer.write_all(self.to_json().as_bytes())?;
        Ok(writer.finish()?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn submission() -> Submission {
        Submission {
            actions: BTreeMap::from([(10, 3), (2, 36), (1, 1)]),
        }
    }

    #[test]
    fn json_has_the_modality_and_one_string_key_per_segment() {
        let json = submission().to_json();
        assert_eq!(
            json,
            r#"{"modality": "hand+obj", "1": 1, "2": 36, "10": 3}"#
        );
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["modality"], "hand+obj");
        assert_eq!(value["10"], 3);
        assert_eq!(value.as_object().map(|object| object.len()), Some(4));
    }

    #[test]
    fn the_zip_holds_exactly_the_json_file() {
        let bytes = submission().to_zip().expect("zip");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        assert_eq!(archive.len(), 1);
        let mut file = archive.by_name(SUBMISSION_JSON).expect("the JSON entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8");
        assert_eq!(text, submission().to_json());
    }
}
