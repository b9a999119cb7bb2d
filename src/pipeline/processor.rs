//! SHARP's per-frame chain: pseudo-depth -> range mask -> 3D hand pose -> action. One
//! [`FrameProcessor`] is owned by one thread: the viewer's worker, or a batch command.

use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{GrayImage, RgbImage};

use super::depth_cache::DepthCache;
use super::messages::{MaskSettings, Stage};
use crate::infer::{
    ActionFrame, ActionPrediction, FrameSize, ModelSet, ObjectBox, PosePrediction, SlidingWindow,
    decode_pose,
};
use crate::mask::{DepthInput, DepthUnit, MaskBackend, MaskEngine};
use crate::source::Frame;

/// Seconds of frames the live action window covers by default.
pub const ACTION_WINDOW_SECONDS: f32 = 2.0;

/// Which hand poses feed the action classifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ActionInput {
    /// The pose network's predictions (what a live demo has).
    PredictedPoses,
    /// The take's ground-truth `hand_pose` annotations (SHARP's `gt_hand_pose`).
    GroundTruthPoses,
}

/// What to compute for a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessSettings {
    /// How to mask the pose network's input.
    pub mask: MaskSettings,
    /// Run the depth network even when the mask does not need it, to show pseudo-depth.
    pub estimate_depth: bool,
    /// Which poses the action classifier reads.
    pub action_input: ActionInput,
    /// Seconds of consecutive frames the action window covers.
    pub action_window_seconds: f32,
}

/// The action classifier's answer and what it was computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionOutcome {
    /// Probabilities and top five.
    pub prediction: ActionPrediction,
    /// Which poses were used.
    pub input: ActionInput,
    /// How many consecutive frames the window spanned.
    pub window_frames: usize,
}

/// The pose network's answer and the frame size its pixel coordinates refer to.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseOutcome {
    /// Keypoints, depths, 3D joints (mm) and presence.
    pub prediction: PosePrediction,
    /// The frame size `prediction.keypoints` are in (the model's `frame_size`).
    pub frame_size: FrameSize,
}

/// Everything computed for one frame.
#[derive(Clone, Debug)]
pub struct Processed {
    /// SHARP's 8-bit pseudo-depth (384x384), when the depth network ran or was cached.
    pub pseudo_depth: Option<Arc<GrayImage>>,
    /// The frame as the pose network sees it.
    pub masked: Arc<RgbImage>,
    /// Fraction of pixels kept by the mask.
    pub kept_fraction: f32,
    /// The decoded pose, when the pose network ran.
    pub pose: Option<PoseOutcome>,
    /// The action, once the window is full and the classifier is loaded.
    pub action: Option<ActionOutcome>,
    /// Frames in the action window so far, and its capacity.
    pub action_window: (usize, usize),
    /// Time per stage that ran.
    pub timings: Vec<(Stage, Duration)>,
    /// What could not be done, one message each.
    pub problems: Vec<String>,
}

/// Owns the mask engine, the models and the per-source caches.
pub struct FrameProcessor {
    engine: MaskEngine,
    models: ModelSet,
    depth_cache: DepthCache,
    window: SlidingWindow<ActionFrame>,
    window_fps: f32,
    window_seconds: f32,
    last_position: Option<usize>,
}

impl FrameProcessor {
    /// A processor with these models and mask engine.
    pub fn new(engine: MaskEngine, models: ModelSet) -> Self {
        Self {
            engine,
            models,
            depth_cache: DepthCache::default(),
            window: SlidingWindow::for_duration(f64::from(ACTION_WINDOW_SECONDS), 30.0),
            window_fps: 30.0,
            window_seconds: ACTION_WINDOW_SECONDS,
            last_position: None,
        }
    }

    /// The loaded models.
    pub fn models(&self) -> &ModelSet {
        &self.models
    }

    /// Replaces the models; cached depth from the old depth model is dropped.
    pub fn set_models(&mut self, models: ModelSet) {
        self.models = models;
        self.depth_cache.clear();
        self.window.clear();
    }

    /// Where masking runs.
    pub fn mask_backend(&self) -> &MaskBackend {
        self.engine.backend()
    }

    /// Forgets everything tied to the current source (a new source opened), and sizes
    /// the action window for a source running at `fps`.
    pub fn start_source(&mut self, fps: f32) {
        self.depth_cache.clear();
        self.window_fps = fps.max(1.0);
        self.resize_window(self.window_seconds);
        self.last_position = None;
    }

    /// Makes the action window cover `seconds` at the source's rate (emptying it).
    fn resize_window(&mut self, seconds: f32) {
        self.window_seconds = seconds;
        self.window = SlidingWindow::for_duration(f64::from(seconds), f64::from(self.window_fps));
    }

    /// Runs the chain on `frame`.
    pub fn process(&mut self, frame: &Frame, settings: &ProcessSettings) -> Processed {
        if settings.action_window_seconds != self.window_seconds {
            self.resize_window(settings.action_window_seconds);
        }
        let mut timings = Vec::new();
        let mut problems = Vec::new();

        let needs_pseudo = settings.estimate_depth
            || (settings.mask.depth == DepthUnit::InverseDepth8 && settings.mask.range.is_some());
        let pseudo_depth = if needs_pseudo {
            self.pseudo_depth(frame, &mut timings, &mut problems)
        } else {
            None
        };

        let started = Instant::now();
        let (masked, kept_fraction, pose_input) =
            self.mask(frame, settings.mask, pseudo_depth.as_deref(), &mut problems);
        timings.push((Stage::Mask, started.elapsed()));

        let pose =
            pose_input.and_then(|input| self.pose(frame, &input, &mut timings, &mut problems));
        let action = self.action(
            frame,
            pose.as_ref().map(|pose| &pose.prediction),
            settings.action_input,
            &mut timings,
            &mut problems,
        );

        Processed {
            pseudo_depth,
            masked,
            kept_fraction,
            pose,
            action,
            action_window: (self.window.len(), self.window.capacity()),
            timings,
            problems,
        }
    }

