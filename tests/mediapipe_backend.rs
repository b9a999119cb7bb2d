//! MediaPipe Hands as FrameProcessor's pose backend: loads from the shipped folder,
//! gives MediaPipe's landmarks in H2O order, places wrists from the chosen depth, and
//! reads the masked frame.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod mediapipe_common;

use std::sync::Arc;
use std::time::Duration;

use glam::Vec2;
use image::{ImageBuffer, Luma};
use mediapipe_common::{floats, golden, image};
use sharp_viewer::chain::{
    ACTION_WINDOW_SECONDS, ActionInput, FrameProcessor, HandsSettings, MaskSettings, PoseBackend,
    ProcessSettings, RootDepthSource, Severity, Stage,
};
use sharp_viewer::dataset::FrameAnnotations;
use sharp_viewer::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND};
use sharp_viewer::infer::mediapipe::RootDepth;
use sharp_viewer::infer::{InferOptions, ModelPaths, ModelSet};
use sharp_viewer::mask::{DepthRange, DepthUnit, MaskEngine, MaskPreference};
use sharp_viewer::source::Frame;

const IMAGE: &str = "two_hands_1280x720.png";
const WRIST_DEPTH_MM: u16 = 500;

/// A processor with no SHARP model (an empty folder) and the shipped MediaPipe models.
fn processor() -> FrameProcessor {
    let empty = tempfile::tempdir().expect("temp dir");
    let models = ModelSet::load(
        &ModelPaths::in_folder(empty.path()),
        &InferOptions::default(),
    );
    assert!(models.pose.ready().is_none());
    assert!(
        models.hands.ready().is_some(),
        "MediaPipe Hands must load from the shipped models/mediapipe: {:?}",
        models.hands_status()
    );
    FrameProcessor::new(MaskEngine::new(MaskPreference::Cpu), models)
}

/// The golden image as a frame at `position`, with a flat ground-truth depth if asked.
fn frame(position: usize, depth: bool) -> Frame {
    let rgb = image(IMAGE);
    let (width, height) = rgb.dimensions();
    Frame {
        position,
        number: position as u32,
        depth_mm: depth.then(|| {
            Arc::new(ImageBuffer::from_pixel(
                width,
                height,
                Luma([WRIST_DEPTH_MM]),
            ))
        }),
        rgb: Arc::new(rgb),
        annotations: FrameAnnotations::default(),
        intrinsics: CameraIntrinsics::H2O_CAM4_DEFAULT,
        read_time: Duration::ZERO,
    }
}

fn settings(range: Option<DepthRange>, root_depth: RootDepthSource) -> ProcessSettings {
    ProcessSettings {
        mask: MaskSettings {
            depth: DepthUnit::Millimetres,
            range,
        },
        estimate_depth: false,
        action_input: ActionInput::PredictedPoses,
        action_window_seconds: ACTION_WINDOW_SECONDS,
        pose_backend: PoseBackend::MediaPipe,
        hands: HandsSettings {
            root_depth,
            // The golden emoji hands are detected at MediaPipe's lowered threshold.
            min_detection_confidence: 0.1,
            ..HandsSettings::default()
        },
        // Per-frame poses: the reference is MediaPipe's output for each image alone.
        smoothing: sharp_viewer::chain::SmoothingSettings {
            mode: sharp_viewer::chain::SmoothingMode::Off,
            ..Default::default()
        },
    }
}

