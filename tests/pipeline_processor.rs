//! The frame processor on the fixture models: running the depth network one frame ahead
//! gives the same results as the plain chain and saves the depth run of the next frame;
//! the hand joints a depth range keeps are counted right.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use sharp_viewer::chain::{
    ActionInput, HandsSettings, MaskSettings, PoseBackend, ProcessSettings, Processed, Stage,
};
use sharp_viewer::geometry::Hand;
use sharp_viewer::mask::{DepthRange, DepthUnit, JOINT_WINDOW_RADIUS};
use sharp_viewer::source::{Frame, FrameSource, TakeSource};

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
        smoothing: Default::default(),
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

    let mut plain = common::fixture_processor(&models);
    let mut ahead = common::fixture_processor(&models);
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
    let mut processor = common::fixture_processor(&models);
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

/// The hand joints the mask keeps, counted independently from the ground-truth depth
/// around each joint's pixel (the processor compares the masked frame with the original).
fn joints_in_range(frame: &Frame, range: DepthRange) -> [Option<(usize, usize)>; 2] {
    let depth = frame.depth_mm.as_ref().expect("the sample has depth");
    let hands = frame
        .annotations
        .hands
        .as_ref()
        .expect("the sample has hands");
    Hand::BOTH.map(|hand| {
        hands.get(hand).map(|joints| {
            let mut kept = 0;
            let mut in_frame = 0;
            for joint in joints {
                let Some(pixel) = frame.intrinsics.project(*joint) else {
                    continue;
                };
                let (u, v) = (pixel.x.round() as i64, pixel.y.round() as i64);
                if u < 0 || v < 0 || u >= i64::from(depth.width()) || v >= i64::from(depth.height())
                {
                    continue;
                }
                in_frame += 1;
                let r = i64::from(JOINT_WINDOW_RADIUS);
                let near = (v - r..=v + r).any(|y| {
                    (u - r..=u + r).any(|x| {
                        u32::try_from(x)
                            .ok()
                            .zip(u32::try_from(y).ok())
                            .and_then(|(x, y)| depth.get_pixel_checked(x, y))
                            .is_some_and(|mm| mm.0[0] != 0 && range.contains(f32::from(mm.0[0])))
                    })
                });
                if near {
                    kept += 1;
                }
            }
            (kept, in_frame)
        })
    })
}

#[test]
fn joint_coverage_counts_the_annotated_joints_the_range_keeps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let models = common::fixture_models(dir.path());
    let mut source = TakeSource::open(&take).expect("the sample opens");
    let frame = source.read(6).expect("frame 6");
    let mut processor = common::fixture_processor(&models);
    let with_range = |range: Option<DepthRange>| ProcessSettings {
        mask: MaskSettings {
            depth: DepthUnit::Millimetres,
            range,
        },
        estimate_depth: false,
        ..settings()
    };

    // No mask: nothing to report.
    let processed = processor.process(&frame, &with_range(None));
    assert_eq!(processed.joint_coverage, None);

    // The joints' own depths, to pick ranges that keep all, some and none of them.
    let depth = frame.depth_mm.as_ref().expect("depth");
    let mut joint_depths = Vec::new();
    let hands = frame.annotations.hands.as_ref().expect("hands");
    for hand in Hand::BOTH {
        for joint in hands.get(hand).into_iter().flatten() {
            if let Some(pixel) = frame.intrinsics.project(*joint) {
                let (u, v) = (pixel.x.round() as u32, pixel.y.round() as u32);
                if let Some(mm) = depth.get_pixel_checked(u, v) {
                    joint_depths.push(f32::from(mm.0[0]));
                }
            }
        }
    }
    joint_depths.sort_by(f32::total_cmp);
    assert!(joint_depths.len() >= 21, "a hand is in view");
    let median = joint_depths[joint_depths.len() / 2];
    let deepest = depth.pixels().map(|mm| mm.0[0]).max().unwrap_or(0);
    let ranges = [
        ("all", DepthRange::new(1.0, 65535.0)),
        ("near half", DepthRange::new(1.0, median)),
        (
            "beyond everything",
            DepthRange::new(f32::from(deepest) + 1.0, 65535.0),
        ),
    ];
    let mut partial = false;
    for (name, range) in ranges {
        let processed = processor.process(&frame, &with_range(Some(range)));
        let coverage = processed.joint_coverage.expect("masked and annotated");
        let expected = joints_in_range(&frame, range);
        for hand in Hand::BOTH {
            let got = coverage.hand(hand).map(|hand| (hand.kept, hand.in_frame));
            assert_eq!(got, expected[hand.index()], "{name}, {}", hand.name());
        }
        let kept: usize = expected.iter().flatten().map(|(kept, _)| kept).sum();
        match name {
            "all" => assert_eq!(kept, joint_depths.len(), "{name}"),
            "beyond everything" => assert_eq!(kept, 0, "{name}"),
            "near half" => partial = kept > 0 && kept < joint_depths.len(),
            _ => unreachable!("{name}"),
        }
    }
    assert!(partial, "the near half keeps some joints and cuts others");
}
