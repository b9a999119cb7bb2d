use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::ViewArgs;
use crate::dataset::discover_takes;
use crate::pipeline::SourceSpec;
use crate::sample::SampleOptions;
use crate::ui::{LaunchOptions, run_viewer};

/// Opens the viewer on the given path or on the bundled sample.
pub fn run(args: ViewArgs) -> anyhow::Result<ExitCode> {
    let source = match args.path {
        Some(path) => {
            let takes = discover_takes(&path)?;
            if takes.len() > 1 {
                tracing::info!(
                    "{} takes under {}; opening the first",
                    takes.len(),
                    path.display()
                );
            }
            let first = takes
                .into_iter()
                .next()
                .with_context(|| format!("{}: no take", path.display()))?;
            SourceSpec::Take(first)
        }
        None => SourceSpec::Sample {
            dir: sample_dir(),
            options: SampleOptions::default(),
        },
    };
    run_viewer(LaunchOptions {
        source,
        start_position: args.frame,
        worker: args.engine.worker_options(),
        pose_backend: args.engine.pose_backend(),
    })
    .map_err(|error| anyhow::anyhow!("the viewer window failed: {error}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Where the bundled sample is generated: the user's cache folder, one folder per
/// viewer version so a changed generator never reuses stale files.
pub fn sample_dir() -> PathBuf {
    let name = format!("sample-v{}", env!("CARGO_PKG_VERSION"));
    match directories::ProjectDirs::from("", "", "sharp-viewer") {
        Some(dirs) => dirs.cache_dir().join(name),
        None => PathBuf::from(".cache").join(name),
    }
}
