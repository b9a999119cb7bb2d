//! The worker thread: loads the models, runs the SHARP chain (with either pose backend) on each frame and colours
//! the depth maps for display. A frame whose runs were stopped through [`RunCancel`]
//! (the timeline was dragged on) yields no result; it is analysed again on
//! [`WorkerCommand::Resume`] unless a newer frame came meanwhile. Commands queued during
//! an analysis are applied together and cost one analysis (a dragged depth-range slider
//! sends dozens), so settings are latest-wins like frames. While a live camera is
//! open, each analysed frame's pose goes to the source thread, which writes it next to
//! the frame when a recording runs, whether or not the UI ever shows that result.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use image::RgbImage;

use super::Repaint;
use super::messages::{FrameResult, PipelineEvent, SourceGeneration, ToAnalyse};
use super::source_thread::LivePose;
use crate::chain::{FrameProcessor, FrameReport, ProcessSettings, Stage};
use crate::channel::{LatestReceiver, LatestSender};
use crate::infer::{InferOptions, ModelPaths, ModelSet, RunCancel};
use crate::mask::{MaskEngine, MaskPreference};
use crate::source::{Frame, own_pose_from_prediction};
use crate::viz::DepthColormap;

/// How the worker sets itself up.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Where the three models are.
    pub models: ModelPaths,
    /// Execution provider and threads for ONNX Runtime.
    pub infer: InferOptions,
    /// GPU or CPU masking.
    pub mask: MaskPreference,
}

/// Commands the worker obeys.
pub(super) enum WorkerCommand {
    /// New processing settings; the current frame is processed again.
    Settings(ProcessSettings),
    /// Load the models from these paths; the current frame is processed again.
    LoadModels(ModelPaths),
    /// A new source opened: forget the old one's caches and size the action window;
    /// `live` sources (cameras) have their poses recorded; `kind` picks the source's
    /// viewpoint for MediaPipe's handedness.
    StartSource {
        fps: f32,
        live: bool,
        kind: crate::source::SourceKind,
    },
    /// Analysis may go on: the current frame is analysed again if its run was stopped.
    Resume,
}

/// The last frame, kept so a settings change re-runs it without reading it again.
struct Current {
    frame: Frame,
    /// The opening of the source it comes from; its results carry it.
    generation: SourceGeneration,
    depth_view: Option<Arc<RgbImage>>,
    /// Whether its result was delivered (false when its runs were stopped).
    analysed: bool,
}

/// What the worker receives from and sends to the other threads.
pub(super) struct WorkerLinks {
    /// Frames to analyse (newest wins).
    pub frames: LatestReceiver<ToAnalyse>,
    /// Commands from the UI and the source thread.
    pub commands: Receiver<WorkerCommand>,
    /// Results for the UI (newest wins).
    pub results: LatestSender<FrameResult>,
    /// Live frames' poses, for the source thread's recorder.
    pub poses: Sender<LivePose>,
    /// Notices for the UI.
    pub events: Sender<PipelineEvent>,
    /// Stops the models' runs while analysis is held.
    pub cancel: RunCancel,
    /// Wakes the UI.
    pub repaint: Repaint,
}

/// Runs until its frame input or command channel closes.
pub(super) fn run(links: WorkerLinks, mut settings: ProcessSettings, options: WorkerOptions) {
    let WorkerLinks {
        frames,
        commands,
        results,
        poses,
        events,
        cancel,
        repaint,
    } = links;
    let engine = MaskEngine::new(options.mask);
    let infer = options.infer;
    let loader = Loader {
        infer,
        cancel: cancel.clone(),
        events,
    };
    let models = loader.load(&options.models);
    repaint();
    let mut processor = FrameProcessor::new(engine, models);
    let mut current: Option<Current> = None;
    let mut delivery = Delivery {
        results,
        poses,
        cancel,
        live: false,
    };
    loop {
        select! {
            recv(frames.as_receiver()) -> message => {
                let Ok(ToAnalyse { frame, seek, generation }) = message else { break };
                // Commands sent before this frame (a new source, say) apply to it.
                for command in commands.try_iter() {
                    apply(command, &mut processor, &mut settings, &mut current, &loader, &mut delivery);
                }
                let started = Instant::now();
                let depth_view = frame
                    .depth_mm
                    .as_ref()
                    .map(|depth| Arc::new(DepthColormap::default().colorize_mm(depth)));
                let view_time = started.elapsed();
                let mut fresh = Current { frame, generation, depth_view, analysed: false };
                analyse(&mut processor, &mut fresh, view_time, settings, seek.requested, &delivery);
                current = Some(fresh);
            }
            recv(commands) -> message => {
                let Ok(command) = message else { break };
                // Settings win like frames do: every command queued while the last
                // analysis ran is applied, then the frame is analysed once, with the
                // newest settings, instead of once per queued change.
                let mut rerun = false;
                for command in std::iter::once(command).chain(commands.try_iter()) {
                    rerun |= apply(command, &mut processor, &mut settings, &mut current, &loader, &mut delivery);
                }
                // A newer frame waiting is analysed with these settings by the frame
                // branch; analysing the old one first would only delay it.
                let newer_frame_waiting = !frames.as_receiver().is_empty();
                if rerun
                    && !newer_frame_waiting
                    && let Some(current) = &mut current
                {
                    analyse(&mut processor, current, Duration::ZERO, settings, Instant::now(), &delivery);
                }
            }
        }
        repaint();
    }
}

