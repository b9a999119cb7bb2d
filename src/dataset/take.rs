//! One H2O take: which per-frame files it has, its intrinsics, and what is wrong with it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use image::RgbImage;

use super::annotations::{self, ObjectPose};
use super::images::{self, DepthMillimetres};
use super::{DatasetError, FrameKind};
use crate::geometry::{CameraIntrinsics, TwoHands};

/// Name of the egocentric camera folder inside a take.
pub const EGO_CAMERA_FOLDER: &str = "cam4";
/// Intrinsics file inside the camera folder.
pub const INTRINSICS_FILE: &str = "cam_intrinsics.txt";

/// Where a take's intrinsics came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntrinsicsSource {
    /// The take's own `cam_intrinsics.txt`.
    TakeFile,
    /// SHARP's fixed cam4 matrix, because the take's file is missing or broken.
    SharpDefault,
}

/// An opened H2O take. Opening lists folders and file names only; frames are read on
/// demand. Everything wrong that does not stop the take from opening is in `problems`.
#[derive(Debug)]
pub struct Take {
    /// The take folder (the parent of `cam4`).
    pub dir: PathBuf,
    /// A short name, `subjectN/scene/take` where the path follows the H2O layout.
    pub name: String,
    /// RGB frame numbers present, ascending.
    pub frames: Vec<u32>,
    /// Frame numbers present per kind, for every kind whose folder exists.
    pub kinds: BTreeMap<FrameKind, BTreeSet<u32>>,
    /// Camera intrinsics used for projection.
    pub intrinsics: CameraIntrinsics,
    /// Where `intrinsics` came from.
    pub intrinsics_source: IntrinsicsSource,
    /// Problems found while opening.
    pub problems: Vec<DatasetError>,
    camera_dir: PathBuf,
}

/// The annotations of one frame that the viewer shows. A field is `None` when the take
/// has no such folder or the file is broken; broken files are listed in `problems`.
#[derive(Clone, Debug, Default)]
pub struct FrameAnnotations {
    /// Ground-truth hand joints, metres.
    pub hands: Option<TwoHands>,
    /// Ground-truth object pose.
    pub object: Option<ObjectPose>,
    /// Action label id.
    pub action: Option<u32>,
    /// Verb label id.
    pub verb: Option<u32>,
    /// Messages for files that could not be read.
    pub problems: Vec<String>,
}

impl Take {
    /// Opens a take given its folder or its `cam4` folder.
    ///
    /// Fails only when there is no `cam4/rgb` folder to show; every other defect is
    /// recorded in `problems` and the take opens with what is good.
    pub fn open(path: &Path) -> Result<Take, DatasetError> {
        let (dir, camera_dir) = locate_camera_dir(path)?;
        let mut problems = Vec::new();
        let mut kinds = BTreeMap::new();
        for kind in FrameKind::ALL {
            let folder = camera_dir.join(kind.folder());
            if folder.is_dir() {
                kinds.insert(kind, list_frames(&folder, kind, &mut problems)?);
            }
        }
        let Some(rgb) = kinds.get(&FrameKind::Rgb) else {
            return Err(DatasetError::MissingFolder {
                path: camera_dir.join(FrameKind::Rgb.folder()),
                what: "the RGB frames of the take".into(),
            });
        };
        let frames: Vec<u32> = rgb.iter().copied().collect();
        check_contiguous(
            &camera_dir.join(FrameKind::Rgb.folder()),
            &frames,
            &mut problems,
        );
        for (kind, present) in &kinds {
            if *kind != FrameKind::Rgb && *kind != FrameKind::PseudoDepth {
                check_coverage(&camera_dir.join(kind.folder()), rgb, present, &mut problems);
            }
        }
        let (intrinsics, intrinsics_source) = read_intrinsics(&camera_dir, &mut problems);
        Ok(Take {
            name: take_name(&dir),
            dir,
            frames,
            kinds,
            intrinsics,
            intrinsics_source,
            problems,
            camera_dir,
        })
    }

    /// Number of RGB frames.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// Whether the take has a folder of this kind.
    pub fn has(&self, kind: FrameKind) -> bool {
        self.kinds.contains_key(&kind)
    }

    /// Whether frame `number` exists for `kind`.
    pub fn has_frame(&self, kind: FrameKind, number: u32) -> bool {
        self.kinds
            .get(&kind)
            .is_some_and(|frames| frames.contains(&number))
    }

    /// Kinds that this take lacks.
    pub fn missing_kinds(&self) -> Vec<FrameKind> {
        FrameKind::ALL
            .into_iter()
            .filter(|kind| !self.has(*kind))
            .collect()
    }

    /// The `cam4` folder.
    pub fn camera_dir(&self) -> &Path {
        &self.camera_dir
    }

    /// Path of frame `number` of `kind`.
    pub fn path_of(&self, kind: FrameKind, number: u32) -> PathBuf {
        self.camera_dir
            .join(kind.folder())
            .join(kind.file_name(number))
    }

