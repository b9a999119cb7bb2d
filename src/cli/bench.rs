//! `sharp-viewer bench PATH`: throughput and per-stage latency of the whole pipeline on a
//! take, as a table or as JSON.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::{EngineArgs, MaskArgs};
use crate::batch::write_atomic;
use crate::bench::{
    BenchOptions, BenchReport, JointDifference, JointsLog, LatencyStats, run_bench,
};

/// What to print and write besides the figures.
pub struct Output {
    /// JSON instead of a table.
    pub json: bool,
    /// Where to write the predicted joints.
    pub save_joints: Option<PathBuf>,
    /// An earlier run's joints to compare with.
    pub reference_joints: Option<PathBuf>,
}

/// Runs the bench on the first take under `path` and prints the report.
pub fn run(
    path: &Path,
    engine: &EngineArgs,
    mask: &MaskArgs,
    options: BenchOptions,
    output: Output,
) -> anyhow::Result<ExitCode> {
    let reference = output
        .reference_joints
        .as_deref()
        .map(read_joints)
        .transpose()?;
    let (mut source, mut processor, settings) = super::take_processor(path, None, engine, mask)?;
    let take = source.take().dir.clone();
    let bar = super::progress_bar((options.warmup + options.frames) as u64, "benchmarking");
    let report = run_bench(&mut source, &mut processor, &settings, options, |index| {
        bar.set_position(index as u64 + 1)
    })
    .with_context(|| format!("{}: reading frames failed", take.display()))?;
    bar.finish_and_clear();
    if let Some(file) = &output.save_joints {
        write_atomic(file, &serde_json::to_vec(&report.joints)?)
            .with_context(|| format!("{}: cannot write the joints", file.display()))?;
    }
    let difference = reference
        .as_ref()
        .map(|reference| JointDifference::between(&report.joints, reference));
    if output.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(object) = value.as_object_mut() {
            if let Some(difference) = difference {
                object.insert("joint_difference".into(), serde_json::to_value(difference)?);
            }
            object.insert("mask".into(), mask.describe().into());
            object.insert(
                "provider_request".into(),
                format!("{:?}", engine.provider).to_lowercase().into(),
            );
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_table(&report, &mask.describe());
        match difference {
            Some(Some(d)) => println!(
                "joints against the reference run: mean {:.3} mm, max {:.3} mm over {} frames",
                d.mean_mm, d.max_mm, d.frames
            ),
            Some(None) => println!("joints against the reference run: no frame in common"),
            None => {}
        }
    }
    // A model that is there but could not be used changes what was measured: say so and
    // fail, so that no script takes the figures for the whole pipeline's.
    let invalid: Vec<_> = report
        .models
        .iter()
        .filter(|model| model.state == "invalid")
        .collect();
    for model in &invalid {
        eprintln!(
            "error: the {} model {} could not be used: {}",
            model.kind, model.path, model.detail
        );
    }
    Ok(if invalid.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An earlier run's `--save-joints` file.
fn read_joints(path: &Path) -> anyhow::Result<JointsLog> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not a joints file written by `bench --save-joints`",
            path.display()
        )
    })
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
