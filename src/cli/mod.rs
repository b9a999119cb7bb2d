//! The command line: `sharp-viewer [PATH]` opens the viewer; subcommands run tools.

mod bench_scrub;
mod inspect;
mod make_sample;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// SHARP Viewer: egocentric 3D hand pose and action recognition, live.
#[derive(Debug, Parser)]
#[command(
    name = "sharp-viewer",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A tool to run instead of the viewer.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Viewer options (used when no subcommand is given).
    #[command(flatten)]
    pub view: ViewArgs,
}

/// Options of the viewer.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// What to open: an H2O take folder, a dataset root (shown in the dataset browser,
    /// its first take opened) or a video file (mp4, mkv, ...). Default: the bundled
    /// synthetic sample, generated on first use.
    pub path: Option<PathBuf>,
    /// Timeline position to show first.
    #[arg(long, default_value_t = 0)]
    pub frame: usize,
    /// Open a live camera instead (its index; 0 when only `--camera` is given).
    #[arg(long, num_args = 0..=1, default_missing_value = "0", value_name = "INDEX", conflicts_with = "path")]
    pub camera: Option<u32>,
    /// Intrinsics of a camera or video: a pinhole with this horizontal field of view in
    /// degrees (default: H2O's cam4 matrix scaled to the frame size).
    #[arg(long, value_name = "DEGREES", conflicts_with = "intrinsics")]
    pub fov: Option<f32>,
    /// Intrinsics of a camera or video from a file: `fx fy cx cy width height`.
    #[arg(long, value_name = "FILE")]
    pub intrinsics: Option<PathBuf>,
}

/// The tools.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a take or a dataset root: list what is there and every problem. Exits with
    /// status 1 when there are problems.
    Inspect {
        /// Take folder, its cam4 folder, or dataset root.
        path: PathBuf,
        /// Decode every image completely (slow) instead of checking headers.
        #[arg(long)]
        deep: bool,
    },
    /// Write the deterministic synthetic sample (H2O layout) into DIR.
    MakeSample {
        /// Output folder (must not exist or be empty, unless --force).
        dir: PathBuf,
        /// Frames per take.
        #[arg(long, default_value_t = 90)]
        frames: usize,
        /// Number of takes.
        #[arg(long, default_value_t = 1)]
        takes: usize,
        /// Replace DIR if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Measure scrubbing: drag over a take (or video) the way the timeline does, with
    /// sequential, fast and random seeks, and print frames shown per second, cache hit
    /// rate and latency.
    BenchScrub(bench_scrub::BenchArgs),
}

/// Runs the command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => view::run(cli.view),
        Some(Command::Inspect { path, deep }) => inspect::run(&path, deep),
        Some(Command::MakeSample {
            dir,
            frames,
            takes,
            force,
        }) => make_sample::run(&dir, frames, takes, force),
        Some(Command::BenchScrub(args)) => bench_scrub::run(&args),
    }
}

/// A progress bar on standard error in the project's style.
fn progress_bar(total: u64, message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(message);
    bar
}
