//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sharp_viewer::dataset::discover_takes;
use sharp_viewer::sample::{SampleOptions, generate_sample};

/// Generates a small sample dataset into `root/sample` and returns (root, first take).
pub fn small_sample(root: &Path, frames: usize, takes: usize) -> (PathBuf, PathBuf) {
    let dataset = root.join("sample");
    generate_sample(&dataset, &SampleOptions { frames, takes }, &mut |_| {})
        .expect("the generator writes a sample");
    let take = discover_takes(&dataset)
        .expect("the sample has takes")
        .remove(0);
    (dataset, take)
}

/// Copies the tiny contract fixture models into `root/models` under the names the
/// viewer looks for, and returns that folder.
pub fn fixture_models(root: &Path) -> PathBuf {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");
    let folder = root.join("models");
    std::fs::create_dir_all(&folder).expect("models folder");
    for (fixture, name) in [
        ("depth_tiny.onnx", "depth.onnx"),
        ("pose_tiny.onnx", "pose.onnx"),
        ("action_tiny.onnx", "action.onnx"),
    ] {
        std::fs::copy(fixtures.join(fixture), folder.join(name)).expect("copy a fixture model");
    }
    folder
}
