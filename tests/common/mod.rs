//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sharp_viewer::dataset::discover_takes;
use sharp_viewer::sample::{SampleOptions, generate_sample};

/// Generates a small sample dataset into `root/sample` and returns (root, first take).
pub fn small_sample(root: &Path, frames: usize, takes: usize) -> (PathBuf, PathBuf) {
    let dataset = root.join("sample");
    generate_sample(
        &dataset,
        &SampleOptions {
            frames,
            takes,
            camera_noise: 0,
        },
        &mut |_| {},
    )
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

/// A viewer pipeline without models (a models folder that does not exist): frames flow
/// through unmasked.
pub fn pipeline_without_models() -> sharp_viewer::pipeline::Pipeline {
    use sharp_viewer::infer::{InferOptions, ModelPaths};
    use sharp_viewer::mask::{DepthUnit, MaskPreference};
    use sharp_viewer::pipeline::{
        ACTION_WINDOW_SECONDS, ActionInput, HandsSettings, MaskSettings, Pipeline, PoseBackend,
        ProcessSettings, WorkerOptions,
    };
    let models = std::env::temp_dir().join("sharp-viewer-no-models");
    Pipeline::spawn(
        ProcessSettings {
            mask: MaskSettings {
                depth: DepthUnit::Millimetres,
                range: None,
            },
            estimate_depth: false,
            action_input: ActionInput::PredictedPoses,
            action_window_seconds: ACTION_WINDOW_SECONDS,
            pose_backend: PoseBackend::Sharp,
            hands: HandsSettings::default(),
        },
        WorkerOptions {
            models: ModelPaths::in_folder(&models),
            infer: InferOptions::default(),
            mask: MaskPreference::Cpu,
        },
        std::sync::Arc::new(|| {}),
    )
    .expect("pipeline")
}
