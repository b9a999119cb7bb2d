//! `sharp-viewer eval-pose ROOT --split test`: SHARP's MPJPE (left / right / mean), 2D EPE
//! and PCK / AUC of the predicted pose files, per take and overall, printed and written as
//! CSV and JSON.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::EvalArgs;
use super::eval_args::{SUMMARY_FILE, remove_old_summary};
use crate::batch::write_atomic;
use crate::dataset::Split;
use crate::eval::{
    HANDEDNESS_WARNING, HandednessTally, OverTime, PCK_THRESHOLD, PoseEvaluation, PoseSummary,
    evaluate_poses,
};
use crate::temporal::SmoothingParams;

/// Scores `cam4/<folder>` of every frame of `split` (smoothed over time first with
/// `smooth`) and writes the tables into `out`.
pub fn run(
    root: &Path,
    split: Split,
    folder: &str,
    out: &Path,
    args: &EvalArgs,
    smooth: bool,
) -> anyhow::Result<ExitCode> {
    remove_old_summary(out)?;
    let smoothing = smooth.then(SmoothingParams::default);
    let evaluation = evaluate_poses(root, split, folder, args.intrinsics, smoothing)?;
    if !args.may_write(&evaluation.skipped, "frames or split lines") {
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "{} split, poses from cam4/{folder}{}",
        split.name(),
        if smooth {
            ", smoothed over time (One Euro, MediaPipe's settings)"
        } else {
            ""
        }
    );
    println!("{}", args.intrinsics_line());
    println!(
        "{:<28} {:>7} {:>10} {:>10} {:>10} {:>9} {:>7} {:>7}",
        "take", "frames", "left mm", "right mm", "mean mm", "EPE px", "PCK", "AUC"
    );
    for (take, tally) in &evaluation.takes {
        print_row(take, &tally.summary());
    }
    print_row("overall", &evaluation.summary());
    let overall = evaluation.summary();
    print_handedness(&evaluation.handedness);
    print_jitter(&evaluation.over_time);
    for (hand, other, summary) in [
        ("left", "right", &overall.left),
        ("right", "left", &overall.right),
    ] {
        if summary.evaluated == 0 {
            println!(
                "the {hand} hand never counted (no frame where it is annotated and predicted \
                 present): its metrics are \"no frames\" and the mean is the {other} hand's alone"
            );
        }
    }
    write_outputs(&evaluation, split, folder, args, out)?;
    println!("tables written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints how often the predicted labels name the annotated hand, with a warning when
/// The jitter of the scored joints, or why there is none.
fn print_jitter(over_time: &OverTime) {
    match (over_time.jitter_3d.mean(), over_time.jitter_2d.mean()) {
        (Some(jitter_3d), Some(jitter_2d)) => println!(
            "jitter (mean frame-to-frame joint acceleration): {jitter_3d:.3} mm/frame^2 in 3D, \
             {jitter_2d:.3} px/frame^2 in 2D, over {} joint samples",
            over_time.jitter_3d.samples()
        ),
        _ => println!("jitter: no hand predicted in three consecutive frames"),
    }
}

/// they look swapped or random.
fn print_handedness(tally: &HandednessTally) {
    let Some(agreement) = tally.agreement() else {
        println!("handedness agreement: no predicted hand in an annotated frame");
        return;
    };
    println!(
        "handedness agreement: {:.1}% ({} of {} predicted hands lie nearest the annotated hand \
         of their label)",
        agreement * 100.0,
        tally.agreeing,
        tally.compared
    );
    if agreement < HANDEDNESS_WARNING {
        println!(
            "warning: handedness agreement below {:.0}%: left and right may be swapped or \
             guessed (MediaPipe: check the source's viewpoint)",
            HANDEDNESS_WARNING * 100.0
        );
    }
}

fn print_row(name: &str, summary: &PoseSummary) {
    let cell = |value: Option<f64>, digits: usize| match value {
        Some(value) => format!("{value:.digits$}"),
        None => "no frames".to_owned(),
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

/// `summary.json`, `per_take.csv` and `frames.csv` in `out`.
fn write_outputs(
    evaluation: &PoseEvaluation,
    split: Split,
    folder: &str,
    args: &EvalArgs,
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
        "intrinsics": args.intrinsics,
        "intrinsics_description": args.intrinsics.describe(),
        "pck_threshold": PCK_THRESHOLD,
        "frames_scored": evaluation.frames.len(),
        "smoothed": evaluation.over_time.smoothed,
        "jitter_3d_mm_per_frame2": evaluation.over_time.jitter_3d.mean(),
        "jitter_2d_px_per_frame2": evaluation.over_time.jitter_2d.mean(),
        "handedness": {
            "compared": evaluation.handedness.compared,
            "agreeing": evaluation.handedness.agreeing,
            "agreement": evaluation.handedness.agreement(),
        },
        "left_out": evaluation.skipped.counts_json(),
        "left_out_examples": evaluation.skipped.items().iter().take(20).collect::<Vec<_>>(),
        "overall": evaluation.summary(),
        "takes": takes,
    });

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

    // The summary goes last: it exists only when the whole set was written.
    let path = out.join(SUMMARY_FILE);
    write_atomic(&path, serde_json::to_string_pretty(&json)?.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// A CSV cell: the number, or empty when undefined.
fn number(value: Option<f64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}
