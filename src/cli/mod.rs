//! The command line: `sharp-viewer [PATH]` opens the viewer; subcommands run tools.

mod batch_args;
mod bench;
mod bench_hands;
mod bench_mask;
mod bench_scrub;
mod clip;
mod depth;
mod eval_action;
mod eval_args;
mod eval_pose;
mod figure;
mod figure_args;
mod inspect;
mod make_sample;
mod mask_args;
mod poses;
mod view;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use batch_args::BatchArgs;
pub use eval_args::EvalArgs;
pub use figure_args::FigureArgs;
pub use mask_args::{MaskArgs, MaskMode};

use crate::bench::BenchOptions;
use crate::chain::PoseBackend;
use crate::dataset::Split;
use crate::dataset::own_pose::OWN_POSE_MASKED_FOLDER;
use crate::eval::HandSource;
use crate::infer::mediapipe::ModelVariant;
use crate::infer::{InferOptions, ModelPaths, Precision, ProviderRequest};
use crate::mask::MaskPreference;
use crate::pipeline::WorkerOptions;
use crate::sample::SampleOptions;

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
    /// Which export to load: fp32 (`depth.onnx` ...) or fp16 (`depth_fp16.onnx` ...).
    #[arg(long, value_enum, default_value_t = PrecisionArg::Fp32)]
    pub precision: PrecisionArg,
    /// Threads ONNX Runtime uses per operator (default: all cores).
    #[arg(long)]
    pub threads: Option<std::num::NonZeroUsize>,
    /// On CUDA, capture each SHARP network once as a CUDA graph and replay it every frame
    /// (no per-kernel launch cost). Every node must run on CUDA, else loading fails and
    /// says why.
    #[arg(long)]
    pub cuda_graph: bool,
    /// Which network finds the hands: SHARP's pose.onnx, or the pretrained MediaPipe
    /// Hands shipped in models/mediapipe/ (default: the viewer's saved choice, else sharp).
    #[arg(long, value_enum, value_name = "BACKEND")]
    pub pose_backend: Option<PoseBackendArg>,
    /// Which MediaPipe Hands pair to load.
    #[arg(long, value_enum, default_value_t = MediaPipeModelArg::Full)]
    pub mediapipe_model: MediaPipeModelArg,
    /// Where the takes' camera looks at the hands from, which decides how MediaPipe's
    /// left/right labels map to the subject's hands: egocentric (a head-mounted camera,
    /// as in H2O: labels kept), facing-user (labels swapped) or facing-user-mirrored.
    #[arg(long, value_enum, default_value_t = crate::chain::Viewpoint::Egocentric)]
    pub viewpoint: crate::chain::Viewpoint,
}

/// `--pose-backend` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PoseBackendArg {
    /// SHARP's EffHandEgoNet3D (pose.onnx).
    Sharp,
    /// MediaPipe Hands (models/mediapipe/).
    Mediapipe,
}

impl From<PoseBackendArg> for PoseBackend {
    fn from(arg: PoseBackendArg) -> Self {
        match arg {
            PoseBackendArg::Sharp => PoseBackend::Sharp,
            PoseBackendArg::Mediapipe => PoseBackend::MediaPipe,
        }
    }
}

/// `--mediapipe-model` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MediaPipeModelArg {
    /// palm_detection_full + hand_landmark_full (MediaPipe's default).
    Full,
    /// palm_detection_lite + hand_landmark_lite (faster).
    Lite,
}

impl From<MediaPipeModelArg> for ModelVariant {
    fn from(arg: MediaPipeModelArg) -> Self {
        match arg {
            MediaPipeModelArg::Full => ModelVariant::Full,
            MediaPipeModelArg::Lite => ModelVariant::Lite,
        }
    }
}

