//! The Rust MediaPipe Hands pipeline against MediaPipe 0.10.21 itself
//! (tests/reference/mediapipe_reference.py, goldens in tests/fixtures/golden/mediapipe/).
//!
//! Needs the ONNX Runtime library (scripts/setup.sh); fails, never skips, without it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod mediapipe_common;

use glam::{Vec2, Vec3};
use mediapipe_common::{f, floats, golden, image, pipeline, session};
use serde_json::Value;
use sharp_viewer::geometry::{CameraIntrinsics, Hand};
use sharp_viewer::infer::mediapipe::{
    HandsResult, LandmarkModel, MediaPipeError, MediaPipeHands, MediaPipeModel, MediaPipeOptions,
    ModelVariant, NormRect, PALM_KEYPOINTS, PalmDetection, PalmDetector, RoiSource, RootDepth,
    Viewpoint, roi_from_landmarks, roi_from_palm,
};

/// Normalised image landmarks: the bar.
const LANDMARK_TOLERANCE: f32 = 1e-3;
/// World landmarks, metres (the model's own output; same bar in metres = 1 mm).
const WORLD_TOLERANCE: f32 = 1e-3;
/// Handedness probability. Measured max 2.1e-3 (mirrored image, score 0.785): the
/// handedness head is the most sensitive output to the last-bit differences between
/// TFLite/XNNPACK and ONNX Runtime and to 1/32-pixel rounding flips in the crop.
const HANDEDNESS_TOLERANCE: f32 = 5e-3;
/// Palm boxes, keypoints and scores: both sides run the same network on the same
/// 192x192 tensor (TFLite/XNNPACK there, ONNX Runtime here).
const PALM_TOLERANCE: f32 = 1e-4;
/// Pure geometry on identical inputs (ROIs from golden detections and landmarks).
const GEOMETRY_TOLERANCE: f32 = 2e-6;

fn options_of(golden: &Value, static_image_mode: bool) -> MediaPipeOptions {
    MediaPipeOptions {
        max_hands: 2,
        min_detection_confidence: f(&golden["min_detection_confidence"]),
        min_presence: f(&golden["min_tracking_confidence"]),
        static_image_mode,
        viewpoint: Viewpoint::FacingUser,
    }
}

fn rect(value: &Value) -> NormRect {
    NormRect {
        x_center: f(&value["x_center"]),
        y_center: f(&value["y_center"]),
        width: f(&value["width"]),
        height: f(&value["height"]),
        rotation: f(&value["rotation"]),
    }
}

fn rect_diff(a: &NormRect, b: &NormRect) -> f32 {
    [
        a.x_center - b.x_center,
        a.y_center - b.y_center,
        a.width - b.width,
        a.height - b.height,
        a.rotation - b.rotation,
    ]
    .iter()
    .fold(0.0, |m, d| m.max(d.abs()))
}

fn palm(value: &Value) -> PalmDetection {
    let keypoints: Vec<Vec2> = value["keypoints"]
        .as_array()
        .expect("keypoints")
        .iter()
        .map(|k| Vec2::new(f(&k[0]), f(&k[1])))
        .collect();
    PalmDetection {
        score: f(&value["score"]),
        xmin: f(&value["xmin"]),
        ymin: f(&value["ymin"]),
        width: f(&value["width"]),
        height: f(&value["height"]),
        keypoints: keypoints.try_into().expect("7 keypoints"),
    }
}

fn points(value: &Value) -> Vec<Vec3> {
    value
        .as_array()
        .expect("point list")
        .iter()
        .map(|p| {
            let v = floats(p);
            Vec3::new(v[0], v[1], v[2])
        })
        .collect()
}

fn max_diff(a: &[Vec3], b: &[Vec3]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(p, q)| (*p - *q).abs().max_element())
        .fold(0.0, f32::max)
}

fn label(value: &Value) -> Hand {
    match value["label"].as_str() {
        Some("Left") => Hand::Left,
        Some("Right") => Hand::Right,
        other => panic!("unknown handedness label {other:?}"),
    }
}

/// Largest differences of one frame against its golden record.
#[derive(Debug, Default)]
struct FrameDiffs {
    landmarks: f32,
    landmark_z: f32,
    world: f32,
    handedness: f32,
    palm: f32,
}

