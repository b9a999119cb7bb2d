//! The command line: `sharp-viewer [PATH]` opens the viewer; subcommands run tools.

mod bench_mask;
mod bench_scrub;
mod inspect;
mod make_sample;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::infer::{InferOptions, ModelPaths, ProviderRequest};
use crate::mask::MaskPreference;
use crate::pipeline::WorkerOptions;

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

/// Where the models are and what runs them; shared by the viewer and the batch tools.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Folder with depth.onnx, pose.onnx and action.onnx (default: models/ in the working
    /// directory, else in the source tree).
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
    /// ONNX Runtime execution provider; `auto` tries CUDA and says why it fell back.
    #[arg(long, value_enum, default_value_t = ProviderArg::Auto)]
    pub provider: ProviderArg,
    /// Where range masking runs; `auto` uses a hardware GPU, else the CPU.
    #[arg(long, value_enum, default_value_t = MaskBackendArg::Auto)]
    pub mask_backend: MaskBackendArg,
    /// Threads ONNX Runtime uses per operator (default: all cores).
    #[arg(long)]
    pub threads: Option<std::num::NonZeroUsize>,
}

/// `--provider` values.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ProviderArg {
    /// CUDA when available, else CPU.
    Auto,
    /// CPU only.
    Cpu,
    /// CUDA or fail.
    Cuda,
}

/// `--mask-backend` values.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum MaskBackendArg {
    /// A hardware GPU, else the CPU.
    Auto,
    /// Any GPU adapter, software ones included.
    Gpu,
    /// The CPU reference.
    Cpu,
}

impl EngineArgs {
    /// The worker's options these arguments describe.
    pub fn worker_options(&self) -> WorkerOptions {
        WorkerOptions {
            models: match &self.models {
                Some(folder) => ModelPaths::in_folder(folder),
                None => ModelPaths::default(),
            },
            infer: InferOptions {
                provider: match self.provider {
                    ProviderArg::Auto => ProviderRequest::Auto,
                    ProviderArg::Cpu => ProviderRequest::Cpu,
                    ProviderArg::Cuda => ProviderRequest::Cuda,
                },
                intra_threads: self.threads,
            },
            mask: match self.mask_backend {
                MaskBackendArg::Auto => MaskPreference::Auto,
                MaskBackendArg::Gpu => MaskPreference::Gpu,
                MaskBackendArg::Cpu => MaskPreference::Cpu,
            },
        }
    }
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
    /// Models and execution.
    #[command(flatten)]
    pub engine: EngineArgs,
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
    /// Time range masking plus the pose-network input at 1280x720 on the GPU and the CPU.
    BenchMask {
        /// Timed calls per case.
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
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
        Some(Command::BenchMask { iterations }) => bench_mask::run(iterations),
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
