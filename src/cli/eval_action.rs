//! `sharp-viewer eval-action ROOT --split val|test`: accuracy and confusion matrix on a
//! labelled split; the CodaLab submission (`action_labels.json` and its zip) on the test
//! split.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::eval_args::{SUMMARY_FILE, remove_old_summary};
use super::{EngineArgs, EvalArgs};
use crate::batch::write_atomic;
use crate::dataset::Split;
use crate::eval::{ConfusionMatrix, HandSource, SUBMISSION_JSON, Submission, classify_segments};
use crate::infer::{ModelKind, ModelSet};

/// Classifies the split's segments and writes the results into `out`.
pub fn run(
    root: &Path,
    split: Split,
    hands: &HandSource,
    engine: &EngineArgs,
    args: &EvalArgs,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    remove_old_summary(out)?;
    println!("{}", args.intrinsics_line());
    let worker = engine.worker_options();
    let mut models = ModelSet::load_only(&worker.models, &worker.infer, &[ModelKind::Action]);
    let status = models.statuses()[2].1.clone();
    let model = models
        .action
        .ready_mut()
        .with_context(|| format!("the action model is not usable: {status:?}"))?;
    let bar = super::progress_bar(0, "segments");
    let evaluation =
        classify_segments(root, split, hands, args.intrinsics, model, |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })?;
    bar.finish_and_clear();
    if !args.may_write(&evaluation.skipped, "segments or split lines") {
        return Ok(ExitCode::FAILURE);
    }
    let predictions = evaluation.predictions;

    let mut table = csv::Writer::from_writer(Vec::new());
    for prediction in &predictions {
        table.serialize(prediction)?;
    }
    save(&out.join("predictions.csv"), &table.into_inner()?)?;

    let labelled: Vec<(u32, u32)> = predictions
        .iter()
        .filter_map(|prediction| prediction.truth.map(|truth| (truth, prediction.predicted)))
        .collect();
    if labelled.is_empty() {
        let submission = Submission {
            actions: predictions
                .iter()
                .map(|prediction| (prediction.id, prediction.predicted))
                .collect(),
        };
        save(&out.join(SUBMISSION_JSON), submission.to_json().as_bytes())?;
        save(&out.join("submission.zip"), &submission.to_zip()?)?;
        println!(
            "{} segments classified; CodaLab submission: {}",
            predictions.len(),
            out.join("submission.zip").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut matrix = ConfusionMatrix::default();
    for (truth, predicted) in labelled {
        matrix
            .add(truth, predicted)
            .map_err(|message| anyhow::anyhow!("{}: {message}", split.action_file_name()))?;
    }
    save(&out.join("confusion.csv"), matrix.to_csv()?.as_bytes())?;
    let accuracy = matrix.accuracy().unwrap_or(0.0);
    let summary = serde_json::json!({
        "split": split.name(),
        "hands": match hands {
            HandSource::GroundTruth => "ground truth".to_owned(),
            HandSource::Predicted(folder) => folder.clone(),
        },
        "intrinsics": args.intrinsics,
        "left_out": evaluation.skipped.counts_json(),
        "left_out_examples": evaluation.skipped.items().iter().take(20).collect::<Vec<_>>(),
        "intrinsics_description": args.intrinsics.describe(),
        "segments": matrix.total(),
        "correct": matrix.correct(),
        "accuracy": accuracy,
        "recall_per_class": matrix.recall_per_class(),
    });
    save(
        &out.join(SUMMARY_FILE),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    println!(
        "{} split: {} of {} segments correct, accuracy {:.2}%; tables in {}",
        split.name(),
        matrix.correct(),
        matrix.total(),
        accuracy * 100.0,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn save(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic(path, bytes).with_context(|| format!("{}: cannot write", path.display()))
}
