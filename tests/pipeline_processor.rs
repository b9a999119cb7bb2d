//! The frame processor on the fixture models: running the depth network one frame ahead
//! gives the same results as the plain chain and saves the depth run of the next frame.

mod common;

use sharp_viewer::infer::{InferOptions, ModelPaths, ModelSet, ProviderRequest};
use sharp_viewer::mask::{DepthRange, DepthUnit, MaskEngine, MaskPreference};
use sharp_viewer::pipeline::{
    ActionInput, FrameProcessor, HandsSettings, MaskSettings, PoseBackend, ProcessSettings,
    Processed, Stage,
};
use sharp_viewer::source::{FrameSource, TakeSource};

fn processor(models: &std::path::Path) -> FrameProcessor {
    let options = InferOptions {
        provider: ProviderRequest::Cpu,
        intra_threads: std::num::NonZeroUsize::new(1),
        ..InferOptions::default()
    };
    let set = ModelSet::load(&ModelPaths::in_folder(models), &options);
    assert!(
        set.depth.ready().is_some() && set.pose.ready().is_some() && set.action.ready().is_some(),
        "the fixture models load: {set:?}"
    );
    let mut processor = FrameProcessor::new(MaskEngine::new(MaskPreference::Cpu), set);
    processor.start_source(30.0);
    processor
}

fn settings() -> ProcessSettings {
    ProcessSettings {
        mask: MaskSettings {
            depth: DepthUnit::InverseDepth8,
            range: Some(DepthRange::new(120.0, 255.0)),
        },
        estimate_depth: true,
        action_input: ActionInput::PredictedPoses,
        action_window_seconds: 0.2,
        pose_backend: PoseBackend::Sharp,
        hands: HandsSettings::default(),
    }
}

fn ran(processed: &Processed, stage: Stage) -> bool {
    processed.timings.iter().any(|(s, _)| *s == stage)
}

#[test]
fn looking_ahead_matches_the_plain_chain_and_skips_the_next_depth_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let models = common::fixture_models(dir.path());
    let mut source = TakeSource::open(&take).expect("the sample opens");
    let frames: Vec<_> = (0..8)
        .map(|i| source.read(i).expect("frame reads"))
        .collect();

    let mut plain = processor(&models);
    let mut ahead = processor(&models);
    let settings = settings();
    for (i, frame) in frames.iter().enumerate() {
        let expected = plain.process(frame, &settings);
        let got = ahead.process_ahead(frame, frames.get(i + 1), &settings);
        assert!(expected.problems.is_empty(), "{:?}", expected.problems);
        assert!(got.problems.is_empty(), "{:?}", got.problems);

        assert_eq!(got.pseudo_depth, expected.pseudo_depth, "frame {i}");
        assert_eq!(got.masked, expected.masked, "frame {i}");
        assert_eq!(got.pose, expected.pose, "frame {i}");
        assert_eq!(got.action, expected.action, "frame {i}");
        assert!(
            expected.action.is_some() || i < 5,
            "the 0.2 s window fills by frame 5"
        );

        assert!(ran(&expected, Stage::Depth) && !ran(&expected, Stage::DepthAhead));
        assert_eq!(
            ran(&got, Stage::Depth),
            i == 0,
            "frame {i}: only the first runs depth"
        );
        assert_eq!(
            ran(&got, Stage::DepthAhead),
            i + 1 < frames.len(),
            "frame {i}"
        );
    }
}

#[test]
fn no_look_ahead_when_nothing_needs_pseudo_depth() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let models = common::fixture_models(dir.path());
    let mut source = TakeSource::open(&take).expect("the sample opens");
    let (first, second) = (
        source.read(0).expect("frame"),
        source.read(1).expect("frame"),
    );
    let mut processor = processor(&models);
    let oracle = ProcessSettings {
        mask: MaskSettings {
            depth: DepthUnit::Millimetres,
            range: Some(DepthRange::new(1.0, 700.0)),
        },
        estimate_depth: false,
        ..settings()
    };
    let processed = processor.process_ahead(&first, Some(&second), &oracle);
    assert!(processed.problems.is_empty(), "{:?}", processed.problems);
    assert!(processed.pose.is_some());
    assert!(!ran(&processed, Stage::Depth) && !ran(&processed, Stage::DepthAhead));
}
