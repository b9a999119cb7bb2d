use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::sample::{SampleOptions, SampleProgress, generate_sample};

/// `sharp-viewer make-sample DIR`.
pub fn run(dir: &Path, options: SampleOptions, force: bool) -> anyhow::Result<ExitCode> {
    if force && dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("{}: cannot remove the old sample", dir.display()))?;
    }
    let bar = super::progress_bar((options.frames * options.takes) as u64, "rendering");
    let summary = generate_sample(dir, &options, &mut |progress: SampleProgress| {
        bar.set_position((progress.take * progress.frames_total + progress.frame + 1) as u64);
        ControlFlow::Continue(())
    })?;
    bar.finish_and_clear();
    for take in &summary.takes {
        println!("{} ({} frames)", take.display(), summary.frames_per_take);
    }
    Ok(ExitCode::SUCCESS)
}
