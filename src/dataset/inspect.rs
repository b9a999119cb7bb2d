//! Checking a dataset copy: what is there and everything that is wrong with it.

use std::fmt;
use std::path::{Path, PathBuf};

use image::ColorType;

use super::annotations;
use super::discover::discover_takes;
use super::images;
use super::splits::{Split, Splits};
use super::take::{IntrinsicsSource, Take};
use super::{DatasetError, FrameKind};
use crate::geometry::CameraIntrinsics;

/// How thoroughly to check.
#[derive(Clone, Copy, Debug, Default)]
pub struct InspectOptions {
    /// Decode every image completely instead of reading only its header.
    pub deep: bool,
}

/// What was found in one take.
#[derive(Clone, Debug)]
pub struct TakeReport {
    /// `subjectN/scene/take`.
    pub name: String,
    /// The take folder.
    pub dir: PathBuf,
    /// RGB frames.
    pub frames: usize,
    /// Files per kind present.
    pub kinds: Vec<(FrameKind, usize)>,
    /// Kinds without a folder.
    pub missing_kinds: Vec<FrameKind>,
    /// Intrinsics in use and where they came from.
    pub intrinsics: (CameraIntrinsics, IntrinsicsSource),
    /// Pose splits listing this take.
    pub pose_splits: Vec<Split>,
    /// Labelled action segments of this take across splits.
    pub action_segments: usize,
    /// Every problem, one message each.
    pub problems: Vec<String>,
}

/// What was found under a path given to `inspect`.
#[derive(Clone, Debug)]
pub struct DatasetReport {
    /// The inspected path.
    pub path: PathBuf,
    /// The dataset root whose split files were read, if any.
    pub split_root: Option<PathBuf>,
    /// One report per take.
    pub takes: Vec<TakeReport>,
    /// Problems that belong to no single take (split files, takes that cannot open).
    pub problems: Vec<String>,
}

impl DatasetReport {
    /// Total number of problems.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
            + self
                .takes
                .iter()
                .map(|take| take.problems.len())
                .sum::<usize>()
    }
}

