//! The worker thread: loads the models, runs the SHARP chain on each frame and colours
//! the depth maps for display.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use image::RgbImage;

use super::Repaint;
use super::latest::{LatestReceiver, LatestSender};
use super::messages::{FrameResult, PipelineEvent, Seek, Stage};
use super::processor::{FrameProcessor, ProcessSettings};
use crate::infer::{InferOptions, ModelPaths, ModelSet};
use crate::mask::{MaskEngine, MaskPreference};
use crate::source::Frame;
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
    /// A new source opened: forget the old one's caches and size the action window.
    StartSource { fps: f32 },
}

/// The last frame, kept so a settings change re-runs it without reading it again.
struct Current {
    frame: Frame,
    depth_view: Option<Arc<RgbImage>>,
}

/// Runs until its frame input or command channel closes.
pub(super) fn run(
    frames: LatestReceiver<(Frame, Seek)>,
    commands: Receiver<WorkerCommand>,
    results: LatestSender<FrameResult>,
    events: Sender<PipelineEvent>,
    mut settings: ProcessSettings,
    options: WorkerOptions,
    repaint: Repaint,
) {
    let engine = MaskEngine::new(options.mask);
    let infer = options.infer;
    let models = load_models(&options.models, &infer, &events);
    repaint();
    let mut processor = FrameProcessor::new(engine, models);
    let mut current: Option<Current> = None;
    loop {
        select! {
            recv(frames.as_receiver()) -> message => {
                let Ok((frame, seek)) = message else { break };
                // Commands sent before this frame (a new source, say) apply to it.
                for command in commands.try_iter() {
                    apply(command, &mut processor, &mut settings, &mut current, &infer, &events);
                }
                let started = Instant::now();
                let depth_view = frame
                    .depth_mm
                    .as_ref()
                    .map(|depth| Arc::new(DepthColormap::default().colorize_mm(depth)));
                let view_time = started.elapsed();
                results.send(process(&mut processor, &frame, depth_view.clone(), view_time, settings, seek.requested));
                current = Some(Current { frame, depth_view });
            }
            recv(commands) -> message => {
                let Ok(command) = message else { break };
                if apply(command, &mut processor, &mut settings, &mut current, &infer, &events) {
                    if let Some(current) = &current {
                        results.send(process(
                            &mut processor,
                            &current.frame,
                            current.depth_view.clone(),
                            Duration::ZERO,
                            settings,
                            Instant::now(),
                        ));
                    }
                }
            }
        }
        repaint();
    }
}

/// Applies a command; returns whether the current frame should be processed again.
fn apply(
    command: WorkerCommand,
    processor: &mut FrameProcessor,
    settings: &mut ProcessSettings,
    current: &mut Option<Current>,
    infer: &InferOptions,
    events: &Sender<PipelineEvent>,
) -> bool {
    match command {
        WorkerCommand::Settings(new_settings) => {
            let changed = *settings != new_settings;
            *settings = new_settings;
            changed
        }
        WorkerCommand::LoadModels(paths) => {
            processor.set_models(load_models(&paths, infer, events));
            true
        }
        WorkerCommand::StartSource { fps } => {
            processor.start_source(fps);
            *current = None;
            false
        }
    }
}

fn load_models(
    paths: &ModelPaths,
    infer: &InferOptions,
    events: &Sender<PipelineEvent>,
) -> ModelSet {
    let models = ModelSet::load(paths, infer);
    let _ = events.send(PipelineEvent::Models(models.statuses().to_vec()));
    models
}

/// Runs the chain and assembles the result; `depth_view_time` is the time already spent
/// colouring the ground-truth depth.
fn process(
    processor: &mut FrameProcessor,
    frame: &Frame,
    depth_view: Option<Arc<RgbImage>>,
    depth_view_time: Duration,
    settings: ProcessSettings,
    requested: Instant,
) -> FrameResult {
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
    let mut problems = frame.annotations.problems.clone();
    problems.extend(processed.problems.iter().cloned());
    FrameResult {
        frame: frame.clone(),
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