    /// Reads RGB frame `number`; it must have the intrinsics' size.
    pub fn read_rgb(&self, number: u32) -> Result<RgbImage, DatasetError> {
        images::read_rgb(
            &self.path_of(FrameKind::Rgb, number),
            Some(self.frame_size()),
        )
    }

    /// Reads ground-truth depth frame `number` (millimetres).
    pub fn read_depth_mm(&self, number: u32) -> Result<DepthMillimetres, DatasetError> {
        images::read_depth_mm(
            &self.path_of(FrameKind::Depth, number),
            Some(self.frame_size()),
        )
    }

    /// Reads the ground-truth hand pose of frame `number` (metres).
    pub fn read_hand_pose(&self, number: u32) -> Result<TwoHands, DatasetError> {
        annotations::read_with(
            &self.path_of(FrameKind::HandPose, number),
            annotations::parse_hand_pose,
        )
    }

    /// Reads the ground-truth object pose of frame `number`.
    pub fn read_object_pose(&self, number: u32) -> Result<ObjectPose, DatasetError> {
        annotations::read_with(
            &self.path_of(FrameKind::ObjectPose, number),
            annotations::parse_object_pose,
        )
    }

    /// Reads an action or verb label of frame `number`.
    pub fn read_label(&self, kind: FrameKind, number: u32) -> Result<u32, DatasetError> {
        annotations::read_with(&self.path_of(kind, number), |text| {
            annotations::parse_frame_label(text, kind)
        })
    }

    /// Reads every annotation the viewer shows for frame `number`, collecting failures
    /// instead of stopping at the first.
    pub fn read_annotations(&self, number: u32) -> FrameAnnotations {
        let mut annotations = FrameAnnotations::default();
        let mut problems = Vec::new();
        annotations.hands = self.read_if_present(FrameKind::HandPose, number, &mut problems, |n| {
            self.read_hand_pose(n)
        });
        annotations.object =
            self.read_if_present(FrameKind::ObjectPose, number, &mut problems, |n| {
                self.read_object_pose(n)
            });
        annotations.action =
            self.read_if_present(FrameKind::ActionLabel, number, &mut problems, |n| {
                self.read_label(FrameKind::ActionLabel, n)
            });
        annotations.verb = self.read_if_present(FrameKind::VerbLabel, number, &mut problems, |n| {
            self.read_label(FrameKind::VerbLabel, n)
        });
        annotations.problems = problems;
        annotations
    }

    /// The action label of every RGB frame (`None` where missing or unreadable), with
    /// the errors met. Empty when the take has no `action_label` folder.
    pub fn read_action_labels(&self) -> (Vec<Option<u32>>, Vec<DatasetError>) {
        if !self.has(FrameKind::ActionLabel) {
            return (Vec::new(), Vec::new());
        }
        let mut errors = Vec::new();
        let labels = self
            .frames
            .iter()
            .map(|&number| {
                if !self.has_frame(FrameKind::ActionLabel, number) {
                    return None;
                }
                self.read_label(FrameKind::ActionLabel, number)
                    .map_err(|error| errors.push(error))
                    .ok()
            })
            .collect();
        (labels, errors)
    }

    /// Frame size (width, height) the take's images must have.
    pub fn frame_size(&self) -> (u32, u32) {
        (self.intrinsics.width, self.intrinsics.height)
    }

    fn read_if_present<T>(
        &self,
        kind: FrameKind,
        number: u32,
        problems: &mut Vec<String>,
        read: impl FnOnce(u32) -> Result<T, DatasetError>,
    ) -> Option<T> {
        if !self.has_frame(kind, number) {
            if self.has(kind) {
                problems.push(format!("{}: missing", self.path_of(kind, number).display()));
            }
            return None;
        }
        read(number)
            .map_err(|error| problems.push(error.to_string()))
            .ok()
    }
}

fn locate_camera_dir(path: &Path) -> Result<(PathBuf, PathBuf), DatasetError> {
    if path.join(EGO_CAMERA_FOLDER).is_dir() {
        return Ok((path.to_path_buf(), path.join(EGO_CAMERA_FOLDER)));
    }
    if path
        .file_name()
        .is_some_and(|name| name == EGO_CAMERA_FOLDER)
        && path.is_dir()
    {
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok((parent, path.to_path_buf()));
    }
    if !path.exists() {
        return Err(DatasetError::NotADataset {
            path: path.to_path_buf(),
            message: "no such file or folder".into(),
        });
    }
    Err(DatasetError::NotADataset {
        path: path.to_path_buf(),
        message: format!("not an H2O take: expected a folder with {EGO_CAMERA_FOLDER}/rgb inside"),
    })
}

