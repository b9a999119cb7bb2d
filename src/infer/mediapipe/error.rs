//! Errors of the MediaPipe Hands pipeline.

use std::fmt;

/// Which of the two MediaPipe networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaPipeModel {
    /// The palm detector (`palm_detection_{full,lite}.onnx`).
    PalmDetection,
    /// The hand landmark model (`hand_landmark_{full,lite}.onnx`).
    HandLandmark,
}

impl fmt::Display for MediaPipeModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MediaPipeModel::PalmDetection => "MediaPipe palm detection",
            MediaPipeModel::HandLandmark => "MediaPipe hand landmark",
        })
    }
}

/// What can go wrong in the MediaPipe Hands pipeline.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MediaPipeError {
    /// A session does not have the inputs/outputs of the converted MediaPipe model
    /// (wrong file loaded, or a different conversion).
    #[error("{model} model does not match its contract: {problems}")]
    Contract {
        /// The model whose session was checked.
        model: MediaPipeModel,
        /// Every mismatch found, `; `-separated.
        problems: String,
    },
    /// ONNX Runtime failed to run a model, or returned something unexpected.
    #[error("{model} model failed: {message}")]
    Run {
        /// The model that failed.
        model: MediaPipeModel,
        /// ONNX Runtime's message, or what was wrong with the output.
        message: String,
    },
    /// The frame has no pixels.
    #[error("cannot run MediaPipe Hands on an empty {width}x{height} frame")]
    EmptyFrame {
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
    },
}
