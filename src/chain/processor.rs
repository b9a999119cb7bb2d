//! SHARP's per-frame chain: pseudo-depth -> range mask -> 3D hand pose (SHARP or
//! MediaPipe Hands, [`ProcessSettings::pose_backend`]) -> action. One [`FrameProcessor`] is
//! owned by one thread: the viewer's worker, a batch command, the benchmark or figure
//! export.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use image::{GrayImage, RgbImage};

use super::depth_ahead::{AheadJob, DepthAheadThread};
use super::depth_cache::DepthCache;
use super::hands_pose::{HandsSettings, PoseBackend, mediapipe_pose};
use super::report::FrameReport;
use super::settings::{ACTION_WINDOW_SECONDS, ActionInput, MaskSettings, ProcessSettings};
use super::stage::Stage;
use super::temporal_state::TemporalState;
use crate::infer::mediapipe::{HandsModel, RootPlacement, Viewpoint};
use crate::infer::{
    ActionFrame, ActionPrediction, FrameSize, InferError, ModelKind, ModelSet, ModelSlot,
    ObjectBox, PoseModel, PosePrediction, SlidingWindow, decode_pose,
};
use crate::mask::{
    DepthInput, DepthUnit, JointCoverage, MaskBackend, MaskEngine, MaskError, joint_coverage,
};
use crate::source::{Frame, SourceKind};

/// Why the depth network gave no map for a frame.
#[derive(Debug, thiserror::Error)]
enum DepthRunError {
    /// The depth model is not loaded (or is lent to the look-ahead thread).
    #[error("the depth model is not loaded")]
    NotLoaded,
    /// Its input tensor could not be made.
    #[error(transparent)]
    Input(#[from] MaskError),
    /// The network failed.
    #[error(transparent)]
    Run(#[from] InferError),
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

/// The pose backend's answer and the frame size its pixel coordinates refer to.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseOutcome {
    /// Keypoints, depths, 3D joints (mm, camera frame, H2O joint order) and presence.
    pub prediction: PosePrediction,
    /// The frame size `prediction.keypoints` are in (SHARP: the model's `frame_size`;
    /// MediaPipe: the intrinsics' image size).
    pub frame_size: FrameSize,
    /// Which backend produced it.
    pub backend: PoseBackend,
    /// How each hand's wrist was placed ([`Hand::index`](crate::geometry::Hand::index)
    /// order); `None` for SHARP, which predicts every joint's depth itself.
    pub roots: [Option<RootPlacement>; 2],
    /// How sure the backend is that each hand is the side it was given (MediaPipe: the
    /// handedness score; SHARP, whose two heads are one per side: the presence
    /// confidence). The identity tracker weighs labels by it.
    pub label_confidence: [f32; 2],
    /// Whether the joints were smoothed over time (and hand identities kept across
    /// frames) rather than being this frame's raw output.
    pub smoothed: bool,
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
    /// Why a requested range mask was not applied (the pose network then saw the whole
    /// frame, whatever the settings' range says); `None` when masking is off or applied.
    pub mask_skipped: Option<String>,
    /// The ground-truth hand joints the mask left for the pose network, when the frame
    /// was masked and has hand annotations.
    pub joint_coverage: Option<JointCoverage>,
    /// The decoded pose, when the pose network ran.
    pub pose: Option<PoseOutcome>,
    /// The action, once the window is full and the classifier is loaded.
    pub action: Option<ActionOutcome>,
    /// Frames in the action window so far, and its capacity.
    pub action_window: (usize, usize),
    /// Time per stage that ran.
    pub timings: Vec<(Stage, Duration)>,
    /// What could not be done or was worked around, with its severity.
    pub problems: FrameReport,
}

/// What [`FrameProcessor::mask`] gives: the frame as the pose network sees it, and
/// what the mask kept of it.
struct MaskedFrame {
    masked: Arc<RgbImage>,
    kept_fraction: f32,
    skipped: Option<String>,
    joint_coverage: Option<JointCoverage>,
    pose_input: Option<Vec<f32>>,
}

/// Owns the mask engine, the models and the per-source caches.
pub struct FrameProcessor {
    engine: MaskEngine,
    models: ModelSet,
    depth_cache: DepthCache,
    window: SlidingWindow<ActionFrame>,
    window_fps: f32,
    window_seconds: f32,
    last_number: Option<u32>,
    last_backend: Option<PoseBackend>,
    /// Smoothing filters and hand identities across frames.
    temporal: TemporalState,
    /// What the frames come from (picks MediaPipe's viewpoint).
    source_kind: SourceKind,
    /// Started on the first look-ahead.
    depth_ahead: Option<DepthAheadThread>,
}

/// How a frame relates to the one processed before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Continuity {
    /// The same timeline position again (a settings change).
    Repeated,
    /// The next frame, or one after a single dropped frame.
    Follows,
    /// Anything else: a seek, a new source, a backend switch.
    Jump,
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
            last_number: None,
            last_backend: None,
            temporal: TemporalState::new(),
            source_kind: SourceKind::default(),
            depth_ahead: None,
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
        self.temporal.reset();
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
        self.last_number = None;
        self.temporal.reset();
        if let Some(hands) = self.models.hands.ready_mut() {
            hands.hands_mut().reset();
        }
    }

