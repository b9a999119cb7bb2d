//! MediaPipe Hands as a second pose backend: palm detection + hand landmarks on ONNX
//! Runtime, with MediaPipe's tracking, both hands, and camera-space placement.
//!
//! The models are Google's MediaPipe Hands TFLite files from the `mediapipe==0.10.21`
//! wheel converted to ONNX (`models/mediapipe/`, Apache-2.0). The stages reproduce the
//! calculators of MediaPipe's `hand_landmark_tracking_cpu` graph (each module cites
//! the graph file and calculator it follows); `tests/mediapipe_golden.rs` checks the
//! result against MediaPipe 0.10.21 itself.
//!
//! [`MediaPipeHands::new`] takes two sessions built by the caller (any execution
//! provider) from [`ModelVariant::palm_file`] and [`ModelVariant::landmark_file`];
//! [`HandsModel::load`] builds them from a folder the way the SHARP models are loaded.
//!
//! # Handedness
//!
//! MediaPipe's handedness label assumes a mirrored (selfie) image: the label is the
//! hand as the person in a mirrored selfie would name it. A head-mounted camera sees
//! the wearer's hands the way a mirrored selfie shows them (the left hand on the left,
//! thumbs towards the middle), so on egocentric frames (H2O, [`Viewpoint::Egocentric`],
//! the default) MediaPipe's label already names the subject's own hand, as MediaPipe
//! 0.10.21's Python package does on the sample. Only a camera that faces the subject
//! and is not mirrored ([`Viewpoint::FacingUser`], a raw webcam) sees the hands swapped,
//! and there [`Handedness::hand`] is the *opposite* of MediaPipe's label. The golden
//! images show the rule: hand emoji drawn as right hands (palm towards the viewer, thumb
//! on the image's right) get the label "Left", their mirror images "Right".

mod anchors;
mod error;
mod landmarks;
mod loader;
mod palm;
mod placement;
mod roi;
mod session;
mod sides;
mod tracking;
mod warp;

use std::time::{Duration, Instant};

use glam::{Vec2, Vec3};
use image::RgbImage;
use ort::session::Session;

use crate::geometry::{CameraIntrinsics, Hand, HandJoints, JOINTS_PER_HAND};

pub use anchors::{Anchor, PALM_ANCHOR_COUNT, PALM_INPUT_SIZE, palm_anchors};
pub use error::{MediaPipeError, MediaPipeModel};
pub use landmarks::{HandLandmarks, LANDMARK_INPUT_SIZE, LandmarkModel, decode_landmarks};
pub use loader::{HandsInfo, HandsModel, MEDIAPIPE_FOLDER};
pub use palm::{
    PALM_KEYPOINTS, PALM_NMS_IOU, PalmDetection, PalmDetector, decode_palms, weighted_nms,
};
pub use placement::{
    MEDIAPIPE_LANDMARK_NAMES, MEDIAPIPE_TO_H2O, RootDepth, RootPlacement, median_around, place_hand,
};
pub use roi::{NormRect, RotatedRect, roi_from_landmarks, roi_from_palm};
pub use sides::{SideConflict, Sides, assign_sides};
pub use tracking::{ASSOCIATION_IOU, RoiSource, Tracker, associate};

/// Which pair of MediaPipe models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ModelVariant {
    /// `palm_detection_full.onnx` + `hand_landmark_full.onnx` (MediaPipe's
    /// `model_complexity=1`, its default).
    #[default]
    Full,
    /// `palm_detection_lite.onnx` + `hand_landmark_lite.onnx` (`model_complexity=0`).
    Lite,
}

impl ModelVariant {
    /// File name of the palm detector in `models/mediapipe/`.
    pub fn palm_file(self) -> &'static str {
        match self {
            ModelVariant::Full => "palm_detection_full.onnx",
            ModelVariant::Lite => "palm_detection_lite.onnx",
        }
    }

    /// File name of the landmark model in `models/mediapipe/`.
    pub fn landmark_file(self) -> &'static str {
        match self {
            ModelVariant::Full => "hand_landmark_full.onnx",
            ModelVariant::Lite => "hand_landmark_lite.onnx",
        }
    }
}

/// Settings of the pipeline (MediaPipe's `Hands(...)` arguments).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MediaPipeOptions {
    /// Most hands to report (`max_num_hands`).
    pub max_hands: usize,
    /// Palm detection score threshold (`min_detection_confidence`).
    pub min_detection_confidence: f32,
    /// Hand presence threshold; below it a hand is dropped and, in video mode,
    /// re-detected (`min_tracking_confidence`).
    pub min_presence: f32,
    /// Treat every frame on its own: run palm detection every time, no tracking
    /// (`static_image_mode`).
    pub static_image_mode: bool,
    /// Where the camera looks at the hands from; see the module documentation on
    /// handedness.
    pub viewpoint: Viewpoint,
}

