//! The whole-pipeline bench on the tiny fixture models and a generated take.

mod common;

use sharp_viewer::bench::{BenchOptions, run_bench};
use sharp_viewer::cli::{MaskArgs, MaskMode};
use sharp_viewer::infer::{InferOptions, ModelPaths, ModelSet, ProviderRequest};
use sharp_viewer::mask::{MaskEngine, MaskPreference};
use sharp_viewer::pipeline::{ActionInput, FrameProcessor, PoseBackend};
use sharp_viewer::source::TakeSource;

#[test]
fn the_bench_times_every_stage_and_names_the_models() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let models = common::fixture_models(dir.path());
    let options = InferOptions {
        provider: ProviderRequest::Cpu,
        intra_threads: None,
    };
    let set = ModelSet::load(&ModelPaths::in_folder(&models), &options);
    let mut processor = FrameProcessor::new(MaskEngine::new(MaskPreference::Cpu), set);
    let mut source = TakeSource::open(&take).expect("the take opens");
    let mask = MaskArgs {
        mask: MaskMode::Pseudo,
        range: None,
    };
    let settings = mask.process_settings(true, ActionInput::PredictedPoses, PoseBackend::Sharp);
    let mut seen = 0;
    let report = run_bench(
        &mut source,
        &mut processor,
        &settings,
        BenchOptions {
            frames: 14,
            warmup: 1,
        },
        |_| seen += 1,
    )
    .expect("the bench runs");

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
