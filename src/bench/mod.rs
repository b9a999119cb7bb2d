//! The whole-pipeline benchmark: frames of a source through one [`FrameProcessor`],
//! with throughput and per-stage latency.

mod stats;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use stats::LatencyStats;

use crate::chain::{FrameProcessor, ProcessSettings, Stage};
use crate::infer::ModelStatus;
use crate::source::{FrameSource, SourceError};

/// How long to run, and how.
#[derive(Clone, Copy, Debug)]
pub struct BenchOptions {
    /// Timed frames (the take is looped when shorter).
    pub frames: usize,
    /// Untimed frames first (allocations, GPU kernels, caches).
    pub warmup: usize,
    /// Decode the whole take before timing, so the figures are for processing alone (a
    /// live source decodes on its own thread); otherwise reading is timed too.
    pub preload: bool,
    /// Run the depth network on the next frame beside this frame's pose network
    /// ([`FrameProcessor::process_ahead`]).
    pub ahead: bool,
}

/// The predicted 3D joints of every timed frame (42 per frame, mm; `None` where the pose
/// network did not run), to compare two runs (fp32 against fp16).
pub type JointsLog = Vec<Option<Vec<[f32; 3]>>>;

/// How far one run's joints are from another's on the same frames.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct JointDifference {
    /// Frames both runs predicted.
    pub frames: usize,
    /// Mean joint distance over those frames and all 42 joints, mm.
    pub mean_mm: f64,
    /// Largest single joint distance, mm.
    pub max_mm: f64,
    /// Joints left out because either run's value is not finite (an fp16 overflow).
    pub non_finite: usize,
}

impl JointDifference {
    /// Compares `run` with `reference`, frame by frame; `None` when no frame has both.
    pub fn between(run: &JointsLog, reference: &JointsLog) -> Option<Self> {
        let (mut frames, mut sum, mut count, mut max, mut non_finite) = (0, 0.0, 0usize, 0.0f64, 0);
        for (a, b) in run.iter().zip(reference) {
            let (Some(a), Some(b)) = (a, b) else { continue };
            frames += 1;
            for (p, q) in a.iter().zip(b) {
                let d = f64::from(glam::Vec3::from(*p).distance(glam::Vec3::from(*q)));
                if !d.is_finite() {
                    non_finite += 1;
                    continue;
                }
                sum += d;
                count += 1;
                max = max.max(d);
            }
        }
        (frames > 0).then(|| Self {
            frames,
            mean_mm: if count > 0 {
                sum / count as f64
            } else {
                f64::NAN
            },
            max_mm: max,
            non_finite,
        })
    }
}

/// One model as the bench found it.
#[derive(Clone, Debug, Serialize)]
pub struct ModelReport {
    /// `depth`, `pose` or `action`.
    pub kind: String,
    /// The file.
    pub path: String,
    /// `ready`, `missing` or `invalid`.
    pub state: &'static str,
    /// The execution provider that runs it (`CPU`, `CUDA`), when ready.
    pub provider: Option<String>,
    /// Provider details (request, fallback reason, node placement) or why it is not ready.
    pub detail: String,
}

/// The latency of one stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageReport {
    /// Stage name.
    pub stage: &'static str,
    /// Its latency; `count` says on how many frames it ran.
    #[serde(flatten)]
    pub stats: LatencyStats,
}

/// What a bench run measured.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// The source's name.
    pub source: String,
    /// Timed frames.
    pub frames: usize,
    /// Untimed warm-up frames.
    pub warmup: usize,
    /// Where masking ran.
    pub mask_backend: String,
    /// The three models.
    pub models: Vec<ModelReport>,
    /// Wall time of the timed frames.
    pub wall_seconds: f64,
    /// Timed frames per second of wall time, reading included.
    pub throughput_fps: f64,
    /// Per frame, from reading to the last stage.
    pub total: Option<LatencyStats>,
    /// Per stage, in pipeline order; a stage that never ran is absent.
    pub stages: Vec<StageReport>,
    /// Problems the pipeline reported, with how many frames had each.
    pub problems: BTreeMap<String, usize>,
    /// Whether frames were decoded before timing (then `read` is not a timed stage).
    pub preloaded: bool,
    /// Whether the depth network ran one frame ahead, beside the pose network.
    pub depth_ahead: bool,
    /// The timed frames' predicted joints.
    #[serde(skip)]
    pub joints: JointsLog,
}