fn compare_frame(name: &str, frame: &Value, result: &HandsResult) -> FrameDiffs {
    let mut diffs = FrameDiffs::default();
    match (&frame["palm_detections"], &result.palm_detections) {
        (Value::Null, None) => {}
        (Value::Array(expected), Some(actual)) => {
            assert_eq!(expected.len(), actual.len(), "{name}: palm detections");
            for (e, a) in expected.iter().zip(actual) {
                let e = palm(e);
                let mut d = [
                    e.score - a.score,
                    e.xmin - a.xmin,
                    e.ymin - a.ymin,
                    e.width - a.width,
                    e.height - a.height,
                ]
                .iter()
                .fold(0.0_f32, |m, v| m.max(v.abs()));
                for k in 0..PALM_KEYPOINTS {
                    d = d.max((e.keypoints[k] - a.keypoints[k]).abs().max_element());
                }
                diffs.palm = diffs.palm.max(d);
            }
        }
        (Value::Null, Some(actual)) if actual.is_empty() => {}
        (expected, actual) => panic!("{name}: palm detections {expected} vs {actual:?}"),
    }
    let expected_hands = frame["hands"].as_array().expect("hands");
    assert_eq!(
        expected_hands.len(),
        result.hands.len(),
        "{name}: number of hands"
    );
    for (expected, actual) in expected_hands.iter().zip(&result.hands) {
        let landmarks = points(&expected["landmarks"]);
        let xy = |p: &Vec3| Vec3::new(p.x, p.y, 0.0);
        let expected_xy: Vec<Vec3> = landmarks.iter().map(xy).collect();
        let actual_xy: Vec<Vec3> = actual.landmarks.iter().map(xy).collect();
        diffs.landmarks = diffs.landmarks.max(max_diff(&expected_xy, &actual_xy));
        let z = |p: &Vec3| Vec3::new(0.0, 0.0, p.z);
        diffs.landmark_z = diffs.landmark_z.max(max_diff(
            &landmarks.iter().map(z).collect::<Vec<_>>(),
            &actual.landmarks.iter().map(z).collect::<Vec<_>>(),
        ));
        diffs.world = diffs.world.max(max_diff(
            &points(&expected["world_landmarks"]),
            &actual.world_landmarks_m,
        ));
        let handedness = &expected["handedness"];
        assert_eq!(
            label(handedness),
            actual.handedness.mediapipe_label,
            "{name}: MediaPipe's handedness label"
        );
        diffs.handedness = diffs
            .handedness
            .max((f(&handedness["score"]) - actual.handedness.score).abs());
        // Pixel landmarks are the normalised ones times the frame size.
        let size = Vec2::new(result.width as f32, result.height as f32);
        assert!(
            (actual.landmarks_px[0]
                - Vec2::new(actual.landmarks[0].x, actual.landmarks[0].y) * size)
                .length()
                < 1e-3
        );
    }
    diffs
}

fn assert_within(name: &str, diffs: &FrameDiffs) {
    println!("{name}: max |diff| {diffs:?}");
    assert!(
        diffs.landmarks <= LANDMARK_TOLERANCE,
        "{name}: landmarks {diffs:?}"
    );
    assert!(
        diffs.landmark_z <= LANDMARK_TOLERANCE,
        "{name}: landmark z {diffs:?}"
    );
    assert!(
        diffs.world <= WORLD_TOLERANCE,
        "{name}: world landmarks {diffs:?}"
    );
    assert!(
        diffs.handedness <= HANDEDNESS_TOLERANCE,
        "{name}: handedness {diffs:?}"
    );
    assert!(
        diffs.palm <= PALM_TOLERANCE,
        "{name}: palm detections {diffs:?}"
    );
}

fn cases<'a>(golden: &'a Value, mode: &str) -> Vec<&'a Value> {
    golden["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["mode"] == mode)
        .collect()
}

fn variant(case: &Value) -> ModelVariant {
    match case["model_complexity"].as_u64() {
        Some(1) => ModelVariant::Full,
        Some(0) => ModelVariant::Lite,
        other => panic!("unknown model_complexity {other:?}"),
    }
}

