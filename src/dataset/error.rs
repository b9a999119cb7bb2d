use std::path::PathBuf;

/// A problem with a file or folder of an H2O dataset copy. Every variant names the
/// path and says what was expected, so a user can find and fix it.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file or folder could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A text annotation file does not hold what its kind requires.
    #[error("{path}: {message}")]
    Parse {
        /// The annotation file.
        path: PathBuf,
        /// What is wrong, including what was expected.
        message: String,
    },
    /// An image is unreadable or has the wrong size or pixel format.
    #[error("{path}: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What is wrong, including what was expected.
        message: String,
    },
    /// A folder the layout requires is not there.
    #[error("{path}: missing folder ({what})")]
    MissingFolder {
        /// Where the folder was expected.
        path: PathBuf,
        /// Why it is needed.
        what: String,
    },
    /// Frame files are not numbered contiguously, or a kind lacks frames the RGB folder has.
    #[error("{folder}: {message}")]
    Frames {
        /// The per-frame folder.
        folder: PathBuf,
        /// Which frames are missing or unexpected.
        message: String,
    },
    /// The path is neither an H2O take nor a dataset root.
    #[error("{path}: {message}")]
    NotADataset {
        /// The path the user gave.
        path: PathBuf,
        /// What was looked for.
        message: String,
    },
}

/// What is wrong with the text of an H2O (or predicted pose) file; [`DatasetError::Parse`]
/// adds the file's path. `what` names the file kind ("H2O hand_pose").
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ContentError {
    /// A token is not a number.
    #[error("{what}: value {index} `{token}` is not a number")]
    NotANumber {
        /// The file kind.
        what: String,
        /// 1-based position of the token.
        index: usize,
        /// The token (shortened).
        token: String,
    },
    /// A number is infinite or NaN.
    #[error("{what}: value {index} `{token}` is not finite")]
    NotFinite {
        /// The file kind.
        what: String,
        /// 1-based position of the token.
        index: usize,
        /// The token (shortened).
        token: String,
    },
    /// The file holds too few or too many numbers.
    #[error(
        "{what}: file too {}: expected {expected} numbers, found {found}",
        if .found < .expected { "short" } else { "long" }
    )]
    WrongCount {
        /// The file kind.
        what: String,
        /// Numbers the kind holds.
        expected: usize,
        /// Numbers found.
        found: usize,
    },
    /// A one-integer file is empty.
    #[error("{what}: file is empty, expected one integer")]
    Empty {
        /// The file kind.
        what: String,
    },
    /// A one-integer file holds several values.
    #[error("{what}: expected one integer, found {found} values")]
    NotOneValue {
        /// The file kind.
        what: String,
        /// Values found.
        found: usize,
    },
    /// A label is not a non-negative integer.
    #[error("{what}: `{token}` is not a non-negative integer")]
    NotAnInteger {
        /// The file kind.
        what: String,
        /// The token (shortened).
        token: String,
    },
    /// A number that must be a whole non-negative value (a class id, a size) is not.
    #[error("{what}: expected a whole non-negative number, found {value}")]
    NotWhole {
        /// The file kind and field.
        what: String,
        /// The value found.
        value: f32,
    },
    /// The numbers parse but break a rule of the kind (a flag not 0 or 1, a focal length
    /// that is not positive).
    #[error("{what}: {rule}")]
    Rule {
        /// The file kind.
        what: String,
        /// The rule and the value that breaks it.
        rule: String,
    },
}

impl DatasetError {
    /// Shorthand for a parse error.
    pub(crate) fn parse(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Parse {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an image error.
    pub(crate) fn image(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Image {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an IO error.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