    /// Says what the frames come from (default: a take): MediaPipe's handedness follows
    /// the viewpoint [`HandsSettings::viewpoints`] keeps for that kind of source.
    pub fn set_source_kind(&mut self, kind: SourceKind) {
        self.source_kind = kind;
    }

    /// Where `frame` stands relative to the previous one, by the source's frame numbers
    /// (a camera's capture sequence: its frames all sit at timeline position 0);
    /// remembers it. MediaPipe's tracking is reset on a jump.
    fn continuity(&mut self, frame: &Frame, backend: PoseBackend) -> Continuity {
        let continuity = match self.last_number {
            _ if self.last_backend != Some(backend) => Continuity::Jump,
            Some(last) if last == frame.number => Continuity::Repeated,
            Some(last) if frame.number > last && frame.number - last <= 2 => Continuity::Follows,
            _ => Continuity::Jump,
        };
        self.last_number = Some(frame.number);
        self.last_backend = Some(backend);
        if continuity == Continuity::Jump
            && let Some(hands) = self.models.hands.ready_mut()
        {
            hands.hands_mut().reset();
        }
        continuity
    }

    /// Makes the action window cover `seconds` at the source's rate (emptying it).
    fn resize_window(&mut self, seconds: f32) {
        self.window_seconds = seconds;
        self.window = SlidingWindow::for_duration(f64::from(seconds), f64::from(self.window_fps));
    }

    /// Runs the chain on `frame`.
    pub fn process(&mut self, frame: &Frame, settings: &ProcessSettings) -> Processed {
        self.process_ahead(frame, None, settings)
    }

