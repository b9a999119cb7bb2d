//! `sharp-viewer bench-scrub PATH`: drives the real pipeline the way the viewer does
//! while the timeline is dragged (one seek and one poll per UI frame) and reports how
//! many distinct frames reached the RGB panel per second (previews), and how many went
//! through the whole chain (results).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::EngineArgs;
use crate::chain::Stage;
use crate::pipeline::{FrameResult, Pipeline, PipelineEvent, Preview, SourceSpec};
use crate::source::{IntrinsicsChoice, PathKind, classify_path};
use crate::ui::ViewerSettings;

/// Options of `bench-scrub`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A take folder or a video file.
    pub path: PathBuf,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 4.0)]
    pub seconds: f32,
    /// UI frame rate simulated (one seek and one poll per frame).
    #[arg(long, default_value_t = 60.0)]
    pub ui_hz: f32,
    /// Frame cache budget, MiB.
    #[arg(long, default_value_t = 512)]
    pub cache_mb: usize,
    /// Hold analysis during the drag and random-seek scenarios, as the viewer does
    /// when a frame takes longer to analyse than 33 ms (only the frames are shown).
    #[arg(long)]
    pub hold_while_dragging: bool,
    /// Models and execution (without models only reading, masking and display run).
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// How the play head moves per UI frame.
#[derive(Clone, Copy, Debug)]
enum Motion {
    /// Playback at the source rate (30 fps).
    Play,
    /// Dragging: `n` frames per UI frame, back and forth.
    Drag(usize),
    /// A new random position every UI frame.
    Random,
}

impl Motion {
    fn label(self) -> String {
        match self {
            Motion::Play => "playback 1x".into(),
            Motion::Drag(step) => format!("drag {step} frame(s)/UI frame"),
            Motion::Random => "random seeks".into(),
        }
    }
}

struct Measured {
    shown: usize,
    analysed: usize,
    elapsed: Duration,
    hit_rate: f64,
    decoded: u64,
    latencies: Vec<Duration>,
    decode_times: Vec<Duration>,
    worker_times: Vec<Duration>,
    peak_cache_mib: f64,
}

