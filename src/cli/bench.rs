//! `sharp-viewer bench PATH`: throughput and per-stage latency of the whole pipeline on a
//! take, as a table or as JSON.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::bench::{BenchOptions, BenchReport, LatencyStats, run_bench};
use crate::dataset::discover_takes;
use crate::infer::ModelSet;
use crate::mask::MaskEngine;
use crate::pipeline::{ActionInput, FrameProcessor, PoseBackend};
use crate::source::TakeSource;

/// Runs the bench on the first take under `path` and prints the report.
pub fn run(
    path: &Path,
    engine: &EngineArgs,
    mask: &MaskArgs,
    options: BenchOptions,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let take = discover_takes(path)?
        .into_iter()
        .next()
        .with_context(|| format!("{}: no take", path.display()))?;
    let mut source = TakeSource::open(&take)
        .with_context(|| format!("{}: cannot open the take", take.display()))?;
    let worker = engine.worker_options();
    let models = ModelSet::load(&worker.models, &worker.infer);
    let mut processor = FrameProcessor::new(MaskEngine::new(worker.mask), models);
    let settings = mask.process_settings(
        true,
        ActionInput::PredictedPoses,
        engine.pose_backend().unwrap_or(PoseBackend::Sharp),
    );
    let bar = super::progress_bar((options.warmup + options.frames) as u64, "benchmarking");
    let report = run_bench(&mut source, &mut processor, &settings, options, |index| {
        bar.set_position(index as u64 + 1)
    })
    .with_context(|| format!("{}: reading frames failed", take.display()))?;
    bar.finish_and_clear();
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("mask".into(), mask.describe().into());
            object.insert(
                "provider_request".into(),
                format!("{:?}", engine.provider).to_lowercase().into(),
            );
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_table(&report, &mask.describe());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(report: &BenchReport, mask: &str) {
    println!("source: {}", report.source);
    println!("mask: {mask}; masking on {}", report.mask_backend);
    for model in &report.models {
        match &model.provider {
            Some(provider) => println!(
                "{} model: {} on {provider} ({})",
                model.kind, model.path, model.detail
            ),
            None => println!("{} model: {} ({})", model.kind, model.state, model.path),
        }
    }
    println!(
        "{} frames after {} warm-up: {:.2} s, {:.2} frames/s",
        report.frames, report.warmup, report.wall_seconds, report.throughput_fps
    );
    println!(
        "{:<12} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "stage", "frames", "mean ms", "median ms", "p90 ms", "p99 ms"
    );
    let rows = report
        .stages
        .iter()
        .map(|stage| (stage.stage, &stage.stats))
        .chain(report.total.as_ref().map(|total| ("whole frame", total)));
    for (name, stats) in rows {
        print_row(name, stats);
    }
    for (problem, frames) in &report.problems {
        println!("problem on {frames} frame(s): {problem}");
    }
}

fn print_row(name: &str, stats: &LatencyStats) {
    println!(
        "{name:<12} {:>7} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
        stats.count, stats.mean_ms, stats.median_ms, stats.p90_ms, stats.p99_ms
    );
}