    /// Runs the chain on `frame` and, while the pose network runs on it, the depth
    /// network on `next` (the frame that comes next, when the caller knows it), whose
    /// map then waits in the depth cache. On a GPU the two networks run side by side, so
    /// a stream of frames goes through at the pace of the slower network rather than of
    /// both. The look-ahead's time is reported as this frame's [`Stage::DepthAhead`].
    pub fn process_ahead(
        &mut self,
        frame: &Frame,
        next: Option<&Frame>,
        settings: &ProcessSettings,
    ) -> Processed {
        if settings.action_window_seconds != self.window_seconds {
            self.resize_window(settings.action_window_seconds);
        }
        let mut timings = Vec::new();
        let mut problems = FrameReport::default();

        let mediapipe = settings.pose_backend == PoseBackend::MediaPipe;
        let needs_pseudo = settings.needs_pseudo_depth();
        let pseudo_depth = if needs_pseudo {
            self.pseudo_depth(frame, &mut timings, &mut problems)
        } else {
            None
        };

        let started = Instant::now();
        let MaskedFrame {
            masked,
            kept_fraction,
            skipped: mask_skipped,
            joint_coverage,
            pose_input,
        } = self.mask(
            frame,
            settings.mask,
            pseudo_depth.as_deref(),
            !mediapipe,
            &mut problems,
        );
        timings.push((Stage::Mask, started.elapsed()));
        let continuity = self.continuity(frame, settings.pose_backend);

        // The look-ahead's input is made here; a failure is not reported now but when
        // that frame's turn comes and its depth is computed (and fails) again.
        let ahead_input = next
            .filter(|next| needs_pseudo && !self.depth_cache.contains(next.number))
            .and_then(|next| Some((next.number, self.depth_input(next).ok()?)));
        let lent =
            ahead_input.and_then(|(number, input)| self.lend_depth(number, input, &mut problems));
        let mut pose = match settings.pose_backend {
            PoseBackend::Sharp => {
                self.models
                    .pose
                    .ready_mut()
                    .zip(pose_input)
                    .and_then(|(model, input)| {
                        run_pose(model, frame, &input, &mut timings, &mut problems)
                    })
            }
            PoseBackend::MediaPipe => run_hands(
                self.models.hands.ready_mut(),
                frame,
                &masked,
                pseudo_depth.as_deref(),
                (
                    &settings.hands,
                    settings.hands.viewpoints.of(self.source_kind),
                ),
                &mut timings,
                &mut problems,
            ),
        };
        if let Some(path) = lent {
            self.take_back_depth(path, &mut timings, &mut problems);
        }
        if let Some(pose) = &mut pose {
            self.temporal.apply(
                pose,
                frame.number,
                self.window_fps,
                frame.annotations.hands.is_some(),
                &settings.smoothing,
            );
        }

        let action = self.action(
            frame,
            pose.as_ref(),
            settings.action_input,
            continuity,
            &mut timings,
            &mut problems,
        );

        Processed {
            pseudo_depth,
            masked,
            kept_fraction,
            mask_skipped,
            joint_coverage,
            pose,
            action,
            action_window: (self.window.len(), self.window.capacity()),
            timings,
            problems,
        }
    }

    /// Lends the depth model to the look-ahead thread for a run on frame `number`. Returns
    /// the model's file (to name it should the thread die) when it was lent.
    fn lend_depth(
        &mut self,
        number: u32,
        input: Vec<f32>,
        problems: &mut FrameReport,
    ) -> Option<PathBuf> {
        let path = self.models.depth.ready()?.info().path.clone();
        if self.depth_ahead.is_none() {
            match DepthAheadThread::start() {
                Ok(thread) => self.depth_ahead = Some(thread),
                Err(error) => {
                    problems.notice(format!(
                        "could not start the depth look-ahead thread: {error}"
                    ));
                    return None;
                }
            }
        }
        let thread = self.depth_ahead.as_ref()?;
        let lent = ModelSlot::Missing {
            expected_path: path.clone(),
            hint: "lent to the depth look-ahead thread".into(),
        };
        match std::mem::replace(&mut self.models.depth, lent) {
            ModelSlot::Ready(model) => match thread.submit(AheadJob {
                model,
                number,
                input,
            }) {
                Ok(()) => Some(path),
                Err(job) => {
                    self.models.depth = ModelSlot::Ready(job.model);
                    self.depth_ahead = None;
                    problems.notice("the depth look-ahead thread had stopped");
                    None
                }
            },
            other => {
                self.models.depth = other;
                None
            }
        }
    }

