use std::path::Path;
use std::process::ExitCode;

use crate::dataset::{InspectOptions, inspect};

/// `sharp-viewer inspect PATH`: prints the report; exit status 1 when there are problems.
pub fn run(path: &Path, deep: bool) -> anyhow::Result<ExitCode> {
    let bar = super::progress_bar(0, "checking files");
    let report = inspect(path, InspectOptions { deep }, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    println!("{report}");
    Ok(if report.problem_count() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
