//! Shared by the MediaPipe test files: ONNX Runtime sessions for the committed models,
//! the golden reference and its images.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::RgbImage;
use ort::environment::Environment;
use ort::session::Session;
use serde_json::Value;
use sharp_viewer::infer::mediapipe::{MediaPipeHands, MediaPipeOptions, ModelVariant};

const ORT_LIBRARY: &str = ".ort/onnxruntime-1.32.0/libonnxruntime.so.1.32.0";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn golden_dir() -> PathBuf {
    repo().join("tests/fixtures/golden/mediapipe")
}

/// The process's ONNX Runtime environment. Fails (never skips) when the library is
/// missing.
pub fn environment() -> &'static Environment {
    static ENVIRONMENT: OnceLock<Environment> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let library = std::env::var_os("ORT_DYLIB_PATH")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join(ORT_LIBRARY));
        assert!(
            library.is_file(),
            "ONNX Runtime library not found at {}: run scripts/setup.sh (or set ORT_DYLIB_PATH)",
            library.display()
        );
        ort::init_from(&library)
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", library.display()))
            .with_name("mediapipe-tests")
            .with_telemetry(false)
            .build()
            .unwrap_or_else(|e| panic!("ONNX Runtime environment: {e}"))
    })
}

/// A CPU session on `models/mediapipe/<file>`.
pub fn session(file: &str) -> Session {
    let path = repo().join("models/mediapipe").join(file);
    Session::builder(environment())
        .and_then(|mut builder| builder.commit_from_file(&path))
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
}

pub fn pipeline(variant: ModelVariant, options: MediaPipeOptions) -> MediaPipeHands {
    MediaPipeHands::new(
        session(variant.palm_file()),
        session(variant.landmark_file()),
        options,
    )
    .expect("the committed models pass their contract")
}

pub fn golden() -> Value {
    let path = golden_dir().join("golden.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn image(file: &str) -> RgbImage {
    let path = golden_dir().join(file);
    image::open(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .to_rgb8()
}

pub fn f(value: &Value) -> f32 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}")) as f32
}

pub fn floats(value: &Value) -> Vec<f32> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(f)
        .collect()
}