/// Stages in pipeline order.
const STAGES: [Stage; 6] = [
    Stage::Read,
    Stage::Depth,
    Stage::DepthAhead,
    Stage::Mask,
    Stage::Pose,
    Stage::Action,
];

/// Runs `options.warmup` then `options.frames` frames of `source` through `processor`.
pub fn run_bench(
    source: &mut dyn FrameSource,
    processor: &mut FrameProcessor,
    settings: &ProcessSettings,
    options: BenchOptions,
    mut on_frame: impl FnMut(usize),
) -> Result<BenchReport, SourceError> {
    let count = source.info().frame_count;
    if count == 0 {
        return Err(SourceError::OutOfRange {
            position: 0,
            count: 0,
        });
    }
    let fps = source.info().fps;
    processor.start_source(fps);
    let mut per_stage: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    let mut totals = Vec::with_capacity(options.frames);
    let mut problems = BTreeMap::new();
    let mut joints = Vec::with_capacity(options.frames);
    let preloaded = if options.preload {
        (0..count)
            .map(|position| source.read(position))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    let mut timed_started = Instant::now();
    for index in 0..options.warmup + options.frames {
        if index == options.warmup {
            timed_started = Instant::now();
        }
        let position = index % count;
        if position == 0 && index > 0 {
            // Looping: forget cached pseudo-depth so every timed frame runs every stage.
            processor.start_source(fps);
        }
        let started = Instant::now();
        let read;
        let frame = match preloaded.get(position) {
            Some(frame) => frame,
            None => {
                read = source.read(position)?;
                &read
            }
        };
        // The last frame of a loop has no next one (the loop restarts the cache).
        let next = preloaded.get(position + 1).filter(|_| options.ahead);
        let processed = processor.process_ahead(frame, next, settings);
        let total = started.elapsed();
        if index >= options.warmup {
            totals.push(total);
            let read = (!options.preload).then_some((Stage::Read, frame.read_time));
            for (stage, time) in read.into_iter().chain(processed.timings.iter().copied()) {
                if let Some(slot) = STAGES.iter().position(|known| *known == stage) {
                    per_stage.entry(slot).or_default().push(time);
                }
            }
            for problem in processed.problems.iter() {
                *problems.entry(problem.message.clone()).or_insert(0) += 1;
            }
            joints.push(processed.pose.map(|pose| {
                pose.prediction
                    .joints_mm
                    .iter()
                    .map(|joint| joint.to_array())
                    .collect()
            }));
        }
        on_frame(index);
    }
    let wall = timed_started.elapsed().as_secs_f64();
    Ok(BenchReport {
        source: source.info().name.clone(),
        frames: options.frames,
        warmup: options.warmup,
        mask_backend: processor.mask_backend().to_string(),
        models: model_reports(processor),
        wall_seconds: wall,
        throughput_fps: if wall > 0.0 {
            options.frames as f64 / wall
        } else {
            0.0
        },
        total: LatencyStats::of(&totals),
        stages: per_stage
            .into_iter()
            .filter_map(|(slot, times)| {
                Some(StageReport {
                    stage: STAGES[slot].label(),
                    stats: LatencyStats::of(&times)?,
                })
            })
            .collect(),
        problems,
        preloaded: options.preload,
        depth_ahead: options.ahead,
        joints,
    })
}

fn model_reports(processor: &FrameProcessor) -> Vec<ModelReport> {
    processor
        .models()
        .statuses()
        .into_iter()
        .map(|(kind, status)| match status {
            ModelStatus::Missing { path, hint } => ModelReport {
                kind: kind.to_string(),
                path: path.display().to_string(),
                state: "missing",
                provider: None,
                detail: hint,
            },
            ModelStatus::Invalid { path, message } => ModelReport {
                kind: kind.to_string(),
                path: path.display().to_string(),
                state: "invalid",
                provider: None,
                detail: message,
            },
            ModelStatus::Ready(info) => ModelReport {
                kind: kind.to_string(),
                path: info.path.display().to_string(),
                state: "ready",
                provider: Some(info.provider.active.to_string()),
                detail: format!("{}; weights: {}", info.provider, info.source),
            },
        })
        .collect()
}