    /// The frame's pseudo-depth, from the cache or by running the depth network.
    fn pseudo_depth(
        &mut self,
        frame: &Frame,
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut Vec<String>,
    ) -> Option<Arc<GrayImage>> {
        if let Some(cached) = self.depth_cache.get(frame.number) {
            return Some(cached);
        }
        let Some(model) = self.models.depth.ready_mut() else {
            problems.push(
                "pseudo-depth needs the depth model (not loaded; see the Models section)".into(),
            );
            return None;
        };
        let started = Instant::now();
        let spec = *model.preprocessing();
        let depth = self
            .engine
            .frame_tensor(&frame.rgb, &spec)
            .map_err(|error| error.to_string())
            .and_then(|input| model.run(&input).map_err(|error| error.to_string()));
        timings.push((Stage::Depth, started.elapsed()));
        match depth {
            Ok(output) => {
                let depth8 = Arc::new(output.depth8);
                self.depth_cache.insert(frame.number, Arc::clone(&depth8));
                Some(depth8)
            }
            Err(message) => {
                problems.push(format!("depth network failed: {message}"));
                None
            }
        }
    }

    /// The masked frame, the kept fraction, and the pose network's input when it is loaded.
    fn mask(
        &mut self,
        frame: &Frame,
        settings: MaskSettings,
        pseudo_depth: Option<&GrayImage>,
        problems: &mut Vec<String>,
    ) -> (Arc<RgbImage>, f32, Option<Vec<f32>>) {
        let pose_spec = self.models.pose.ready().map(|model| *model.preprocessing());
        let depth = settings.range.and_then(|_| match settings.depth {
            DepthUnit::Millimetres => {
                let depth = frame.depth_mm.as_deref().map(DepthInput::Millimetres);
                if depth.is_none() {
                    problems.push("masking skipped: this frame has no ground-truth depth".into());
                }
                depth
            }
            DepthUnit::InverseDepth8 => pseudo_depth.map(DepthInput::Inverse8),
        });
        if let Some(depth) = depth {
            match self
                .engine
                .mask(&frame.rgb, depth, settings.range, pose_spec.as_ref())
            {
                Ok(output) => {
                    let kept = output.kept_fraction();
                    return (Arc::new(output.masked), kept, output.pose_input);
                }
                Err(error) => problems.push(format!("masking failed: {error}")),
            }
        }
        let pose_input = pose_spec.and_then(|spec| {
            self.engine
                .frame_tensor(&frame.rgb, &spec)
                .map_err(|error| problems.push(format!("pose input failed: {error}")))
                .ok()
        });
        (Arc::clone(&frame.rgb), 1.0, pose_input)
    }

    fn pose(
        &mut self,
        frame: &Frame,
        input: &[f32],
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut Vec<String>,
    ) -> Option<PoseOutcome> {
        let model = self.models.pose.ready_mut()?;
        let started = Instant::now();
        let frame_size = model.frame_size();
        let result = model.run(input);
        let intrinsics = frame
            .intrinsics
            .scaled_to(frame_size.width, frame_size.height);
        let pose = result
            .map(|raw| PoseOutcome {
                prediction: decode_pose(&raw, &intrinsics, frame_size),
                frame_size,
            })
            .map_err(|error| problems.push(format!("pose network failed: {error}")))
            .ok();
        timings.push((Stage::Pose, started.elapsed()));
        pose
    }

    /// Adds the frame to the action window (restarting it after a jump) and classifies
    /// the window once it is full.
    fn action(
        &mut self,
        frame: &Frame,
        pose: Option<&PosePrediction>,
        input: ActionInput,
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut Vec<String>,
    ) -> Option<ActionOutcome> {
        let object = frame
            .annotations
            .object
            .as_ref()
            .and_then(|object| ObjectBox::from_pose(object, &frame.intrinsics));
        let action_frame = match input {
            ActionInput::PredictedPoses => pose.map(|pose| ActionFrame::from_pose(pose, object)),
            ActionInput::GroundTruthPoses => frame.annotations.hands.as_ref().map(|hands| {
                ActionFrame::from_joints(
                    hands,
                    frame.annotations.object.as_ref(),
                    &frame.intrinsics,
                )
            }),
        };
        let follows = self
            .last_position
            .is_some_and(|last| frame.position > last && frame.position - last <= 2);
        let repeated = self.last_position == Some(frame.position);
        if !follows && !repeated {
            self.window.clear();
        }
        self.last_position = Some(frame.position);
        match action_frame {
            Some(action_frame) if !repeated => self.window.push(action_frame),
            Some(_) => {}
            None => {
                self.window.clear();
                return None;
            }
        }
        let model = self.models.action.ready_mut()?;
        let window = self.window.sample()?;
        let frame_size = match input {
            ActionInput::PredictedPoses => self.models.pose.ready().map(|model| model.frame_size()),
            ActionInput::GroundTruthPoses => None,
        }
        .unwrap_or(FrameSize {
            width: frame.intrinsics.width,
            height: frame.intrinsics.height,
        });
        let features = window.map(|frame| frame.features(frame_size));
        let started = Instant::now();
        let prediction = model
            .run(&features)
            .map_err(|error| problems.push(format!("action network failed: {error}")))
            .ok();
        timings.push((Stage::Action, started.elapsed()));
        prediction.map(|prediction| ActionOutcome {
            prediction,
            input,
            window_frames: self.window.len(),
        })
    }
}
