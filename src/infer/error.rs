//! Everything that can go wrong while finding ONNX Runtime, loading a model or running it.

use std::fmt::Write as _;
use std::path::PathBuf;

use thiserror::Error;

use super::contract::ModelKind;

/// An inference error. Every message names the file or model it is about and, where the
/// user can fix it, says how.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum InferError {
    /// No ONNX Runtime library at any of the places looked at.
    #[error("{}", runtime_not_found(.searched, .env_override))]
    RuntimeNotFound {
        /// Every path that was tried, in order.
        searched: Vec<PathBuf>,
        /// Whether the only candidate came from `ORT_DYLIB_PATH`.
        env_override: bool,
    },
    /// The library exists but could not be loaded or is the wrong version.
    #[error(
        "could not load ONNX Runtime from {}: {message}; run scripts/setup.sh to install \
         ONNX Runtime {version} or point ORT_DYLIB_PATH at a compatible libonnxruntime.so",
        path.display(),
        version = super::runtime::ORT_VERSION
    )]
    RuntimeLoad {
        /// The library file.
        path: PathBuf,
        /// What the loader said.
        message: String,
    },
    /// ONNX Runtime refused to create its environment.
    #[error("could not create the ONNX Runtime environment: {0}")]
    Environment(String),
    /// CUDA was requested from a build without the `cuda` cargo feature.
    #[error(
        "CUDA was requested, but this build of SHARP Viewer has no CUDA support: rebuild with \
         `cargo build --features cuda` and use the onnxruntime-gpu library (ORT_DYLIB_PATH)"
    )]
    CudaNotCompiled,
    /// CUDA was requested (or tried for "auto") and could not run this model.
    #[error("{}: the CUDA execution provider could not be used: {message}", path.display())]
    Cuda {
        /// The model file.
        path: PathBuf,
        /// Why not, in ONNX Runtime's words or ours.
        message: String,
    },
    /// ONNX Runtime could not open the model file.
    #[error("{}: ONNX Runtime could not load the model: {message}", path.display())]
    Load {
        /// The model file.
        path: PathBuf,
        /// ONNX Runtime's message.
        message: String,
    },
    /// The model loaded but does not honour its contract (inputs, outputs, metadata).
    #[error("{}: {}", path.display(), problems.join("; "))]
    Contract {
        /// The model file.
        path: PathBuf,
        /// Each mismatch: what was expected and what was found.
        problems: Vec<String>,
    },
    /// The caller passed an input of the wrong size.
    #[error("{kind} model: the input has {found} values, expected {expected} ({shape})")]
    InputSize {
        /// Which model.
        kind: ModelKind,
        /// Values the contract asks for.
        expected: usize,
        /// Values passed.
        found: usize,
        /// The expected shape, for the message.
        shape: String,
    },
    /// A MediaPipe Hands file does not have the converted model's interface.
    #[error("{}: {source}", path.display())]
    MediaPipe {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it.
        source: super::mediapipe::MediaPipeError,
    },
    /// The run was stopped through [`super::RunCancel`] (its frame went stale).
    #[error("{kind} model: run stopped (the frame went stale)")]
    Cancelled {
        /// Which model.
        kind: ModelKind,
    },
    /// ONNX Runtime failed while running the model, or returned something unexpected.
    #[error("{kind} model: {message}")]
    Run {
        /// Which model.
        kind: ModelKind,
        /// What went wrong.
        message: String,
    },
}

fn runtime_not_found(searched: &[PathBuf], env_override: &bool) -> String {
    let mut message = if *env_override {
        String::from(
            "ONNX Runtime library not found: ORT_DYLIB_PATH names a file that does not exist:",
        )
    } else {
        String::from("ONNX Runtime library not found; looked at:")
    };
    for path in searched {
        let _ = write!(message, "\n  {}", path.display());
    }
    message.push_str(
        "\nRun scripts/setup.sh to install it (or set ORT_DYLIB_PATH to a libonnxruntime.so)",
    );
    message
}
