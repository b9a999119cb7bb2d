//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::ops::ControlFlow;
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
        &mut |_| ControlFlow::Continue(()),
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
    pipeline_with_models(&std::env::temp_dir().join("sharp-viewer-no-models"))
}

/// The settings [`pipeline_with_models`] runs with: no depth range and no pseudo-depth,
/// so the pose network sees whole frames; no smoothing over time.
pub fn unmasked_settings() -> sharp_viewer::chain::ProcessSettings {
    use sharp_viewer::chain::{
        ACTION_WINDOW_SECONDS, ActionInput, HandsSettings, MaskSettings, PoseBackend,
        ProcessSettings,
    };
    use sharp_viewer::mask::DepthUnit;
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
        // The network's own per-frame output, so results compare frame by frame with a
        // processor run elsewhere.
        smoothing: sharp_viewer::chain::SmoothingSettings {
            mode: sharp_viewer::chain::SmoothingMode::Off,
            ..Default::default()
        },
    }
}

/// Options for loading models in tests: the CPU, one thread (so results repeat bit for
/// bit).
pub fn cpu_infer_options() -> sharp_viewer::infer::InferOptions {
    use sharp_viewer::infer::{InferOptions, ProviderRequest};
    InferOptions {
        provider: ProviderRequest::Cpu,
        intra_threads: std::num::NonZeroUsize::new(1),
        ..InferOptions::default()
    }
}

/// A frame processor on the fixture models in `models` (see [`fixture_models`]), loaded
/// with [`cpu_infer_options`] and masking on the CPU, as [`pipeline_with_models`]'s worker
/// runs them; a 30 fps source is started.
pub fn fixture_processor(models: &Path) -> sharp_viewer::chain::FrameProcessor {
    use sharp_viewer::chain::FrameProcessor;
    use sharp_viewer::infer::{ModelPaths, ModelSet};
    use sharp_viewer::mask::{MaskEngine, MaskPreference};
    let set = ModelSet::load(&ModelPaths::in_folder(models), &cpu_infer_options());
    assert!(
        set.depth.ready().is_some() && set.pose.ready().is_some() && set.action.ready().is_some(),
        "the fixture models load: {set:?}"
    );
    let mut processor = FrameProcessor::new(MaskEngine::new(MaskPreference::Cpu), set);
    processor.start_source(30.0);
    processor
}

/// A viewer pipeline with the models in `models`, loaded with [`cpu_infer_options`],
/// running [`unmasked_settings`].
pub fn pipeline_with_models(models: &Path) -> sharp_viewer::pipeline::Pipeline {
    use sharp_viewer::infer::ModelPaths;
    use sharp_viewer::mask::MaskPreference;
    use sharp_viewer::pipeline::{Pipeline, WorkerOptions};
    Pipeline::spawn(
        unmasked_settings(),
        WorkerOptions {
            models: ModelPaths::in_folder(models),
            infer: cpu_infer_options(),
            mask: MaskPreference::Cpu,
        },
        std::sync::Arc::new(|| {}),
    )
    .expect("pipeline")
}

/// Runs `command` (the viewer binary, say) to the end; returns (success, stdout, stderr).
pub fn run_to_end(command: &mut std::process::Command) -> (bool, String, String) {
    let output = command.output().expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