/// Runs every scenario on a freshly opened source (cold cache) and prints a table.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let spec = match classify_path(&args.path) {
        PathKind::Take => SourceSpec::Take(args.path.clone()),
        PathKind::Video => SourceSpec::Video {
            path: args.path.clone(),
            intrinsics: IntrinsicsChoice::H2oScaled,
        },
        _ => anyhow::bail!("{}: not a take folder or a video", args.path.display()),
    };
    let settings = ViewerSettings::default();
    let pipeline = Pipeline::spawn(
        settings.process_settings(),
        args.engine.worker_options(),
        Arc::new(|| {}),
    )
    .context("cannot start the pipeline")?;
    pipeline.set_cache_budget(args.cache_mb << 20);
    wait_for_models(&pipeline)?;
    println!(
        "{} | {:.0} Hz UI | cache {} MiB | {} CPU(s) | cold cache per scenario | analysis {}",
        args.path.display(),
        args.ui_hz,
        args.cache_mb,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if args.hold_while_dragging {
            "held while dragging"
        } else {
            "on every frame it can take"
        }
    );
    println!(
        "{:<28} {:>10} {:>13} {:>9} {:>9} {:>9} {:>10} {:>10} {:>8} {:>10}",
        "scenario",
        "shown fps",
        "analysed fps",
        "hit rate",
        "lat p50",
        "lat p90",
        "decode p50",
        "worker p50",
        "decoded",
        "cache MiB"
    );
    for motion in [
        Motion::Play,
        Motion::Drag(1),
        Motion::Drag(3),
        Motion::Random,
    ] {
        let frame_count = open(&pipeline, &spec)?;
        let measured = scenario(&pipeline, motion, frame_count, args)?;
        let seconds = measured.elapsed.as_secs_f64();
        println!(
            "{:<28} {:>10.1} {:>13.1} {:>8.0}% {:>7.1}ms {:>7.1}ms {:>8.1}ms {:>8.1}ms {:>8} {:>10.0}",
            motion.label(),
            measured.shown as f64 / seconds,
            measured.analysed as f64 / seconds,
            measured.hit_rate * 100.0,
            percentile_ms(measured.latencies.clone(), 50),
            percentile_ms(measured.latencies, 90),
            percentile_ms(measured.decode_times, 50),
            percentile_ms(measured.worker_times, 50),
            measured.decoded,
            measured.peak_cache_mib
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The `percent`-th percentile (nearest rank) in milliseconds (NaN when empty).
fn percentile_ms(values: Vec<Duration>, percent: u32) -> f64 {
    crate::percentile::nearest_rank(&crate::percentile::sorted(values), percent)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

/// Waits until the worker has loaded the models (loading the real networks takes seconds
/// of both cores, which would otherwise count against the first scenarios).
fn wait_for_models(pipeline: &Pipeline) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        if pipeline
            .events()
            .iter()
            .any(|event| matches!(event, PipelineEvent::Hands(_)))
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    anyhow::bail!("the models did not load within ten minutes")
}

/// Opens `spec` and waits for it; returns its frame count.
fn open(pipeline: &Pipeline, spec: &SourceSpec) -> anyhow::Result<usize> {
    pipeline.open(spec.clone());
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        for event in pipeline.events() {
            match event {
                PipelineEvent::Opened { info, .. } if info.frame_count > 0 => {
                    return Ok(info.frame_count);
                }
                PipelineEvent::Opened { .. } => anyhow::bail!("the source has no frames"),
                PipelineEvent::OpenFailed(message) => anyhow::bail!(message),
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    anyhow::bail!("the source did not open within two minutes")
}

fn scenario(
    pipeline: &Pipeline,
    motion: Motion,
    frame_count: usize,
    args: &BenchArgs,
) -> anyhow::Result<Measured> {
    let tick = Duration::from_secs_f32(1.0 / args.ui_hz.max(1.0));
    let before = pipeline.scrub_stats();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut position = 0usize;
    let mut forward = true;
    let mut shown = 0usize;
    let mut last_shown = None;
    let mut analysed = 0usize;
    let mut last_analysed = None;
    let mut latencies = Vec::new();
    let mut decode_times = Vec::new();
    let mut worker_times = Vec::new();
    let mut peak_cache = 0usize;
    let started = Instant::now();
    let duration = Duration::from_secs_f32(args.seconds);
    let mut next_tick = started;
    let hold = args.hold_while_dragging && !matches!(motion, Motion::Play);
    pipeline.hold_analysis(hold);
    pipeline.seek(0);
    while started.elapsed() < duration {
        if let Some(Preview { frame, latency, .. }) = pipeline.try_preview()
            && last_shown != Some(frame.position)
        {
            last_shown = Some(frame.position);
            shown += 1;
            latencies.push(latency);
            decode_times.push(frame.read_time);
        }
        if let Some(FrameResult { frame, timings, .. }) = pipeline.try_result()
            && last_analysed != Some(frame.position)
        {
            last_analysed = Some(frame.position);
            analysed += 1;
            worker_times.push(
                timings
                    .iter()
                    .filter(|(stage, _)| *stage != Stage::Read)
                    .map(|(_, time)| *time)
                    .sum(),
            );
        }
        for event in pipeline.events() {
            if let PipelineEvent::FrameFailed { message, .. } = event {
                anyhow::bail!("a frame failed: {message}");
            }
        }
        let target = match motion {
            Motion::Play => (started.elapsed().as_secs_f64() * 30.0) as usize % frame_count,
            Motion::Drag(step) => {
                let last = frame_count - 1;
                if forward && position + step > last {
                    forward = false;
                } else if !forward && position < step {
                    forward = true;
                }
                if forward {
                    position + step
                } else {
                    position - step
                }
            }
            Motion::Random => (rng.next() % frame_count as u64) as usize,
        };
        if target != position || matches!(motion, Motion::Random) {
            position = target;
            pipeline.seek(position);
        }
        peak_cache = peak_cache.max(pipeline.scrub_stats().cache.bytes);
        next_tick += tick;
        std::thread::sleep(next_tick.saturating_duration_since(Instant::now()));
    }
    pipeline.hold_analysis(false);
    let after = pipeline.scrub_stats();
    let hits = after.cache.hits - before.cache.hits.min(after.cache.hits);
    let misses = after.cache.misses - before.cache.misses.min(after.cache.misses);
    Ok(Measured {
        shown,
        analysed,
        elapsed: started.elapsed(),
        hit_rate: hits as f64 / (hits + misses).max(1) as f64,
        decoded: after.decoded,
        latencies,
        decode_times,
        worker_times,
        peak_cache_mib: peak_cache as f64 / f64::from(1 << 20),
    })
}

/// A tiny deterministic generator for the random seeks.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
