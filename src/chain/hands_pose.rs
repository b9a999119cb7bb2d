//! The MediaPipe Hands pose backend: runs it on the (masked) frame and turns its hands
//! into a [`PoseOutcome`] like SHARP's: keypoints in frame pixels and joints in camera
//! millimetres, both in H2O's joint order, each wrist placed from the depth at its pixel.

use std::time::Duration;

use glam::{Vec2, Vec3};
use image::{GrayImage, RgbImage};
use serde::{Deserialize, Serialize};

use super::processor::PoseOutcome;
use super::report::FrameReport;
use crate::geometry::{Hand, JOINTS_PER_HAND, TwoHands};
use crate::infer::mediapipe::{
    DetectedHand, HandsModel, MEDIAPIPE_TO_H2O, MediaPipeError, RootDepth, RootPlacement,
    Viewpoint, assign_sides, median_around,
};
use crate::infer::{FrameSize, HEATMAP_COUNT, HandPresence, PosePrediction};
use crate::source::{Frame, SourceKind};

/// Half the side of the square around the wrist pixel whose median depth is read (5x5).
const DEPTH_WINDOW_RADIUS: u32 = 2;

/// Which network finds the hands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoseBackend {
    /// SHARP's EffHandEgoNet3D (`pose.onnx`, exported by the user).
    #[default]
    Sharp,
    /// Google's pretrained MediaPipe Hands (shipped in `models/mediapipe/`).
    MediaPipe,
}

impl PoseBackend {
    /// Both backends, in the order the UI lists them.
    pub const ALL: [PoseBackend; 2] = [PoseBackend::Sharp, PoseBackend::MediaPipe];

    /// Name in the UI and in messages.
    pub fn label(self) -> &'static str {
        match self {
            PoseBackend::Sharp => "SHARP",
            PoseBackend::MediaPipe => "MediaPipe Hands",
        }
    }
}

/// Which depth places a MediaPipe wrist in camera space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootDepthSource {
    /// The frame's ground-truth depth (mm) around the wrist pixel.
    #[default]
    GroundTruth,
    /// The 8-bit pseudo-depth around the wrist pixel, with the user's scale.
    PseudoDepth,
    /// Always [`HandsSettings::fixed_depth_mm`].
    Fixed,
}

/// How MediaPipe's hands are labelled and placed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandsSettings {
    /// Which depth places the wrists.
    pub root_depth: RootDepthSource,
    /// Millimetres of the pseudo-depth value 255 (the nearest); a value `v` is read as
    /// `scale * 255 / v` mm.
    pub pseudo_scale_mm: f32,
    /// Depth of the wrist with [`RootDepthSource::Fixed`], and whenever the chosen depth
    /// map has no value at the wrist.
    pub fixed_depth_mm: f32,
    /// Where each kind of source looks at the hands from, which decides how MediaPipe's
    /// left/right labels map to the subject's own hands.
    pub viewpoints: SourceViewpoints,
    /// Palm detection score threshold (MediaPipe's `min_detection_confidence`).
    pub min_detection_confidence: f32,
}

impl Default for HandsSettings {
    fn default() -> Self {
        Self {
            root_depth: RootDepthSource::GroundTruth,
            pseudo_scale_mm: 350.0,
            fixed_depth_mm: 450.0,
            viewpoints: SourceViewpoints::default(),
            min_detection_confidence: 0.5,
        }
    }
}

/// The viewpoint of each kind of source: takes and videos are egocentric recordings by
/// default, and so is a camera (a head-mounted one); set the camera to
/// [`Viewpoint::FacingUser`] for a webcam that faces you.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceViewpoints {
    /// H2O takes, the sample and recordings.
    pub take: Viewpoint,
    /// Video files.
    pub video: Viewpoint,
    /// Live cameras.
    pub camera: Viewpoint,
}

impl SourceViewpoints {
    /// The viewpoint of `kind` of source.
    pub fn of(&self, kind: SourceKind) -> Viewpoint {
        match kind {
            SourceKind::Take => self.take,
            SourceKind::Video => self.video,
            SourceKind::Camera => self.camera,
        }
    }

    /// The viewpoint of `kind` of source, to change it.
    pub fn of_mut(&mut self, kind: SourceKind) -> &mut Viewpoint {
        match kind {
            SourceKind::Take => &mut self.take,
            SourceKind::Video => &mut self.video,
            SourceKind::Camera => &mut self.camera,
        }
    }
}

/// MediaPipe's pose of one frame and the time its stages took.
pub(super) struct HandsRun {
    /// The hands as the rest of the chain reads them.
    pub pose: PoseOutcome,
    /// Palm detection, when it ran (it does not while both hands are tracked).
    pub palm_time: Option<Duration>,
    /// The landmark model, summed over the hands.
    pub landmark_time: Duration,
}