/// `--precision` values.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum PrecisionArg {
    /// The float32 export.
    Fp32,
    /// The float16 export (`export_onnx.py --fp16`).
    Fp16,
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
    /// The pose backend asked for on the command line, if any.
    pub fn pose_backend(&self) -> Option<PoseBackend> {
        self.pose_backend.map(PoseBackend::from)
    }

    /// The worker's options these arguments describe.
    pub fn worker_options(&self) -> WorkerOptions {
        let mut models = ModelPaths::in_folder_at(
            &self
                .models
                .clone()
                .unwrap_or_else(ModelPaths::default_folder),
            match self.precision {
                PrecisionArg::Fp32 => Precision::Fp32,
                PrecisionArg::Fp16 => Precision::Fp16,
            },
        );
        models.mediapipe_variant = self.mediapipe_model.into();
        WorkerOptions {
            models,
            infer: InferOptions {
                provider: match self.provider {
                    ProviderArg::Auto => ProviderRequest::Auto,
                    ProviderArg::Cpu => ProviderRequest::Cpu,
                    ProviderArg::Cuda => ProviderRequest::Cuda,
                },
                intra_threads: self.threads,
                cuda_graph: self.cuda_graph,
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
    /// Where File → Export figure (F12) writes.
    #[arg(long, value_name = "DIR", default_value = crate::ui::FIGURE_FOLDER)]
    pub figure_dir: PathBuf,
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
        /// Sensor noise: every RGB value moves by up to this many levels and every depth
        /// value by up to this many millimetres (seeded), so the PNGs weigh and decode like
        /// a real camera's (12 gives H2O-sized frames); 0 renders clean frames.
        #[arg(long, default_value_t = 0, value_name = "LEVELS")]
        camera_noise: u8,
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
    /// Throughput and per-stage latency (median, p90, p99) of the whole pipeline on a take:
    /// read, pseudo-depth, mask, pose and action, with the provider and models named.
    Bench {
        /// Take folder or dataset root (its first take is used).
        path: PathBuf,
        /// Timed frames (the take is looped when shorter).
        #[arg(long, default_value_t = 200)]
        frames: usize,
        /// Untimed frames before timing.
        #[arg(long, default_value_t = 10)]
        warmup: usize,
        /// Print the report as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Decode the take before timing: figures for processing alone, as in the viewer,
        /// where frames are decoded on the source thread.
        #[arg(long)]
        preload: bool,
        /// Run the depth network one frame ahead, beside the pose network.
        #[arg(long, requires = "preload")]
        ahead: bool,
        /// Write the timed frames' predicted joints to this JSON file.
        #[arg(long, value_name = "FILE")]
        save_joints: Option<PathBuf>,
        /// Report how far the predicted joints are from those of an earlier run's
        /// `--save-joints` file (same take and frame count; e.g. fp16 against fp32).
        #[arg(long, value_name = "FILE")]
        reference_joints: Option<PathBuf>,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
        /// Range masking.
        #[command(flatten)]
        mask: MaskArgs,
    },
    /// Write SHARP's 8-bit pseudo-depth maps (`cam4/depth_est_low/NNNNNN.png`) for every
    /// frame; existing maps are kept.
    Depth {
        /// Dataset, split and shard.
        #[command(flatten)]
        batch: BatchArgs,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Write SHARP's per-frame predicted pose files (`cam4/hand_pose_3d_own_masked` or
    /// `_not_masked`) for every frame; existing files are kept.
    Poses {
        /// Dataset, split and shard.
        #[command(flatten)]
        batch: BatchArgs,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
        /// Range masking.
        #[command(flatten)]
        mask: MaskArgs,
        /// Folder inside `cam4/` to write into (default: SHARP's name for the mask mode).
        #[arg(long)]
        folder: Option<String>,
        /// Smooth the joints over time (One Euro, MediaPipe's settings) and keep hand
        /// identities across frames, as the viewer does for cameras and videos. Off by
        /// default so the files are the network's own per-frame output.
        #[arg(long)]
        smooth: bool,
        /// How a hand the network judges absent is written: `predicted` (its ungated
        /// prediction, as SHARP's get_3D_pose.py) or `zeros`. Either way the presence
        /// goes to `<folder>_presence/`, which eval-pose reads.
        #[arg(long, value_enum, default_value_t = AbsentHandsArg::Predicted)]
        absent_hands: AbsentHandsArg,
    },
    /// SHARP's pose metrics of the predicted pose files: MPJPE left / right / mean in mm
    /// (frames where the hand is annotated and predicted present), 2D EPE, PCK and AUC;
    /// per take and overall, as a table and as CSV / JSON.
    EvalPose {
        /// Dataset root with the split files.
        root: PathBuf,
        /// Split whose frames are scored.
        #[arg(long, default_value = "test")]
        split: Split,
        /// Folder inside `cam4/` with the predicted pose files.
        #[arg(long, default_value = OWN_POSE_MASKED_FOLDER)]
        poses: String,
        /// Folder for summary.json, per_take.csv and frames.csv.
        #[arg(long, default_value = "eval-pose")]
        out: PathBuf,
        /// Camera matrix and handling of missing or broken inputs.
        #[command(flatten)]
        eval: EvalArgs,
        /// Smooth each take's predicted joints over time (One Euro, MediaPipe's settings,
        /// 30 fps, restarted at gaps in the frame numbers) before scoring them.
        #[arg(long)]
        smooth: bool,
    },
    /// Classify the action segments of a split: accuracy and confusion matrix where the
    /// split is labelled (val), the CodaLab submission JSON and zip where not (test).
    EvalAction {
        /// Dataset root with the split files.
        root: PathBuf,
        /// Split whose segments are classified.
        #[arg(long, default_value = "val")]
        split: Split,
        /// Hand poses: `gt` for the annotations, else a folder inside `cam4/` with
        /// predicted pose files (e.g. hand_pose_3d_own_masked).
        #[arg(long, default_value = "gt")]
        poses: String,
        /// Folder for the outputs.
        #[arg(long, default_value = "eval-action")]
        out: PathBuf,
        /// Camera matrix and handling of missing or broken inputs.
        #[command(flatten)]
        eval: EvalArgs,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Write paper figures of frames of a take: each chosen panel alone (RGB with
    /// the 2D skeleton, pseudo-depth, masked frame, 2D pose, 3D skeleton) and their
    /// composite (a row or a grid, with optional legend and annotation), at twice the
    /// frame size, rendered on the CPU.
    Figure {
        /// Take folder or dataset root.
        path: PathBuf,
        /// The take, by its path below the root (`subject1/h1/0`); default: the first.
        #[arg(long)]
        take: Option<String>,
        /// Frames to draw: timeline positions (0-based), comma-separated.
        #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
        frames: Vec<usize>,
        /// Folder the PNG files go to.
        #[arg(long, value_name = "DIR", default_value = "figures")]
        out: PathBuf,
        /// Also write SVG (vectors) of the 2D pose and 3D skeleton panels and of the
        /// composite, beside the PNG files.
        #[arg(long)]
        svg: bool,
        /// Panels, layout and what they show.
        #[command(flatten)]
        figure: FigureArgs,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
        /// Range masking.
        #[command(flatten)]
        mask: MaskArgs,
    },
    /// Write a clip of a range of frames of a take: the composite of the chosen panels of
    /// every frame, analysed in order as playback does, as an animated GIF or an mp4.
    Clip {
        /// Take folder or dataset root.
        path: PathBuf,
        /// The take, by its path below the root (`subject1/h1/0`); default: the first.
        #[arg(long)]
        take: Option<String>,
        /// First frame (timeline position, 0-based).
        #[arg(long, default_value_t = 0)]
        from: usize,
        /// Last frame, included.
        #[arg(long)]
        to: usize,
        /// The clip's file; its extension (.gif or .mp4) picks the format.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Frames per second (default: the take's own rate).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=120))]
        fps: Option<u32>,
        /// Panels, layout and what they show.
        #[command(flatten)]
        figure: FigureArgs,
        /// Models and execution.
        #[command(flatten)]
        engine: EngineArgs,
        /// Range masking.
        #[command(flatten)]
        mask: MaskArgs,
    },
    /// Time MediaPipe Hands: palm detection and the landmark model per hand, both model
    /// pairs, on a frame with two hands.
    BenchHands {
        /// Timed calls per case.
        #[arg(long, default_value_t = 50)]
        iterations: usize,
        /// Frame to run on (default: the two-hand test image of the source tree).
        #[arg(long, value_name = "PNG")]
        image: Option<PathBuf>,
        /// Execution provider and threads (the models folder is not used).
        #[command(flatten)]
        engine: EngineArgs,
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
            camera_noise,
            force,
        }) => make_sample::run(
            &dir,
            SampleOptions {
                frames,
                takes,
                camera_noise,
            },
            force,
        ),
        Some(Command::BenchScrub(args)) => bench_scrub::run(&args),
        Some(Command::BenchMask { iterations }) => bench_mask::run(iterations),
        Some(Command::Bench {
            path,
            frames,
            warmup,
            json,
            preload,
            ahead,
            save_joints,
            reference_joints,
            engine,
            mask,
        }) => bench::run(
            &path,
            &engine,
            &mask,
            BenchOptions {
                frames,
                warmup,
                preload,
                ahead,
            },
            bench::Output {
                json,
                save_joints,
                reference_joints,
            },
        ),
        Some(Command::Depth { batch, engine }) => depth::run(&batch, &engine),
        Some(Command::Poses {
            batch,
            engine,
            mask,
            folder,
            smooth,
            absent_hands,
        }) => poses::run(
            &batch,
            &engine,
            &mask,
            folder.as_deref(),
            smooth,
            absent_hands.into(),
        ),
        Some(Command::EvalPose {
            root,
            split,
            poses,
            out,
            eval,
            smooth,
        }) => eval_pose::run(&root, split, &poses, &out, &eval, smooth),
        Some(Command::EvalAction {
            root,
            split,
            poses,
            out,
            eval,
            engine,
        }) => {
            let hands = if poses == "gt" {
                HandSource::GroundTruth
            } else {
                HandSource::Predicted(poses)
            };
            eval_action::run(&root, split, &hands, &engine, &eval, &out)
        }
        Some(Command::Figure {
            path,
            take,
            frames,
            out,
            svg,
            figure: figure_args,
            engine,
            mask,
        }) => figure::run(
            &path,
            &figure::FigureRequest {
                take: take.as_deref(),
                frames: &frames,
                out: &out,
                svg,
            },
            figure_args.options(),
            &engine,
            &mask,
        ),
        Some(Command::Clip {
            path,
            take,
            from,
            to,
            out,
            fps,
            figure: figure_args,
            engine,
            mask,
        }) => clip::run(
            &path,
            &clip::ClipArgs {
                take: take.as_deref(),
                from,
                to,
                out: &out,
                fps,
            },
            &figure_args.options(),
            &engine,
            &mask,
        ),
        Some(Command::BenchHands {
            iterations,
            image,
            engine,
        }) => bench_hands::run(iterations, image, &engine),
    }
}

/// "median / p90" of `times` in milliseconds for the benchmark tables, or `missing`
/// when there are none.
fn median_p90_cell(times: &[std::time::Duration], missing: &str) -> String {
    let sorted = crate::percentile::sorted(times.iter().copied());
    match (
        crate::percentile::nearest_rank(&sorted, 50),
        crate::percentile::nearest_rank(&sorted, 90),
    ) {
        (Some(median), Some(p90)) => format!(
            "{:.2} / {:.2}",
            median.as_secs_f64() * 1e3,
            p90.as_secs_f64() * 1e3
        ),
        _ => missing.to_owned(),
    }
}

/// The take `take` (its `subjectN/scene/take` name, or its path below `path`) of the
/// dataset or take folder `path`, or its first take when `None`; with a processor for
/// it and the settings the masking arguments ask for.
fn take_processor(
    path: &std::path::Path,
    take: Option<&str>,
    engine: &EngineArgs,
    mask: &MaskArgs,
) -> anyhow::Result<(
    crate::source::TakeSource,
    crate::chain::FrameProcessor,
    crate::chain::ProcessSettings,
)> {
    use anyhow::Context;
    let takes = crate::dataset::discover_takes(path)?;
    let take = match take {
        None => takes
            .into_iter()
            .next()
            .with_context(|| format!("{}: no take", path.display()))?,
        Some(wanted) => find_take(path, takes, wanted)?,
    };
    let source = crate::source::TakeSource::open(&take)
        .with_context(|| format!("{}: cannot open the take", take.display()))?;
    let worker = engine.worker_options();
    let models = crate::infer::ModelSet::load(&worker.models, &worker.infer);
    let processor =
        crate::chain::FrameProcessor::new(crate::mask::MaskEngine::new(worker.mask), models);
    let mut settings = mask.process_settings(
        true,
        crate::chain::ActionInput::PredictedPoses,
        engine
            .pose_backend()
            .unwrap_or(crate::chain::PoseBackend::Sharp),
    );
    settings.hands.viewpoints.take = engine.viewpoint;
    Ok((source, processor, settings))
}

/// The take among `takes` (found under `root`) whose path below `root` is `wanted`
/// (`subject1/h1/0`; `/` or the system's separator, a trailing `/` allowed).
fn find_take(root: &std::path::Path, takes: Vec<PathBuf>, wanted: &str) -> anyhow::Result<PathBuf> {
    let name_below_root = |take: &std::path::Path| {
        take.strip_prefix(root).ok().map(|relative| {
            relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
    };
    let wanted_name = wanted
        .replace(std::path::MAIN_SEPARATOR, "/")
        .trim_matches('/')
        .to_owned();
    let names: Vec<String> = takes
        .iter()
        .map(|take| name_below_root(take).unwrap_or_default())
        .collect();
    if let Some(index) = names.iter().position(|name| *name == wanted_name) {
        return Ok(takes[index].clone());
    }
    let listed: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    anyhow::bail!(
        "{}: no take {wanted:?}; the {} takes there include {}",
        root.display(),
        names.len(),
        if listed.is_empty() {
            "none".to_owned()
        } else {
            listed.join(", ")
        }
    )
}

/// `--absent-hands`: how pose files store a hand judged absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AbsentHandsArg {
    /// The network's ungated prediction (SHARP's get_3D_pose.py).
    Predicted,
    /// 63 zeros.
    Zeros,
}

impl From<AbsentHandsArg> for crate::dataset::own_pose::AbsentHands {
    fn from(arg: AbsentHandsArg) -> Self {
        match arg {
            AbsentHandsArg::Predicted => Self::Predicted,
            AbsentHandsArg::Zeros => Self::Zeros,
        }
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
