//! The whole-pipeline benchmark: frames of a source through one [`FrameProcessor`],
//! with throughput and per-stage latency.

mod stats;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use stats::LatencyStats;

use crate::infer::ModelStatus;
use crate::pipeline::{FrameProcessor, ProcessSettings, Stage};
use crate::source::{FrameSource, SourceError};

/// How long to run.
#[derive(Clone, Copy, Debug)]
pub struct BenchOptions {
    /// Timed frames (the take is looped when shorter).
    pub frames: usize,
    /// Untimed frames first (allocations, GPU kernels, caches).
    pub warmup: usize,
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
}

/// Stages in pipeline order.
const STAGES: [Stage; 5] = [
    Stage::Read,
    Stage::Depth,
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
        let frame = source.read(position)?;
        let processed = processor.process(&frame, settings);
        let total = started.elapsed();
        if index >= options.warmup {
            totals.push(total);
            let read = std::iter::once((Stage::Read, frame.read_time));
            for (stage, time) in read.chain(processed.timings.iter().copied()) {
                if let Some(slot) = STAGES.iter().position(|known| *known == stage) {
                    per_stage.entry(slot).or_default().push(time);
                }
            }
            for problem in processed.problems {
                *problems.entry(problem).or_insert(0) += 1;
            }
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
