//! What `eval-pose` and `eval-action` share: their options and the rule that an old
//! summary never outlives a new run.

use std::path::Path;

use anyhow::Context;
use clap::Args;

use crate::eval::{EvalIntrinsics, SkippedInputs};

/// `--intrinsics`.
#[derive(Clone, Debug, Args)]
pub struct EvalArgs {
    /// Camera matrix for unprojecting predictions and projecting annotations:
    /// `sharp-fixed` (SHARP's fixed cam4 matrix, as the authors' code; reproduces the
    /// paper) or `take` (each take's cam_intrinsics.txt).
    #[arg(long, value_enum, default_value_t = EvalIntrinsics::SharpFixed)]
    pub intrinsics: EvalIntrinsics,
    /// Score what can be scored when the split lists frames that are missing, files are
    /// malformed or values implausible (they are counted in the summary); without it such
    /// a run writes nothing and exits with status 1.
    #[arg(long)]
    pub allow_missing: bool,
}

impl EvalArgs {
    /// Prints what was left out (on standard error) and says whether the run may go on
    /// to write its results: yes when nothing was left out or `--allow-missing` was given.
    pub fn may_write(&self, skipped: &SkippedInputs, what: &str) -> bool {
        if skipped.is_empty() {
            return true;
        }
        eprintln!("{} {what} left out:", skipped.items().len());
        for line in skipped.report(5) {
            eprintln!("  {line}");
        }
        if self.allow_missing {
            eprintln!("--allow-missing: scoring the rest; the summary counts what was left out");
            true
        } else {
            eprintln!(
                "nothing written: fix the inputs, or rerun with --allow-missing to score the rest"
            );
            false
        }
    }

    /// The line every evaluation prints and writes about its settings.
    pub fn intrinsics_line(&self) -> String {
        format!(
            "intrinsics: {} (--intrinsics {})",
            self.intrinsics.describe(),
            self.intrinsics.name()
        )
    }
}

/// Removes `summary.json` from an earlier run in `out`, before a new run writes or fails:
/// a summary vouches for the tables beside it, and this run may leave them unwritten or
/// half replaced. Each command writes its summary last.
pub fn remove_old_summary(out: &Path) -> anyhow::Result<()> {
    let path = out.join(SUMMARY_FILE);
    match std::fs::remove_file(&path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("{}: cannot remove the old summary", path.display()))
        }
        _ => Ok(()),
    }
}

/// The file each evaluation writes last, when all its tables are written.
pub const SUMMARY_FILE: &str = "summary.json";