fn list_frames(
    folder: &Path,
    kind: FrameKind,
    problems: &mut Vec<DatasetError>,
) -> Result<BTreeSet<u32>, DatasetError> {
    let entries = std::fs::read_dir(folder).map_err(|source| DatasetError::io(folder, source))?;
    let mut frames = BTreeSet::new();
    let mut unexpected = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DatasetError::io(folder, source))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        match frame_number(&name, kind) {
            Some(number) => {
                frames.insert(number);
            }
            None => unexpected.push(name),
        }
    }
    if !unexpected.is_empty() {
        unexpected.sort();
        problems.push(DatasetError::Frames {
            folder: folder.to_path_buf(),
            message: format!(
                "{} unexpected file(s), e.g. `{}` (expected NNNNNN.{})",
                unexpected.len(),
                unexpected[0],
                kind.extension()
            ),
        });
    }
    Ok(frames)
}

fn frame_number(name: &str, kind: FrameKind) -> Option<u32> {
    let stem = name.strip_suffix(kind.extension())?.strip_suffix('.')?;
    (stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit()))
        .then(|| stem.parse().ok())
        .flatten()
}

fn check_contiguous(folder: &Path, frames: &[u32], problems: &mut Vec<DatasetError>) {
    let Some(&last) = frames.last() else {
        problems.push(DatasetError::Frames {
            folder: folder.to_path_buf(),
            message: "no frames".into(),
        });
        return;
    };
    let present: BTreeSet<u32> = frames.iter().copied().collect();
    let missing: Vec<u32> = (0..=last).filter(|n| !present.contains(n)).collect();
    if !missing.is_empty() {
        problems.push(DatasetError::Frames {
            folder: folder.to_path_buf(),
            message: format!(
                "frame gap: {} missing ({}); expected 000000..{last:06} without gaps",
                missing.len(),
                list_numbers(&missing)
            ),
        });
    }
}

fn check_coverage(
    folder: &Path,
    rgb: &BTreeSet<u32>,
    present: &BTreeSet<u32>,
    problems: &mut Vec<DatasetError>,
) {
    let missing: Vec<u32> = rgb.difference(present).copied().collect();
    if !missing.is_empty() {
        problems.push(DatasetError::Frames {
            folder: folder.to_path_buf(),
            message: format!(
                "{} of {} RGB frames have no file here ({})",
                missing.len(),
                rgb.len(),
                list_numbers(&missing)
            ),
        });
    }
    let extra: Vec<u32> = present.difference(rgb).copied().collect();
    if !extra.is_empty() {
        problems.push(DatasetError::Frames {
            folder: folder.to_path_buf(),
            message: format!(
                "{} file(s) without an RGB frame ({})",
                extra.len(),
                list_numbers(&extra)
            ),
        });
    }
}

fn read_intrinsics(
    camera_dir: &Path,
    problems: &mut Vec<DatasetError>,
) -> (CameraIntrinsics, IntrinsicsSource) {
    let path = camera_dir.join(INTRINSICS_FILE);
    if !path.is_file() {
        problems.push(DatasetError::Parse {
            path,
            message: "missing; using SHARP's fixed cam4 intrinsics".into(),
        });
        return (
            CameraIntrinsics::H2O_CAM4_DEFAULT,
            IntrinsicsSource::SharpDefault,
        );
    }
    match annotations::read_with(&path, annotations::parse_intrinsics) {
        Ok(intrinsics) => (intrinsics, IntrinsicsSource::TakeFile),
        Err(error) => {
            problems.push(error);
            (
                CameraIntrinsics::H2O_CAM4_DEFAULT,
                IntrinsicsSource::SharpDefault,
            )
        }
    }
}

/// `subjectN/scene/take` from the last three components of a take folder.
fn take_name(dir: &Path) -> String {
    let parts: Vec<String> = dir
        .components()
        .rev()
        .take(3)
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Formats frame numbers for a message: the first few, then a count.
fn list_numbers(numbers: &[u32]) -> String {
    const SHOWN: usize = 5;
    let mut text = numbers
        .iter()
        .take(SHOWN)
        .map(|n| format!("{n:06}"))
        .collect::<Vec<_>>()
        .join(", ");
    if numbers.len() > SHOWN {
        text.push_str(&format!(", ... {} more", numbers.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_numbers_need_six_digits_and_the_right_extension() {
        assert_eq!(frame_number("000042.png", FrameKind::Rgb), Some(42));
        assert_eq!(frame_number("42.png", FrameKind::Rgb), None);
        assert_eq!(frame_number("000042.txt", FrameKind::Rgb), None);
        assert_eq!(frame_number("000042.txt", FrameKind::HandPose), Some(42));
        assert_eq!(frame_number("00004a.txt", FrameKind::HandPose), None);
    }

    #[test]
    fn long_lists_are_shortened() {
        assert_eq!(list_numbers(&[1, 2]), "000001, 000002");
        assert!(list_numbers(&(0..9).collect::<Vec<_>>()).ends_with("... 4 more"));
    }

    #[test]
    fn take_names_use_the_last_three_folders() {
        assert_eq!(
            take_name(Path::new("/data/h2o/subject1/h1/0")),
            "subject1/h1/0"
        );
    }
}
