//! The whole-pipeline bench on the tiny fixture models and a generated take.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use sharp_viewer::bench::{BenchOptions, BenchReport, JointDifference, run_bench};
use sharp_viewer::chain::{ActionInput, FrameProcessor, PoseBackend};
use sharp_viewer::cli::{MaskArgs, MaskMode};
use sharp_viewer::infer::{InferOptions, ModelPaths, ModelSet, ProviderRequest};
use sharp_viewer::mask::{MaskEngine, MaskPreference};
use sharp_viewer::source::TakeSource;

#[test]
fn the_bench_times_every_stage_and_names_the_models() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::small_sample(dir.path(), 12, 1);
    common::fixture_models(dir.path());
    let mut seen = 0;
    let options = BenchOptions {
        frames: 14,
        warmup: 1,
        preload: false,
        ahead: false,
    };
    let report = bench_run(dir.path(), options, |_| seen += 1);

    assert_eq!(
        seen, 15,
        "progress is reported for warm-up and timed frames"
    );
    assert_eq!(report.frames, 14);
    let stages: Vec<&str> = report.stages.iter().map(|stage| stage.stage).collect();
    assert_eq!(stages, ["read", "depth net", "mask", "pose net"]);
    for stage in &report.stages {
        // The take has 12 frames and is looped, so the depth network runs on every one.
        assert_eq!(stage.stats.count, 14, "{}", stage.stage);
        assert!(stage.stats.median_ms <= stage.stats.p90_ms);
        assert!(stage.stats.p90_ms <= stage.stats.p99_ms);
    }
    let total = report.total.expect("whole-frame latency");
    assert_eq!(total.count, 14);
    assert!(report.throughput_fps > 0.0);
    assert_eq!(report.models.len(), 3);
    for model in &report.models {
        assert_eq!(model.state, "ready", "{}: {}", model.kind, model.detail);
        assert_eq!(model.provider.as_deref(), Some("CPU"));
    }
    let json = serde_json::to_value(&report).expect("the report serialises");
    assert_eq!(json["stages"][1]["stage"], "depth net");
    assert!(json["stages"][1]["p99_ms"].is_number());
}

/// One bench run on the generated take in `dir/sample` with the fixture models in
/// `dir/models`, masked by SHARP's pseudo-depth rule.
fn bench_run(
    dir: &std::path::Path,
    bench: BenchOptions,
    on_frame: impl FnMut(usize),
) -> BenchReport {
    let take = dir.join("sample");
    let take = sharp_viewer::dataset::discover_takes(&take)
        .expect("takes")
        .remove(0);
    let options = InferOptions {
        provider: ProviderRequest::Cpu,
        intra_threads: None,
        ..InferOptions::default()
    };
    let set = ModelSet::load(&ModelPaths::in_folder(&dir.join("models")), &options);
    let mut processor = FrameProcessor::new(MaskEngine::new(MaskPreference::Cpu), set);
    let mut source = TakeSource::open(&take).expect("the take opens");
    let mask = MaskArgs {
        mask: MaskMode::Pseudo,
        range: None,
    };
    let settings = mask.process_settings(true, ActionInput::PredictedPoses, PoseBackend::Sharp);
    run_bench(&mut source, &mut processor, &settings, bench, on_frame).expect("the bench runs")
}

/// 20 timed frames of the 12-frame take (looped), no warm-up.
fn twenty_frames(preload: bool, ahead: bool) -> BenchOptions {
    BenchOptions {
        frames: 20,
        warmup: 0,
        preload,
        ahead,
    }
}

#[test]
fn preloaded_look_ahead_runs_give_the_same_joints_and_time_the_look_ahead() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::small_sample(dir.path(), 12, 1);
    common::fixture_models(dir.path());
    let plain = bench_run(dir.path(), twenty_frames(false, false), |_| {});
    let ahead = bench_run(dir.path(), twenty_frames(true, true), |_| {});

    let stages = |report: &BenchReport| -> Vec<(&str, usize)> {
        report
            .stages
            .iter()
            .map(|stage| (stage.stage, stage.stats.count))
            .collect()
    };
    // Preloaded: no read stage. Ahead: the depth network runs on the first frame of each
    // loop (timed frames 0 and 12) itself; every frame but the loop's last (11) looks ahead.
    assert_eq!(
        stages(&ahead),
        [
            ("depth net", 2),
            ("depth net (next frame)", 19),
            ("mask", 20),
            ("pose net", 20)
        ]
    );
    assert!(ahead.preloaded && ahead.depth_ahead && !plain.preloaded);
    assert_eq!(plain.joints.len(), 20);
    assert!(plain.joints.iter().all(Option::is_some));
    let same = JointDifference::between(&ahead.joints, &plain.joints).expect("frames in common");
    assert_eq!(
        (same.frames, same.mean_mm, same.max_mm, same.non_finite),
        (20, 0.0, 0.0, 0)
    );

    let mut moved = plain.joints.clone();
    if let Some(Some(first)) = moved.first_mut() {
        first[0][2] += 3.0;
    }
    moved[1] = None;
    if let Some(Some(third)) = moved.get_mut(2) {
        third[5][0] = f32::NAN;
    }
    let diff = JointDifference::between(&moved, &plain.joints).expect("frames in common");
    assert_eq!((diff.frames, diff.non_finite), (19, 1));
    assert!((diff.max_mm - 3.0).abs() < 1e-9);
    assert!((diff.mean_mm - 3.0 / (19.0 * 42.0 - 1.0)).abs() < 1e-9);
}

/// A model that is present but unusable changes what the bench measures: the command still
/// prints its report (naming the model as invalid) but fails, naming the file and the
/// problem.
#[test]
fn the_bench_command_fails_when_a_model_cannot_be_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let models = common::fixture_models(dir.path());
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");
    std::fs::copy(
        fixtures.join("pose_wrong_heatmap_shape.onnx"),
        models.join("pose.onnx"),
    )
    .expect("copy the broken fixture");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
        .arg("bench")
        .arg(&take)
        .arg("--models")
        .arg(&models)
        .args([
            "--provider",
            "cpu",
            "--mask-backend",
            "cpu",
            "--frames",
            "2",
            "--warmup",
            "0",
        ])
        .args(["--threads", "1", "--json"])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("the report is JSON");
    assert_eq!(report["models"][1]["state"], "invalid", "{stdout}");
    let pose_path = models.join("pose.onnx");
    assert!(
        stderr.contains(&format!(
            "error: the pose model {} could not be used",
            pose_path.display()
        )) && stderr.contains("heatmaps"),
        "{stderr}"
    );
}
