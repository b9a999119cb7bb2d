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