#[test]
fn static_images_match_mediapipe() {
    let golden = golden();
    let mut full = pipeline(ModelVariant::Full, options_of(&golden, true));
    let mut lite = pipeline(ModelVariant::Lite, options_of(&golden, true));
    let mut checked_hands = [0, 0];
    for case in cases(&golden, "static") {
        let name = case["name"].as_str().expect("name");
        let (hands, count) = match variant(case) {
            ModelVariant::Full => (&mut full, &mut checked_hands[0]),
            ModelVariant::Lite => (&mut lite, &mut checked_hands[1]),
        };
        let frame = &case["frames"][0];
        let result = hands
            .process(&image(frame["image"].as_str().expect("image")))
            .expect("pipeline runs");
        let diffs = compare_frame(name, frame, &result);
        assert_within(name, &diffs);
        *count += result.hands.len();
        assert!(
            result
                .hands
                .iter()
                .all(|h| h.roi_source == RoiSource::PalmDetection)
        );
        assert!(
            hands.tracked_rois().is_empty(),
            "static mode keeps no state"
        );
    }
    assert!(
        checked_hands[0] >= 5,
        "the goldens hold at least five hands (full models)"
    );
    assert!(checked_hands[1] >= 3, "and three for the lite models");
}

#[test]
fn tracking_reuses_rois_like_mediapipe() {
    let golden = golden();
    let mut hands = pipeline(ModelVariant::Full, options_of(&golden, false));
    for case in cases(&golden, "video") {
        assert_eq!(variant(case), ModelVariant::Full);
        let name = case["name"].as_str().expect("name");
        for (index, frame) in case["frames"]
            .as_array()
            .expect("frames")
            .iter()
            .enumerate()
        {
            let result = hands
                .process(&image(frame["image"].as_str().expect("image")))
                .expect("pipeline runs");
            let diffs = compare_frame(&format!("{name}[{index}]"), frame, &result);
            assert_within(&format!("{name}[{index}]"), &diffs);
            let expected_rois: Vec<NormRect> = frame["rois_from_landmarks"]
                .as_array()
                .expect("rois")
                .iter()
                .map(rect)
                .collect();
            assert_eq!(expected_rois.len(), hands.tracked_rois().len());
            // The ROI's rotation comes from knuckles a few hundredths apart, so landmark
            // differences of 1e-4 (second frame) turn into ~2e-3 rad.
            for (e, a) in expected_rois.iter().zip(hands.tracked_rois()) {
                assert!(
                    rect_diff(e, a) < 5e-3,
                    "{name}[{index}]: tracked ROI {a:?} vs {e:?}"
                );
            }
            if index > 0 {
                assert!(
                    result.palm_detections.is_none(),
                    "both hands tracked: no detection"
                );
                assert!(
                    result
                        .hands
                        .iter()
                        .all(|h| h.roi_source == RoiSource::Tracking)
                );
            }
        }
    }
}

#[test]
fn lost_hands_are_redetected() {
    let golden = golden();
    let mut hands = pipeline(ModelVariant::Full, options_of(&golden, false));
    let two = image("two_hands_1280x720.png");
    assert_eq!(hands.process(&two).expect("runs").hands.len(), 2);
    // The hands vanish: the tracked ROIs are tried (no detection: two were tracked),
    // their presence drops, and nothing is tracked any more.
    let blank = image::RgbImage::from_pixel(1280, 720, image::Rgb([120, 130, 140]));
    let lost = hands.process(&blank).expect("runs");
    assert!(lost.palm_detections.is_none());
    assert!(lost.hands.is_empty());
    assert!(hands.tracked_rois().is_empty());
    // Next frame: detection runs again and finds both hands.
    let back = hands.process(&two).expect("runs");
    assert!(back.palm_detections.is_some());
    assert_eq!(back.hands.len(), 2);
    assert!(
        back.hands
            .iter()
            .all(|h| h.roi_source == RoiSource::PalmDetection)
    );
}