    /// Waits for the look-ahead run, puts the depth model back and caches the map. A failed
    /// run is not reported now but when that frame's turn comes and its depth is computed
    /// (and fails) again.
    fn take_back_depth(
        &mut self,
        path: PathBuf,
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut FrameReport,
    ) {
        match self.depth_ahead.as_ref().and_then(DepthAheadThread::wait) {
            Some(done) => {
                self.models.depth = ModelSlot::Ready(done.model);
                if let Ok(depth8) = done.depth {
                    self.depth_cache.insert(done.number, Arc::new(depth8));
                    timings.push((Stage::DepthAhead, done.took));
                }
            }
            None => {
                self.depth_ahead = None;
                let message = "the depth look-ahead thread panicked and took the depth model with \
                               it; load the models again";
                problems.error(message);
                self.models.depth = ModelSlot::Invalid {
                    path,
                    error: InferError::Run {
                        kind: ModelKind::Depth,
                        message: message.into(),
                    },
                };
            }
        }
    }

    /// The depth network's input for `frame`.
    fn depth_input(&mut self, frame: &Frame) -> Result<Vec<f32>, DepthRunError> {
        let spec = *self
            .models
            .depth
            .ready()
            .ok_or(DepthRunError::NotLoaded)?
            .preprocessing();
        Ok(self.engine.frame_tensor(&frame.rgb, &spec)?)
    }

    /// The frame's pseudo-depth, from the cache or by running the depth network.
    fn pseudo_depth(
        &mut self,
        frame: &Frame,
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut FrameReport,
    ) -> Option<Arc<GrayImage>> {
        if let Some(cached) = self.depth_cache.get(frame.number) {
            return Some(cached);
        }
        if self.models.depth.ready().is_none() {
            problems
                .error("pseudo-depth needs the depth model (not loaded; see the Models section)");
            return None;
        }
        let started = Instant::now();
        let depth = self.depth_input(frame).and_then(|input| {
            let model = self
                .models
                .depth
                .ready_mut()
                .ok_or(DepthRunError::NotLoaded)?;
            Ok(model.run(&input).map(|output| output.depth8)?)
        });
        timings.push((Stage::Depth, started.elapsed()));
        match depth {
            Ok(depth8) => {
                let depth8 = Arc::new(depth8);
                self.depth_cache.insert(frame.number, Arc::clone(&depth8));
                Some(depth8)
            }
            Err(error) => {
                problems.error(format!("depth network failed: {error}"));
                None
            }
        }
    }

    /// The frame as the pose network sees it, what the mask kept, and the pose network's
    /// input when it is loaded.
    fn mask(
        &mut self,
        frame: &Frame,
        settings: MaskSettings,
        pseudo_depth: Option<&GrayImage>,
        sharp_input: bool,
        problems: &mut FrameReport,
    ) -> MaskedFrame {
        let pose_spec = self
            .models
            .pose
            .ready()
            .filter(|_| sharp_input)
            .map(|model| *model.preprocessing());
        let mut skipped = None;
        let depth = settings.range.and_then(|_| match settings.depth {
            DepthUnit::Millimetres => {
                let depth = frame.depth_mm.as_deref().map(DepthInput::Millimetres);
                if depth.is_none() {
                    skipped = Some("this frame has no ground-truth depth".to_owned());
                }
                depth
            }
            DepthUnit::InverseDepth8 => {
                let depth = pseudo_depth.map(DepthInput::Inverse8);
                if depth.is_none() {
                    skipped = Some("no pseudo-depth (the depth model is not usable)".to_owned());
                }
                depth
            }
        });
        if let Some(depth) = depth {
            match self
                .engine
                .mask(&frame.rgb, depth, settings.range, pose_spec.as_ref())
            {
                Ok(output) => {
                    return MaskedFrame {
                        kept_fraction: output.kept_fraction(),
                        skipped: None,
                        joint_coverage: frame.annotations.hands.as_ref().map(|hands| {
                            joint_coverage(&frame.rgb, &output.masked, hands, &frame.intrinsics)
                        }),
                        masked: Arc::new(output.masked),
                        pose_input: output.pose_input,
                    };
                }
                Err(error) => skipped = Some(format!("masking failed: {error}")),
            }
        }
        if let Some(reason) = &skipped {
            problems.error(format!(
                "masking skipped: {reason}; the pose input is the whole frame"
            ));
        }
        let pose_input = pose_spec.and_then(|spec| {
            self.engine
                .frame_tensor(&frame.rgb, &spec)
                .map_err(|error| problems.error(format!("pose input failed: {error}")))
                .ok()
        });
        MaskedFrame {
            masked: Arc::clone(&frame.rgb),
            kept_fraction: 1.0,
            skipped,
            joint_coverage: None,
            pose_input,
        }
    }

