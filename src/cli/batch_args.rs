//! Arguments and reporting shared by the batch commands (`depth`, `poses`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::batch::{BatchSummary, FrameJob, Shard};
use crate::dataset::Split;

/// Which frames of which dataset.
#[derive(Clone, Debug, Args)]
pub struct BatchArgs {
    /// Dataset root (or a single take folder).
    pub root: PathBuf,
    /// Only the frames listed in the root's `pose_<split>.txt`.
    #[arg(long)]
    pub split: Option<Split>,
    /// Work on slice I of N (0-based) of the frame list, e.g. `--shard
    /// $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`.
    #[arg(long, value_name = "I/N", default_value_t = Shard::default())]
    pub shard: Shard,
}

impl BatchArgs {
    /// This shard's part of `jobs`.
    pub fn my_jobs(&self, mut jobs: Vec<FrameJob>) -> Vec<FrameJob> {
        let range = self.shard.range(jobs.len());
        jobs.truncate(range.end);
        jobs.drain(..range.start);
        jobs
    }
}

/// Prints what a batch run did; failure exit status when any frame failed.
pub fn report(summary: &BatchSummary, what: &str) -> ExitCode {
    println!(
        "{what}: {} written, {} already there, {} failed",
        summary.written,
        summary.skipped,
        summary.failed.len()
    );
    if summary.removed_temporaries > 0 {
        println!(
            "removed {} temporary file(s) an interrupted run left behind",
            summary.removed_temporaries
        );
    }
    for failure in &summary.failed {
        eprintln!("failed: {failure}");
    }
    if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