#[test]
fn rois_from_golden_detections_and_landmarks_match_mediapipe() {
    let golden = golden();
    let mut worst: f32 = 0.0;
    let mut checked = 0;
    for case in golden["cases"].as_array().expect("cases") {
        for frame in case["frames"].as_array().expect("frames") {
            let file = frame["image"].as_str().expect("image");
            let (width, height) =
                image::image_dimensions(mediapipe_common::golden_dir().join(file))
                    .expect("image size");
            if let (Value::Array(palms), Value::Array(rois)) = (
                &frame["palm_detections"],
                &frame["rois_from_palm_detections"],
            ) {
                for (p, r) in palms.iter().zip(rois) {
                    let diff = rect_diff(&roi_from_palm(&palm(p), width, height), &rect(r));
                    worst = worst.max(diff);
                    checked += 1;
                }
            }
            let rois = frame["rois_from_landmarks"].as_array().expect("rois");
            for (hand, r) in frame["hands"].as_array().expect("hands").iter().zip(rois) {
                let xy: Vec<Vec2> = points(&hand["landmarks"])
                    .iter()
                    .map(|p| Vec2::new(p.x, p.y))
                    .collect();
                let roi = roi_from_landmarks(&xy.try_into().expect("21"), width, height);
                worst = worst.max(rect_diff(&roi, &rect(r)));
                checked += 1;
            }
        }
    }
    println!("ROI geometry: {checked} rects, max |diff| {worst:e}");
    assert!(checked >= 10);
    assert!(worst <= GEOMETRY_TOLERANCE, "max ROI difference {worst}");
}

#[test]
fn palm_detector_alone_matches_mediapipe() {
    let golden = golden();
    let mut detector = PalmDetector::new();
    let mut palm_session = session(ModelVariant::Full.palm_file());
    for case in cases(&golden, "static") {
        let frame = &case["frames"][0];
        if variant(case) != ModelVariant::Full {
            continue;
        }
        let Value::Array(expected) = &frame["palm_detections"] else {
            continue;
        };
        let mut found = detector
            .detect(
                &mut palm_session,
                &image(frame["image"].as_str().expect("image")),
                f(&golden["min_detection_confidence"]),
            )
            .expect("detector runs");
        found.truncate(2);
        assert_eq!(found.len(), expected.len());
        for (e, a) in expected.iter().zip(&found) {
            let e = palm(e);
            assert!((e.score - a.score).abs() <= PALM_TOLERANCE);
            assert!((e.xmin - a.xmin).abs() <= PALM_TOLERANCE);
            assert!((e.keypoints[2] - a.keypoints[2]).abs().max_element() <= PALM_TOLERANCE);
        }
    }
}

#[test]
fn handedness_follows_the_viewpoint() {
    // Golden images: rotated_640x480 shows a right hand (palm to the viewer, thumb on
    // the image's right), MediaPipe calls it "Left"; its mirror image is a left hand
    // that MediaPipe calls "Right". Seen by a camera facing the subject, unmirrored,
    // the labels are swapped.
    let golden = golden();
    let mut hands = pipeline(ModelVariant::Full, options_of(&golden, true));
    let right = hands.process(&image("rotated_640x480.png")).expect("runs");
    assert_eq!(right.hands[0].handedness.mediapipe_label, Hand::Left);
    assert_eq!(right.hands[0].handedness.hand, Hand::Right);
    let left = hands
        .process(&image("rotated_640x480_mirrored.png"))
        .expect("runs");
    assert_eq!(left.hands[0].handedness.mediapipe_label, Hand::Right);
    assert_eq!(left.hands[0].handedness.hand, Hand::Left);

    // A selfie (mirrored) source and an egocentric one keep MediaPipe's label: a
    // head-mounted camera sees the wearer's left hand with the thumb on its right, as
    // this image shows it.
    for viewpoint in [Viewpoint::FacingUserMirrored, Viewpoint::Egocentric] {
        hands.set_options(MediaPipeOptions {
            viewpoint,
            ..*hands.options()
        });
        let kept = hands.process(&image("rotated_640x480.png")).expect("runs");
        assert_eq!(kept.hands[0].handedness.hand, Hand::Left, "{viewpoint:?}");
    }
}