/// Where analysed frames go.
struct Delivery {
    /// Results for the UI (newest wins).
    results: LatestSender<FrameResult>,
    /// Live frames' poses, for the source thread's recorder.
    poses: Sender<LivePose>,
    /// Tells whether a result's runs were stopped.
    cancel: RunCancel,
    /// Whether the open source is a live camera.
    live: bool,
}

impl Delivery {
    /// Sends a complete result to the UI and, from a live camera, its pose to the
    /// recorder. Returns false (and sends nothing) when the runs were stopped meanwhile:
    /// the result would be stale and incomplete.
    fn deliver(&self, result: FrameResult) -> bool {
        if self.cancel.is_cancelled() {
            return false;
        }
        if self.live
            && let Some(pose) = &result.processed.pose
        {
            let live_pose = LivePose {
                capture: u64::from(result.frame.number),
                pose: own_pose_from_prediction(
                    &pose.prediction,
                    pose.frame_size,
                    result.frame.rgb.dimensions(),
                ),
                masked: result.settings.mask.range.is_some(),
            };
            // The source thread going away ends the pipeline anyway.
            let _ = self.poses.send(live_pose);
        }
        self.results.send(result);
        true
    }
}

/// Runs the chain on `current` and delivers the result.
fn analyse(
    processor: &mut FrameProcessor,
    current: &mut Current,
    depth_view_time: Duration,
    settings: ProcessSettings,
    requested: Instant,
    delivery: &Delivery,
) {
    let result = process(processor, current, depth_view_time, settings, requested);
    current.analysed = delivery.deliver(result);
}

/// Loads model sets and reports their states.
struct Loader {
    infer: InferOptions,
    cancel: RunCancel,
    events: Sender<PipelineEvent>,
}

impl Loader {
    fn load(&self, paths: &ModelPaths) -> ModelSet {
        let mut models = ModelSet::load(paths, &self.infer);
        models.set_cancel(&self.cancel);
        let _ = self
            .events
            .send(PipelineEvent::Models(models.statuses().to_vec()));
        let _ = self
            .events
            .send(PipelineEvent::Hands(models.hands_status()));
        models
    }
}

/// Applies a command; returns whether the current frame should be processed again.
fn apply(
    command: WorkerCommand,
    processor: &mut FrameProcessor,
    settings: &mut ProcessSettings,
    current: &mut Option<Current>,
    loader: &Loader,
    delivery: &mut Delivery,
) -> bool {
    match command {
        WorkerCommand::Settings(new_settings) => {
            let changed = *settings != new_settings;
            *settings = new_settings;
            changed
        }
        WorkerCommand::LoadModels(paths) => {
            processor.set_models(loader.load(&paths));
            true
        }
        WorkerCommand::StartSource { fps, live, kind } => {
            processor.start_source(fps);
            processor.set_source_kind(kind);
            delivery.live = live;
            *current = None;
            false
        }
        WorkerCommand::Resume => current.as_ref().is_some_and(|current| !current.analysed),
    }
}

/// Runs the chain on `current`'s frame and assembles the result; `depth_view_time` is
/// the time already spent colouring the ground-truth depth.
fn process(
    processor: &mut FrameProcessor,
    current: &Current,
    depth_view_time: Duration,
    settings: ProcessSettings,
    requested: Instant,
) -> FrameResult {
    let frame = &current.frame;
    let depth_view = current.depth_view.clone();
    let processed = processor.process(frame, &settings);
    let started = Instant::now();
    let pseudo_depth_view = processed
        .pseudo_depth
        .as_ref()
        .map(|depth| Arc::new(DepthColormap::colorize_inverse8(depth)));
    let mut timings = vec![(Stage::Read, frame.read_time)];
    timings.extend(processed.timings.iter().copied());
    let view_time = depth_view_time + started.elapsed();
    if depth_view.is_some() || pseudo_depth_view.is_some() {
        timings.push((Stage::DepthView, view_time));
    }
    // Annotations that cannot be read leave the frame without its ground truth.
    let mut problems = FrameReport::default();
    for problem in &frame.annotations.problems {
        problems.error(problem.clone());
    }
    problems.extend(&processed.problems);
    FrameResult {
        frame: frame.clone(),
        generation: current.generation,
        depth_view,
        pseudo_depth_view,
        settings,
        timings,
        latency: requested.elapsed(),
        problems,
        mask_backend: processor.mask_backend().to_string(),
        processed,
    }
}