/// Runs MediaPipe Hands on `image` (the frame, masked or not) and places the hands
/// with `frame`'s intrinsics and depth.
pub(super) fn mediapipe_pose(
    model: &mut HandsModel,
    image: &RgbImage,
    frame: &Frame,
    pseudo_depth: Option<&GrayImage>,
    (settings, viewpoint): (&HandsSettings, Viewpoint),
    problems: &mut FrameReport,
) -> Result<HandsRun, MediaPipeError> {
    let hands = model.hands_mut();
    let mut options = *hands.options();
    options.viewpoint = viewpoint;
    options.min_detection_confidence = settings.min_detection_confidence;
    hands.set_options(options);
    let result = hands.process(image)?;
    let landmark_time = result.hands.iter().map(|hand| hand.landmark_time).sum();

    let k = frame.intrinsics;
    let mut prediction = PosePrediction {
        keypoints: [Vec2::ZERO; HEATMAP_COUNT],
        z_mm: [0.0; HEATMAP_COUNT],
        joints_mm: [Vec3::ZERO; HEATMAP_COUNT],
        presence: [HandPresence {
            present: false,
            confidence: 0.0,
        }; 2],
        hands: TwoHands::default(),
    };
    let mut roots = [None; 2];
    let mut label_confidence = [0.0; 2];
    let sides = assign_sides(&result.hands, viewpoint);
    for conflict in &sides.conflicts {
        problems.notice(conflict.to_string());
    }
    for (side, hand) in sides.hands {
        let depth = root_depth(hand, side, frame, pseudo_depth, settings, problems);
        let Some((joints, placement)) = hand.place(depth, &k) else {
            problems.error(format!(
                "MediaPipe {} hand not placed: no usable wrist depth ({depth:?})",
                side.name()
            ));
            continue;
        };
        let first = side.index() * JOINTS_PER_HAND;
        for (joint, &landmark) in MEDIAPIPE_TO_H2O.iter().enumerate() {
            let normalised = hand.landmarks[landmark];
            prediction.keypoints[first + joint] = Vec2::new(
                normalised.x * k.width as f32,
                normalised.y * k.height as f32,
            );
            prediction.joints_mm[first + joint] = joints[joint];
            prediction.z_mm[first + joint] = joints[joint].z;
        }
        prediction.presence[side.index()] = HandPresence {
            present: true,
            confidence: hand.presence,
        };
        prediction.hands.set(side, Some(joints));
        roots[side.index()] = Some(placement);
        label_confidence[side.index()] = hand.handedness.score;
    }
    Ok(HandsRun {
        pose: PoseOutcome {
            prediction,
            frame_size: FrameSize {
                width: k.width,
                height: k.height,
            },
            backend: PoseBackend::MediaPipe,
            roots,
            label_confidence,
            smoothed: false,
        },
        palm_time: result.palm_time,
        landmark_time,
    })
}

/// The wrist depth from the source the user chose, falling back to the fixed depth (and
/// saying so) where that map has no value at the wrist.
fn root_depth(
    hand: &DetectedHand,
    side: Hand,
    frame: &Frame,
    pseudo_depth: Option<&GrayImage>,
    settings: &HandsSettings,
    problems: &mut FrameReport,
) -> RootDepth {
    let wrist = hand.landmarks[MEDIAPIPE_TO_H2O[0]];
    let (measured, what) = match settings.root_depth {
        RootDepthSource::GroundTruth => (
            frame
                .depth_mm
                .as_deref()
                .and_then(|map| median_at_wrist(map, wrist.truncate()))
                .map(|depth_mm| RootDepth::GroundTruth { depth_mm }),
            "ground-truth depth",
        ),
        RootDepthSource::PseudoDepth => (
            pseudo_depth
                .and_then(|map| median_at_wrist(map, wrist.truncate()))
                .map(|inverse_depth| RootDepth::PseudoDepth {
                    inverse_depth,
                    scale_mm: settings.pseudo_scale_mm,
                }),
            "pseudo-depth",
        ),
        RootDepthSource::Fixed => (None, ""),
    };
    let fixed = RootDepth::Fixed {
        depth_mm: settings.fixed_depth_mm,
    };
    match measured {
        Some(depth) if depth.depth_mm().is_some() => depth,
        _ if settings.root_depth == RootDepthSource::Fixed => fixed,
        _ => {
            problems.notice(format!(
                "no {what} at the {} wrist: placed at the fixed {:.0} mm",
                side.name(),
                settings.fixed_depth_mm
            ));
            fixed
        }
    }
}

/// How a backend's root was placed, one line per hand, for the UI.
pub fn describe_roots(roots: &[Option<RootPlacement>; 2]) -> Vec<String> {
    Hand::BOTH
        .into_iter()
        .filter_map(|hand| {
            roots[hand.index()].map(|placement| format!("{}: {placement}", hand.name()))
        })
        .collect()
}

/// The median depth-map value in the window around the wrist landmark (normalised image
/// coordinates), in the map's own unit; `None` where the window holds no value.
fn median_at_wrist<P>(map: &image::ImageBuffer<image::Luma<P>, Vec<P>>, wrist: Vec2) -> Option<f32>
where
    P: image::Primitive + Into<f32>,
{
    let (width, height) = map.dimensions();
    let pixel = Vec2::new(wrist.x * width as f32, wrist.y * height as f32);
    median_around(map.as_raw(), width, height, pixel, DEPTH_WINDOW_RADIUS)
}