impl Default for MediaPipeOptions {
    fn default() -> Self {
        Self {
            max_hands: 2,
            min_detection_confidence: 0.5,
            min_presence: 0.5,
            static_image_mode: false,
            viewpoint: Viewpoint::Egocentric,
        }
    }
}

/// Where the camera looks at the hands from, which decides whether MediaPipe's
/// left/right label (made for mirrored selfies) names the subject's own hand.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
pub enum Viewpoint {
    /// A head-mounted camera looking at the wearer's own hands (H2O, egocentric videos):
    /// MediaPipe's label is the subject's hand.
    #[default]
    Egocentric,
    /// A camera facing the subject, frames not mirrored (a raw webcam): MediaPipe's label
    /// is the other hand.
    FacingUser,
    /// A camera facing the subject, frames mirrored (a selfie preview): MediaPipe's
    /// label is the subject's hand.
    FacingUserMirrored,
}

impl Viewpoint {
    /// Every viewpoint, in the order the UI lists them.
    pub const ALL: [Viewpoint; 3] = [
        Viewpoint::Egocentric,
        Viewpoint::FacingUser,
        Viewpoint::FacingUserMirrored,
    ];

    /// The viewpoint in words, for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Egocentric => "egocentric",
            Self::FacingUser => "facing the user",
            Self::FacingUserMirrored => "facing the user, mirrored",
        }
    }

    /// Whether MediaPipe's label names the subject's own hand from this viewpoint.
    pub fn keeps_mediapipe_label(self) -> bool {
        self != Self::FacingUser
    }
}

/// Which hand a detection is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Handedness {
    /// The subject's hand from the frames' viewpoint ([`MediaPipeOptions::viewpoint`]);
    /// H2O/SHARP's left and right.
    pub hand: Hand,
    /// Probability of `hand` according to the model.
    pub score: f32,
    /// The label as MediaPipe reports it (mirrored-selfie convention).
    pub mediapipe_label: Hand,
}

/// One hand found in a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DetectedHand {
    /// 21 landmarks in pixels of the frame, MediaPipe order (= H2O order).
    pub landmarks_px: [Vec2; JOINTS_PER_HAND],
    /// 21 landmarks normalised as MediaPipe reports them: x / width, y / height, and z
    /// the depth relative to the wrist in the scale of x (smaller = nearer).
    pub landmarks: [Vec3; JOINTS_PER_HAND],
    /// 21 landmarks in metres, centred on the hand, axes of the image (x right, y
    /// down, z away from the camera).
    pub world_landmarks_m: [Vec3; JOINTS_PER_HAND],
    /// Probability that this is a hand (above [`MediaPipeOptions::min_presence`]).
    pub presence: f32,
    /// Left or right.
    pub handedness: Handedness,
    /// The ROI the landmarks were computed in.
    pub roi: NormRect,
    /// Whether that ROI came from a palm detection or from tracking.
    pub roi_source: RoiSource,
    /// Time the landmark model took for this hand (crop, inference, decoding).
    pub landmark_time: Duration,
}

impl DetectedHand {
    /// The wrist pixel in the image described by `intrinsics` (which may have another
    /// resolution than the processed frame).
    pub fn wrist_pixel(&self, intrinsics: &CameraIntrinsics) -> Vec2 {
        let wrist = self.landmarks[MEDIAPIPE_TO_H2O[0]];
        Vec2::new(
            wrist.x * intrinsics.width as f32,
            wrist.y * intrinsics.height as f32,
        )
    }

    /// This hand in camera space (millimetres, H2O joint order), its wrist at `depth`;
    /// see [`place_hand`].
    pub fn place(
        &self,
        depth: RootDepth,
        intrinsics: &CameraIntrinsics,
    ) -> Option<(HandJoints, RootPlacement)> {
        place_hand(
            &self.world_landmarks_m,
            self.wrist_pixel(intrinsics),
            depth,
            intrinsics,
        )
    }
}

/// Everything MediaPipe Hands found in one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct HandsResult {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Present hands, at most [`MediaPipeOptions::max_hands`], in MediaPipe's order.
    pub hands: Vec<DetectedHand>,
    /// This frame's palm detections (after NMS, at most `max_hands`); `None` when
    /// detection did not run because enough hands were tracked.
    pub palm_detections: Option<Vec<PalmDetection>>,
    /// Time of palm detection, when it ran.
    pub palm_time: Option<Duration>,
}

