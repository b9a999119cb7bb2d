//! Shared helpers of the `infer_*` integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::num::NonZeroUsize;
use std::path::PathBuf;

use sharp_viewer::infer::{InferError, InferOptions, ProviderRequest};

/// A file under tests/fixtures/.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// A contract fixture model.
pub fn model(name: &str) -> PathBuf {
    fixture(&format!("models/{name}"))
}

/// A golden file of the pipeline reference.
pub fn golden(name: &str) -> PathBuf {
    fixture(&format!("golden/pipeline/{name}"))
}

/// CPU with one intra-op thread, as the reference ran the fixtures.
pub fn cpu_options() -> InferOptions {
    InferOptions {
        provider: ProviderRequest::Cpu,
        intra_threads: NonZeroUsize::new(1),
        ..InferOptions::default()
    }
}

/// Unwraps a result, failing the test with the error's own message (which, for a missing
/// ONNX Runtime library, says to run scripts/setup.sh).
pub fn ok<T>(result: Result<T, InferError>) -> T {
    result.unwrap_or_else(|error| panic!("{error}"))
}
