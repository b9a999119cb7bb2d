//! `sharp-viewer eval-pose ROOT --split test`: SHARP's MPJPE (left / right / mean), 2D EPE
//! and PCK / AUC of the predicted pose files, per take and overall, printed and written as
//! CSV and JSON.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::batch::write_atomic;
use crate::dataset::Split;
use crate::eval::{PCK_THRESHOLD, PoseEvaluation, PoseSummary, evaluate_poses};
use crate::temporal::SmoothingParams;

/// Scores `cam4/<folder>` of every frame of `split` (smoothed over time first with
/// `smooth`) and writes the tables into `out`.
pub fn run(
    root: &Path,
    split: Split,
    folder: &str,
    out: &Path,
    smooth: bool,
) -> anyhow::Result<ExitCode> {
    let evaluation = evaluate_poses(root, split, folder, smooth.then(SmoothingParams::default))?;
    println!(
        "{} split, poses from cam4/{folder}{}",
        split.name(),
        if smooth {
            ", smoothed over time (One Euro, MediaPipe's settings)"
        } else {
            ""
        }
    );
    println!(
        "{:<28} {:>7} {:>10} {:>10} {:>10} {:>9} {:>7} {:>7}",
        "take", "frames", "left mm", "right mm", "mean mm", "EPE px", "PCK", "AUC"
    );
    for (take, tally) in &evaluation.takes {
        print_row(take, &tally.summary());
    }
    print_row("overall", &evaluation.summary());
    print_jitter(&evaluation);
    write_outputs(&evaluation, split, folder, out)?;
    println!("tables written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn print_row(name: &str, summary: &PoseSummary) {
    let cell = |value: Option<f64>, digits: usize| match value {
        Some(value) => format!("{value:.digits$}"),
        None => "-".to_owned(),
    };
    println!(
        "{name:<28} {:>7} {:>10} {:>10} {:>10} {:>9} {:>7} {:>7}",
        summary.frames,
        cell(summary.left.mpjpe_mm, 2),
        cell(summary.right.mpjpe_mm, 2),
        cell(summary.mpjpe_mm, 2),
        cell(summary.epe_2d_px, 2),
        cell(summary.pck, 3),
        cell(summary.auc, 3),
    );
}

/// The jitter of the scored joints, or why there is none.
fn print_jitter(evaluation: &PoseEvaluation) {
    match (evaluation.jitter_3d.mean(), evaluation.jitter_2d.mean()) {
        (Some(jitter_3d), Some(jitter_2d)) => println!(
            "jitter (mean frame-to-frame joint acceleration): {jitter_3d:.3} mm/frame^2 in 3D, \
             {jitter_2d:.3} px/frame^2 in 2D, over {} joint samples",
            evaluation.jitter_3d.samples()
        ),
        _ => println!("jitter: no hand predicted in three consecutive frames"),
    }
}

/// `summary.json`, `per_take.csv` and `frames.csv` in `out`.
fn write_outputs(
    evaluation: &PoseEvaluation,
    split: Split,
    folder: &str,
    out: &Path,
) -> anyhow::Result<()> {
    let takes: Vec<serde_json::Value> = evaluation
        .takes
        .iter()
        .map(|(take, tally)| serde_json::json!({ "take": take, "metrics": tally.summary() }))
        .collect();
    let json = serde_json::json!({
        "split": split.name(),
        "poses": folder,
        "pck_threshold": PCK_THRESHOLD,
        "smoothed": evaluation.smoothed,
        "jitter_3d_mm_per_frame2": evaluation.jitter_3d.mean(),
        "jitter_2d_px_per_frame2": evaluation.jitter_2d.mean(),
        "overall": evaluation.summary(),
        "takes": takes,
    });
    let path = out.join("summary.json");
    write_atomic(&path, serde_json::to_string_pretty(&json)?.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;

    let mut per_take = csv::Writer::from_writer(Vec::new());
    per_take.write_record([
        "take",
        "frames",
        "left_frames",
        "right_frames",
        "left_mpjpe_mm",
        "right_mpjpe_mm",
        "mean_mpjpe_mm",
        "epe_2d_px",
        "pck",
        "auc",
    ])?;
    let rows = evaluation
        .takes
        .iter()
        .map(|(take, tally)| (take.as_str(), tally.summary()))
        .chain(std::iter::once(("overall", evaluation.summary())));
    for (take, summary) in rows {
        per_take.write_record([
            take.to_owned(),
            summary.frames.to_string(),
            summary.left.evaluated.to_string(),
            summary.right.evaluated.to_string(),
            number(summary.left.mpjpe_mm),
            number(summary.right.mpjpe_mm),
            number(summary.mpjpe_mm),
            number(summary.epe_2d_px),
            number(summary.pck),
            number(summary.auc),
        ])?;
    }
    let path = out.join("per_take.csv");
    write_atomic(&path, &per_take.into_inner()?)
        .with_context(|| format!("{}: cannot write", path.display()))?;

    let mut frames = csv::Writer::from_writer(Vec::new());
    for row in &evaluation.frames {
        frames.serialize(row)?;
    }
    let path = out.join("frames.csv");
    write_atomic(&path, &frames.into_inner()?)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// A CSV cell: the number, or empty when undefined.
fn number(value: Option<f64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}
