use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::ViewArgs;
use crate::dataset::discover_takes;
use crate::pipeline::{CameraSpec, SourceSpec};
use crate::sample::SampleOptions;
use crate::source::camera::{CaptureConfig, NokhwaBackend};
use crate::source::{IntrinsicsChoice, PathKind, VIDEO_EXTENSIONS, classify_path};
use crate::ui::{LaunchOptions, run_viewer};

/// Opens the viewer on the given path, camera, or the bundled sample.
pub fn run(args: ViewArgs) -> anyhow::Result<ExitCode> {
    let intrinsics = match (args.fov, args.intrinsics) {
        (Some(horizontal_deg), _) => IntrinsicsChoice::FieldOfView { horizontal_deg },
        (None, Some(file)) => IntrinsicsChoice::File(file),
        (None, None) => IntrinsicsChoice::H2oScaled,
    };
    let (source, browse) = match (args.camera, args.path) {
        (Some(index), _) => (
            SourceSpec::Camera(CameraSpec {
                backend: Arc::new(NokhwaBackend),
                config: CaptureConfig::new(index),
                intrinsics,
            }),
            None,
        ),
        (None, Some(path)) => open_path(path, intrinsics)?,
        (None, None) => (
            SourceSpec::Sample {
                dir: sample_dir(),
                options: SampleOptions::default(),
            },
            None,
        ),
    };
    run_viewer(LaunchOptions {
        source,
        start_position: args.frame,
        browse,
        worker: args.engine.worker_options(),
        pose_backend: args.engine.pose_backend(),
        figure_folder: args.figure_dir.clone(),
    })
    .map_err(|error| anyhow::anyhow!("the viewer window failed: {error}"))?;
    Ok(ExitCode::SUCCESS)
}

/// A take opens as is, a video file as video, a dataset root in the browser (with its
/// first take shown).
fn open_path(
    path: PathBuf,
    intrinsics: IntrinsicsChoice,
) -> anyhow::Result<(SourceSpec, Option<PathBuf>)> {
    Ok(match classify_path(&path) {
        PathKind::Take => (SourceSpec::Take(path), None),
        PathKind::Video => (SourceSpec::Video { path, intrinsics }, None),
        PathKind::DatasetRoot => {
            let first = discover_takes(&path)?
                .into_iter()
                .next()
                .with_context(|| format!("{}: no take", path.display()))?;
            (SourceSpec::Take(first), Some(path))
        }
        PathKind::Unknown => anyhow::bail!(
            "{}: not an H2O take, dataset root or video file ({})",
            path.display(),
            VIDEO_EXTENSIONS.join(", ")
        ),
    })
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