#[test]
fn placed_hand_keeps_the_wrist_on_its_ray_at_the_given_depth() {
    let golden = golden();
    let mut hands = pipeline(ModelVariant::Full, options_of(&golden, true));
    let result = hands
        .process(&image("two_hands_1280x720.png"))
        .expect("runs");
    let k = CameraIntrinsics::H2O_CAM4_DEFAULT;
    for hand in &result.hands {
        let (joints, placement) = hand
            .place(RootDepth::GroundTruth { depth_mm: 450.0 }, &k)
            .expect("valid depth");
        assert!((joints[0].z - 450.0).abs() < 1e-3);
        let back = k.project(joints[0]).expect("in front of the camera");
        assert!(
            (back - hand.landmarks_px[0]).length() < 1e-2,
            "{back} vs {}",
            hand.landmarks_px[0]
        );
        assert_eq!(placement.wrist_mm, joints[0]);
        // The shape is MediaPipe's metric hand: wrist-to-middle-knuckle length kept.
        let world = hand.world_landmarks_m;
        let expected = (world[9] - world[0]).length() * 1000.0;
        assert!(((joints[9] - joints[0]).length() - expected).abs() < 1e-2);
        assert!(placement.to_string().contains("450 mm"), "{placement}");
    }
    let half = k.scaled_to(640, 360);
    let (joints, _) = result.hands[0]
        .place(RootDepth::Fixed { depth_mm: 600.0 }, &half)
        .expect("valid depth");
    let back = half.project(joints[0]).expect("in front");
    assert!((back * 2.0 - result.hands[0].landmarks_px[0]).length() < 2e-2);
}

#[test]
fn swapped_sessions_are_rejected_naming_the_model() {
    let palm = session(ModelVariant::Full.palm_file());
    let landmark = session(ModelVariant::Full.landmark_file());
    let error = MediaPipeHands::new(landmark, palm, MediaPipeOptions::default())
        .expect_err("swapped sessions");
    match &error {
        MediaPipeError::Contract { model, .. } => assert_eq!(*model, MediaPipeModel::PalmDetection),
        other => panic!("unexpected error {other}"),
    }
    assert!(
        error.to_string().contains("MediaPipe palm detection"),
        "{error}"
    );
}

#[test]
fn empty_frames_are_an_error() {
    let golden = golden();
    let mut hands = pipeline(ModelVariant::Full, options_of(&golden, true));
    let error = hands
        .process(&image::RgbImage::new(0, 10))
        .expect_err("empty frame");
    assert!(
        matches!(error, MediaPipeError::EmptyFrame { .. }),
        "{error}"
    );
}

#[test]
fn landmarks_in_mediapipe_rois_match_mediapipe() {
    // The landmark stage alone, on MediaPipe's own ROIs: isolates the crop (OpenCV's
    // fixed-point warp) and the converted model from the palm detector's differences.
    let golden = golden();
    let mut model = LandmarkModel::new();
    let mut worst = FrameDiffs::default();
    let mut checked = 0;
    for case in cases(&golden, "static") {
        let mut landmark_session = session(variant(case).landmark_file());
        let frame = &case["frames"][0];
        let Value::Array(rois) = &frame["rois_from_palm_detections"] else {
            continue;
        };
        let picture = image(frame["image"].as_str().expect("image"));
        for (roi, expected) in rois.iter().zip(frame["hands"].as_array().expect("hands")) {
            let found = model
                .run(&mut landmark_session, &picture, &rect(roi))
                .expect("landmark model runs");
            let landmarks = points(&expected["landmarks"]);
            let xy = |p: &[Vec3]| p.iter().map(|q| q.with_z(0.0)).collect::<Vec<_>>();
            let z = |p: &[Vec3]| {
                p.iter()
                    .map(|q| Vec3::new(0.0, 0.0, q.z))
                    .collect::<Vec<_>>()
            };
            worst.landmarks = worst
                .landmarks
                .max(max_diff(&xy(&landmarks), &xy(&found.landmarks)));
            worst.landmark_z = worst
                .landmark_z
                .max(max_diff(&z(&landmarks), &z(&found.landmarks)));
            worst.world = worst.world.max(max_diff(
                &points(&expected["world_landmarks"]),
                &found.world_landmarks,
            ));
            worst.handedness = worst
                .handedness
                .max((f(&expected["handedness"]["score"]) - found.label_score).abs());
            checked += 1;
        }
    }
    println!("landmarks in MediaPipe's ROIs ({checked} hands): max |diff| {worst:?}");
    assert!(checked >= 7);
    // Measured 3e-7: the crop is byte-identical, the converted model float-exact. The
    // end-to-end differences above come from the palm detector's ~1e-6 (TFLite vs ONNX
    // Runtime) moving the ROI.
    let exact = 1e-5;
    assert!(
        worst.landmarks <= exact
            && worst.landmark_z <= exact
            && worst.world <= exact
            && worst.handedness <= exact,
        "{worst:?}"
    );
}