    /// Adds the frame to the action window (restarting it after a jump) and classifies
    /// the window once it is full.
    fn action(
        &mut self,
        frame: &Frame,
        pose: Option<&PoseOutcome>,
        input: ActionInput,
        continuity: Continuity,
        timings: &mut Vec<(Stage, Duration)>,
        problems: &mut FrameReport,
    ) -> Option<ActionOutcome> {
        let object = frame
            .annotations
            .object
            .as_ref()
            .and_then(|object| ObjectBox::from_pose(object, &frame.intrinsics));
        let action_frame = match input {
            ActionInput::PredictedPoses => {
                pose.map(|pose| ActionFrame::from_pose(&pose.prediction, object))
            }
            ActionInput::GroundTruthPoses => frame.annotations.hands.as_ref().map(|hands| {
                ActionFrame::from_joints(
                    hands,
                    frame.annotations.object.as_ref(),
                    &frame.intrinsics,
                )
            }),
        };
        let repeated = continuity == Continuity::Repeated;
        if continuity == Continuity::Jump {
            self.window.clear();
        }
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
            ActionInput::PredictedPoses => pose.map(|pose| pose.frame_size),
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
            .map_err(|error| problems.error(format!("action network failed: {error}")))
            .ok();
        timings.push((Stage::Action, started.elapsed()));
        prediction.map(|prediction| ActionOutcome {
            prediction,
            input,
            window_frames: self.window.len(),
        })
    }
}

/// Runs the pose network on its prepared input and decodes the joints with the frame's
/// intrinsics scaled to the model's frame size.
fn run_pose(
    model: &mut PoseModel,
    frame: &Frame,
    input: &[f32],
    timings: &mut Vec<(Stage, Duration)>,
    problems: &mut FrameReport,
) -> Option<PoseOutcome> {
    let started = Instant::now();
    let frame_size = model.frame_size();
    let intrinsics = frame
        .intrinsics
        .scaled_to(frame_size.width, frame_size.height);
    let pose = model
        .run(input)
        .map(|raw| decode_pose(&raw, &intrinsics, frame_size))
        .map(|prediction| PoseOutcome {
            frame_size,
            backend: PoseBackend::Sharp,
            roots: [None; 2],
            label_confidence: prediction.presence.map(|presence| presence.confidence),
            smoothed: false,
            prediction,
        })
        .map_err(|error| problems.error(format!("pose network failed: {error}")))
        .ok();
    timings.push((Stage::Pose, started.elapsed()));
    pose
}

/// MediaPipe Hands on `image` (the masked frame), placed with `frame`'s depth.
fn run_hands(
    model: Option<&mut HandsModel>,
    frame: &Frame,
    image: &RgbImage,
    pseudo_depth: Option<&GrayImage>,
    (settings, viewpoint): (&HandsSettings, Viewpoint),
    timings: &mut Vec<(Stage, Duration)>,
    problems: &mut FrameReport,
) -> Option<PoseOutcome> {
    let Some(model) = model else {
        problems.error("MediaPipe Hands is not loaded (see the Models section); no pose");
        return None;
    };
    match mediapipe_pose(
        model,
        image,
        frame,
        pseudo_depth,
        (settings, viewpoint),
        problems,
    ) {
        Ok(run) => {
            if let Some(palm_time) = run.palm_time {
                timings.push((Stage::PalmDetection, palm_time));
            }
            timings.push((Stage::HandLandmarks, run.landmark_time));
            Some(run.pose)
        }
        Err(error) => {
            problems.error(format!("MediaPipe Hands failed: {error}"));
            None
        }
    }
}