/// Inspects a take or a dataset root. `progress(done, total)` is called per file.
///
/// Fails only when `path` holds no takes at all.
pub fn inspect(
    path: &Path,
    options: InspectOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DatasetReport, DatasetError> {
    let take_dirs = discover_takes(path)?;
    let split_root = find_split_root(path, &take_dirs);
    let mut problems = Vec::new();
    let splits = match &split_root {
        Some(root) => {
            let (splits, errors) = Splits::load(root);
            problems.extend(errors.iter().map(ToString::to_string));
            splits
        }
        None => Splits::default(),
    };

    let mut takes = Vec::new();
    for dir in &take_dirs {
        match Take::open(dir) {
            Ok(take) => takes.push(take),
            Err(error) => problems.push(error.to_string()),
        }
    }
    let total: usize = takes
        .iter()
        .map(|take| {
            take.kinds
                .values()
                .map(|frames| frames.len())
                .sum::<usize>()
        })
        .sum();
    let mut done = 0;
    let reports = takes
        .iter()
        .map(|take| {
            let relative = split_root
                .as_ref()
                .and_then(|root| take.dir.strip_prefix(root).ok())
                .map(|rel| rel.to_string_lossy().into_owned())
                .unwrap_or_else(|| take.name.clone());
            let mut report = TakeReport {
                name: relative.clone(),
                dir: take.dir.clone(),
                frames: take.frame_count(),
                kinds: take
                    .kinds
                    .iter()
                    .map(|(kind, frames)| (*kind, frames.len()))
                    .collect(),
                missing_kinds: take.missing_kinds(),
                intrinsics: (take.intrinsics, take.intrinsics_source),
                pose_splits: splits.pose_splits_of(&relative),
                action_segments: splits.segments_of(&relative).count(),
                problems: take.problems.iter().map(ToString::to_string).collect(),
            };
            for (kind, frames) in &take.kinds {
                for &number in frames {
                    if let Err(error) = check_file(take, *kind, number, options) {
                        report.problems.push(error.to_string());
                    }
                    done += 1;
                    progress(done, total);
                }
            }
            report
        })
        .collect();
    Ok(DatasetReport {
        path: path.to_path_buf(),
        split_root,
        takes: reports,
        problems,
    })
}

/// Checks one per-frame file: text files are parsed, images checked for size and
/// pixel format (decoded completely when `options.deep`).
fn check_file(
    take: &Take,
    kind: FrameKind,
    number: u32,
    options: InspectOptions,
) -> Result<(), DatasetError> {
    let path = take.path_of(kind, number);
    let frame_size = take.frame_size();
    match kind {
        // `--deep` decodes on top of the header checks, so it flags everything the plain
        // check flags (a grayscale "RGB" frame decodes fine, but is not what H2O has).
        FrameKind::Rgb => {
            check_header(
                &path,
                Some(frame_size),
                &[ColorType::Rgb8, ColorType::Rgba8],
                "8-bit RGB",
            )?;
            if options.deep {
                images::read_rgb(&path, Some(frame_size))?;
            }
            Ok(())
        }
        FrameKind::Depth => {
            check_header(
                &path,
                Some(frame_size),
                &[ColorType::L16],
                "16-bit grayscale (mm)",
            )?;
            if options.deep {
                images::read_depth_mm(&path, Some(frame_size))?;
            }
            Ok(())
        }
        FrameKind::PseudoDepth => {
            check_header(&path, None, &[ColorType::L8], "8-bit grayscale")?;
            if options.deep {
                images::read_pseudo_depth(&path)?;
            }
            Ok(())
        }
        FrameKind::HandPose => {
            annotations::read_with(&path, annotations::parse_hand_pose).map(drop)
        }
        FrameKind::HandPoseMano => annotations::read_with(&path, annotations::parse_mano).map(drop),
        FrameKind::ObjectPose => {
            annotations::read_with(&path, annotations::parse_object_pose).map(drop)
        }
        FrameKind::ObjectPoseRt => {
            annotations::read_with(&path, annotations::parse_object_pose_rt).map(drop)
        }
        FrameKind::CameraPose => {
            annotations::read_with(&path, annotations::parse_camera_pose).map(drop)
        }
        FrameKind::ActionLabel | FrameKind::VerbLabel => {
            annotations::read_with(&path, |text| annotations::parse_frame_label(text, kind))
                .map(drop)
        }
    }
}

fn check_header(
    path: &Path,
    size: Option<(u32, u32)>,
    formats: &[ColorType],
    expected: &str,
) -> Result<(), DatasetError> {
    let (width, height, color) = images::read_image_header(path)?;
    if let Some((w, h)) = size.filter(|&(w, h)| (w, h) != (width, height)) {
        return Err(DatasetError::image(
            path,
            format!("expected a {w}x{h} image, found {width}x{height}"),
        ));
    }
    if !formats.contains(&color) {
        return Err(DatasetError::image(
            path,
            format!("expected {expected}, found {color:?}"),
        ));
    }
    Ok(())
}

/// The folder whose split files describe these takes: the path itself when it is a
/// dataset root, or three levels above a single take.
fn find_split_root(path: &Path, takes: &[PathBuf]) -> Option<PathBuf> {
    let has_split_files = |dir: &Path| {
        Split::ALL.iter().any(|split| {
            dir.join(split.pose_file_name()).is_file()
                || dir.join(split.action_file_name()).is_file()
        })
    };
    if has_split_files(path) {
        return Some(path.to_path_buf());
    }
    let take = takes.first()?;
    let root = take.ancestors().nth(3)?;
    has_split_files(root).then(|| root.to_path_buf())
}

impl fmt::Display for DatasetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {} take(s)", self.path.display(), self.takes.len())?;
        match &self.split_root {
            Some(root) => writeln!(f, "split files read from {}", root.display())?,
            None => writeln!(f, "no split files (pose_*.txt, action_*.txt) found")?,
        }
        for take in &self.takes {
            writeln!(f)?;
            writeln!(f, "take {} ({} frames)", take.name, take.frames)?;
            let kinds: Vec<String> = take
                .kinds
                .iter()
                .map(|(kind, count)| format!("{} {count}", kind.folder()))
                .collect();
            writeln!(f, "  files: {}", kinds.join(", "))?;
            if !take.missing_kinds.is_empty() {
                let missing: Vec<&str> = take
                    .missing_kinds
                    .iter()
                    .map(|kind| kind.folder())
                    .collect();
                writeln!(f, "  absent: {}", missing.join(", "))?;
            }
            let (k, source) = take.intrinsics;
            let source = match source {
                IntrinsicsSource::TakeFile => "cam_intrinsics.txt",
                IntrinsicsSource::SharpDefault => "SHARP default",
            };
            writeln!(
                f,
                "  intrinsics ({source}): fx {} fy {} cx {} cy {} {}x{}",
                k.fx, k.fy, k.cx, k.cy, k.width, k.height
            )?;
            if self.split_root.is_some() {
                let splits: Vec<&str> = take.pose_splits.iter().map(|split| split.name()).collect();
                writeln!(
                    f,
                    "  pose splits: {}; action segments: {}",
                    if splits.is_empty() {
                        "none".to_owned()
                    } else {
                        splits.join(", ")
                    },
                    take.action_segments
                )?;
            }
            for problem in &take.problems {
                writeln!(f, "  PROBLEM {problem}")?;
            }
        }
        if !self.problems.is_empty() {
            writeln!(f)?;
        }
        for problem in &self.problems {
            writeln!(f, "PROBLEM {problem}")?;
        }
        writeln!(f)?;
        write!(f, "{} problem(s)", self.problem_count())
    }
}