/// The MediaPipe Hands pipeline: two sessions and the tracking state.
pub struct MediaPipeHands {
    palm_session: Session,
    landmark_session: Session,
    detector: PalmDetector,
    landmark_model: LandmarkModel,
    tracker: Tracker,
    options: MediaPipeOptions,
}

impl std::fmt::Debug for MediaPipeHands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaPipeHands")
            .field("options", &self.options)
            .field("tracked", &self.tracker.tracked().len())
            .finish_non_exhaustive()
    }
}

impl MediaPipeHands {
    /// A pipeline on a palm detection and a hand landmark session; both are checked
    /// against the converted models' interfaces.
    pub fn new(
        palm_session: Session,
        landmark_session: Session,
        options: MediaPipeOptions,
    ) -> Result<Self, MediaPipeError> {
        PalmDetector::check(&palm_session)?;
        LandmarkModel::check(&landmark_session)?;
        Ok(Self {
            palm_session,
            landmark_session,
            detector: PalmDetector::new(),
            landmark_model: LandmarkModel::new(),
            tracker: Tracker::default(),
            options,
        })
    }

    /// The current settings.
    pub fn options(&self) -> &MediaPipeOptions {
        &self.options
    }

    /// Changes the settings; switching static-image mode on or off forgets the tracked
    /// hands.
    pub fn set_options(&mut self, options: MediaPipeOptions) {
        if options.static_image_mode != self.options.static_image_mode {
            self.tracker.reset();
        }
        self.options = options;
    }

    /// Forgets the tracked hands (call on a seek or a new video).
    pub fn reset(&mut self) {
        self.tracker.reset();
    }

    /// ROIs that the next frame will start from (empty in static-image mode).
    pub fn tracked_rois(&self) -> &[NormRect] {
        self.tracker.tracked()
    }

    /// Finds the hands in one RGB frame.
    pub fn process(&mut self, frame: &RgbImage) -> Result<HandsResult, MediaPipeError> {
        let (width, height) = frame.dimensions();
        if width == 0 || height == 0 {
            return Err(MediaPipeError::EmptyFrame { width, height });
        }
        let options = self.options;
        let max_hands = options.max_hands.max(1);
        let (palm_detections, palm_time) = if self
            .tracker
            .needs_detection(options.static_image_mode, max_hands)
        {
            let started = Instant::now();
            let mut palms = self.detector.detect(
                &mut self.palm_session,
                frame,
                options.min_detection_confidence,
            )?;
            palms.truncate(max_hands);
            (Some(palms), Some(started.elapsed()))
        } else {
            (None, None)
        };
        let palm_rois: Vec<NormRect> = palm_detections
            .iter()
            .flatten()
            .map(|d| roi_from_palm(d, width, height))
            .collect();
        let tracked: &[NormRect] = if options.static_image_mode {
            &[]
        } else {
            self.tracker.tracked()
        };
        let rois = associate(&palm_rois, tracked, ASSOCIATION_IOU);

        let mut hands = Vec::with_capacity(rois.len());
        let mut next_rois = Vec::with_capacity(rois.len());
        for (roi, roi_source) in rois {
            let started = Instant::now();
            let found = self
                .landmark_model
                .run(&mut self.landmark_session, frame, &roi)?;
            if f64::from(found.presence) <= f64::from(options.min_presence) {
                continue;
            }
            next_rois.push(roi_from_landmarks(&found.normalized_xy(), width, height));
            hands.push(detected_hand(
                &found,
                roi,
                roi_source,
                frame,
                &options,
                started.elapsed(),
            ));
        }
        if options.static_image_mode {
            self.tracker.reset();
        } else {
            self.tracker.update(next_rois);
        }
        Ok(HandsResult {
            width,
            height,
            hands,
            palm_detections,
            palm_time,
        })
    }
}

fn detected_hand(
    found: &HandLandmarks,
    roi: NormRect,
    roi_source: RoiSource,
    frame: &RgbImage,
    options: &MediaPipeOptions,
    landmark_time: Duration,
) -> DetectedHand {
    let size = Vec2::new(frame.width() as f32, frame.height() as f32);
    let hand = if options.viewpoint.keeps_mediapipe_label() {
        found.mediapipe_label
    } else {
        found.mediapipe_label.other()
    };
    DetectedHand {
        landmarks_px: found.landmarks.map(|p| Vec2::new(p.x, p.y) * size),
        landmarks: found.landmarks,
        world_landmarks_m: found.world_landmarks,
        presence: found.presence,
        handedness: Handedness {
            hand,
            score: found.label_score,
            mediapipe_label: found.mediapipe_label,
        },
        roi,
        roi_source,
        landmark_time,
    }
}