#[test]
fn mediapipe_poses_match_the_reference_in_h2o_order_placed_at_the_wrist_depth() {
    let mut processor = processor();
    let processed = processor.process(
        &frame(0, true),
        &settings(None, RootDepthSource::GroundTruth),
    );
    let pose = processed.pose.expect("a pose");
    assert_eq!(pose.backend, PoseBackend::MediaPipe);
    assert_eq!((pose.frame_size.width, pose.frame_size.height), (1280, 720));
    let stages: Vec<Stage> = processed.timings.iter().map(|(stage, _)| *stage).collect();
    assert!(stages.contains(&Stage::PalmDetection) && stages.contains(&Stage::HandLandmarks));
    assert!(!stages.contains(&Stage::Pose), "SHARP's network is not run");

    let reference = golden();
    let hands = reference["cases"][0]["frames"][0]["hands"]
        .as_array()
        .expect("golden hands");
    assert_eq!(hands.len(), 2);
    for golden_hand in hands {
        // A take is egocentric by default: MediaPipe's label is the subject's hand.
        let side = match golden_hand["handedness"]["label"].as_str() {
            Some("Left") => Hand::Left,
            Some("Right") => Hand::Right,
            other => panic!("label {other:?}"),
        };
        assert!(pose.prediction.presence(side).present, "{side:?} missing");
        let first = side.index() * JOINTS_PER_HAND;
        let landmarks = golden_hand["landmarks"].as_array().expect("landmarks");
        for (joint, landmark) in landmarks.iter().enumerate() {
            let xyz = floats(landmark);
            let expected = Vec2::new(xyz[0] * 1280.0, xyz[1] * 720.0);
            let got = pose.prediction.keypoints[first + joint];
            assert!(
                ((got - expected) / Vec2::new(1280.0, 720.0))
                    .abs()
                    .max_element()
                    < 1e-3,
                "{side:?} joint {joint}: {got} vs {expected}"
            );
        }
        let root = pose.roots[side.index()].expect("root placement");
        assert_eq!(
            root.depth,
            RootDepth::GroundTruth {
                depth_mm: f32::from(WRIST_DEPTH_MM)
            }
        );
        let joints = pose.prediction.hands.get(side).expect("3D joints");
        assert_eq!(joints[0].z, f32::from(WRIST_DEPTH_MM));
        assert_eq!(pose.prediction.joints_mm[first], joints[0]);
        // The wrist lies on the ray through its pixel.
        let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
        let pixel = k.project(joints[0]).expect("in front");
        assert!((pixel - pose.prediction.keypoints[first]).length() < 1e-2);
        // World landmarks keep their metric shape: the wrist-to-middle-knuckle bone of
        // an emoji hand drawn ~150 px tall at 500 mm is a few centimetres.
        let palm_mm = (joints[9] - joints[0]).length();
        assert!((30.0..150.0).contains(&palm_mm), "palm {palm_mm} mm");
    }
}

#[test]
fn without_depth_at_the_wrist_the_fixed_depth_places_the_hand_and_says_so() {
    let mut processor = processor();
    let processed = processor.process(
        &frame(0, false),
        &settings(None, RootDepthSource::GroundTruth),
    );
    let pose = processed.pose.expect("a pose");
    let fixed = HandsSettings::default().fixed_depth_mm;
    for side in Hand::BOTH {
        let root = pose.roots[side.index()].expect("placed");
        assert_eq!(root.depth, RootDepth::Fixed { depth_mm: fixed });
        assert!(root.to_string().contains("fixed depth"), "{root}");
    }
    assert!(
        processed
            .problems
            .iter()
            .any(|p| p.severity == Severity::Notice
                && p.message.contains("no ground-truth depth")
                && p.message.contains("fixed")),
        "{:?}",
        processed.problems
    );
}

#[test]
fn the_range_mask_applies_to_mediapipe_input() {
    let mut processor = processor();
    // Everything is at 500 mm: keeping 1..400 mm blacks out the whole frame.
    let near = Some(DepthRange::new(1.0, 400.0));
    let processed = processor.process(
        &frame(0, true),
        &settings(near, RootDepthSource::GroundTruth),
    );
    assert_eq!(processed.kept_fraction, 0.0);
    let pose = processed.pose.expect("MediaPipe ran");
    assert!(
        Hand::BOTH
            .iter()
            .all(|&side| !pose.prediction.presence(side).present)
    );
    // Keeping 1..700 mm keeps it all, and the hands come back after the jump.
    let far = Some(DepthRange::new(1.0, 700.0));
    let processed = processor.process(
        &frame(10, true),
        &settings(far, RootDepthSource::GroundTruth),
    );
    assert_eq!(processed.kept_fraction, 1.0);
    let pose = processed.pose.expect("MediaPipe ran");
    assert!(
        Hand::BOTH
            .iter()
            .all(|&side| pose.prediction.presence(side).present)
    );
}

#[test]
fn tracking_skips_palm_detection_on_the_next_frame_and_a_seek_resets_it() {
    let mut processor = processor();
    let settings = settings(None, RootDepthSource::Fixed);
    let ran_palm = |processed: &sharp_viewer::chain::Processed| {
        processed
            .timings
            .iter()
            .any(|(stage, _)| *stage == Stage::PalmDetection)
    };
    assert!(ran_palm(&processor.process(&frame(0, false), &settings)));
    let next = processor.process(&frame(1, false), &settings);
    assert!(!ran_palm(&next), "both hands tracked");
    assert!(next.problems.is_empty(), "{:?}", next.problems);
    assert!(ran_palm(&processor.process(&frame(40, false), &settings)));
}
