//! The index behind the dataset browser: subjects, scenes and takes under an H2O root,
//! each take's frame count, what it lacks, and which splits list it.
//!
//! Scanning lists folders and counts RGB files only (no annotation is parsed), so a
//! full H2O copy is indexed in about a second; opening a take checks it thoroughly.

use std::path::{Path, PathBuf};

use crate::dataset::{
    DatasetError, EGO_CAMERA_FOLDER, FrameKind, INTRINSICS_FILE, Split, Splits, natural_cmp,
};
use crate::sample::SAMPLE_MARKER_FILE;

/// Whether a take can be opened, and what it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TakeHealth {
    /// Everything the viewer shows is there.
    Complete,
    /// It opens, but some of what the viewer shows is missing (one note each).
    Incomplete(Vec<String>),
    /// It cannot be opened, and why.
    Broken(String),
}

/// One take in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogTake {
    /// Take folder name (`0`, `1`, ...).
    pub name: String,
    /// `subject/scene/take`, as the split files name it.
    pub relative: String,
    /// The take folder.
    pub path: PathBuf,
    /// RGB frames found.
    pub frames: usize,
    /// Whether it opens.
    pub health: TakeHealth,
    /// Pose splits listing frames of this take.
    pub pose_splits: Vec<Split>,
    /// Action segments of this take: split and action id (`None` in the test split).
    pub action_segments: Vec<(Split, Option<u32>)>,
}

impl CatalogTake {
    /// Split membership in words, e.g. `pose: train · action: train (3)`.
    pub fn split_summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.pose_splits.is_empty() {
            let names: Vec<&str> = self.pose_splits.iter().map(|s| s.name()).collect();
            parts.push(format!("pose: {}", names.join(", ")));
        }
        let mut action_splits: Vec<Split> = self.action_segments.iter().map(|(s, _)| *s).collect();
        action_splits.dedup();
        for split in action_splits {
            let count = self
                .action_segments
                .iter()
                .filter(|(s, _)| *s == split)
                .count();
            parts.push(format!("action: {} ({count})", split.name()));
        }
        if parts.is_empty() {
            "in no split".into()
        } else {
            parts.join(" · ")
        }
    }
}

/// A scene folder and its takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneEntry {
    /// Folder name (`h1`, `k2`, ...).
    pub name: String,
    /// Takes in natural order.
    pub takes: Vec<CatalogTake>,
}

/// A subject folder and its scenes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectEntry {
    /// Folder name (`subject1`, ...).
    pub name: String,
    /// Scenes in natural order.
    pub scenes: Vec<SceneEntry>,
}

/// Everything under a dataset root.
#[derive(Clone, Debug)]
pub struct DatasetCatalog {
    /// The root.
    pub root: PathBuf,
    /// Subjects in natural order.
    pub subjects: Vec<SubjectEntry>,
    /// Split files found at the root.
    pub split_files: Vec<String>,
    /// Problems with the split files.
    pub problems: Vec<String>,
    /// Whether the root is the generated synthetic sample.
    pub synthetic: bool,
}

impl DatasetCatalog {
    /// Scans `root` (`subject*/<scene>/<take>`). Fails only when `root` is not a folder
    /// or has no subject folder; broken takes are listed with the reason.
    pub fn scan(root: &Path) -> Result<Self, DatasetError> {
        let not_a_dataset = |message: &str| DatasetError::NotADataset {
            path: root.to_path_buf(),
            message: message.into(),
        };
        if !root.is_dir() {
            return Err(not_a_dataset("not a folder"));
        }
        let (splits, split_problems) = Splits::load(root);
        let split_files = Split::ALL
            .iter()
            .flat_map(|split| [split.pose_file_name(), split.action_file_name()])
            .filter(|name| root.join(name).is_file())
            .collect();
        let mut subjects = Vec::new();
        for subject_dir in subfolders(root)? {
            let name = folder_name(&subject_dir);
            if !name.starts_with("subject") {
                continue;
            }
            let mut scenes = Vec::new();
            for scene_dir in subfolders(&subject_dir)? {
                let scene = folder_name(&scene_dir);
                let takes = subfolders(&scene_dir)?
                    .into_iter()
                    .map(|take_dir| {
                        let relative = format!("{name}/{scene}/{}", folder_name(&take_dir));
                        describe_take(take_dir, relative, &splits)
                    })
                    .collect::<Vec<_>>();
                if !takes.is_empty() {
                    scenes.push(SceneEntry { name: scene, takes });
                }
            }
            subjects.push(SubjectEntry { name, scenes });
        }
        if subjects.is_empty() {
            return Err(not_a_dataset(
                "no subject* folders: expected subject*/<scene>/<take>/cam4 below it",
            ));
        }
        Ok(Self {
            root: root.to_path_buf(),
            subjects,
            split_files,
            problems: split_problems.iter().map(ToString::to_string).collect(),
            synthetic: root.join(SAMPLE_MARKER_FILE).is_file(),
        })
    }

    /// Every take, in order.
    pub fn takes(&self) -> impl Iterator<Item = &CatalogTake> {
        self.subjects
            .iter()
            .flat_map(|subject| &subject.scenes)
            .flat_map(|scene| &scene.takes)
    }
}

fn describe_take(path: PathBuf, relative: String, splits: &Splits) -> CatalogTake {
    let (frames, health) = inspect_take(&path);
    let has_split_labels = splits
        .segments_of(&relative)
        .any(|(_, segment)| segment.action.is_some());
    let health = match health {
        TakeHealth::Incomplete(notes) => {
            let notes: Vec<String> = notes
                .into_iter()
                .filter(|note| {
                    !(has_split_labels && note.contains(FrameKind::ActionLabel.folder()))
                })
                .collect();
            if notes.is_empty() {
                TakeHealth::Complete
            } else {
                TakeHealth::Incomplete(notes)
            }
        }
        other => other,
    };
    CatalogTake {
        name: folder_name(&path),
        pose_splits: splits.pose_splits_of(&relative),
        action_segments: splits
            .segments_of(&relative)
            .map(|(split, segment)| (split, segment.action))
            .collect(),
        relative,
        path,
        frames,
        health,
    }
}

/// Frame count and health from the folder structure.
fn inspect_take(path: &Path) -> (usize, TakeHealth) {
    let camera = path.join(EGO_CAMERA_FOLDER);
    if !camera.is_dir() {
        return (
            0,
            TakeHealth::Broken(format!("no {EGO_CAMERA_FOLDER} folder")),
        );
    }
    let rgb = camera.join(FrameKind::Rgb.folder());
    if !rgb.is_dir() {
        return (
            0,
            TakeHealth::Broken(format!("no {EGO_CAMERA_FOLDER}/rgb folder")),
        );
    }
    let frames = match std::fs::read_dir(&rgb) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|entry| is_frame_file(&entry.file_name().to_string_lossy()))
            .count(),
        Err(error) => {
            return (
                0,
                TakeHealth::Broken(format!("cannot read {}: {error}", rgb.display())),
            );
        }
    };
    if frames == 0 {
        return (
            0,
            TakeHealth::Broken(format!("no NNNNNN.png frames in {EGO_CAMERA_FOLDER}/rgb")),
        );
    }
    let mut notes = Vec::new();
    if !camera.join(INTRINSICS_FILE).is_file() {
        notes.push(format!(
            "no {INTRINSICS_FILE} (SHARP's fixed matrix is used)"
        ));
    }
    for kind in [
        FrameKind::Depth,
        FrameKind::HandPose,
        FrameKind::ActionLabel,
    ] {
        if !camera.join(kind.folder()).is_dir() {
            notes.push(format!("no {} folder", kind.folder()));
        }
    }
    let health = if notes.is_empty() {
        TakeHealth::Complete
    } else {
        TakeHealth::Incomplete(notes)
    };
    (frames, health)
}

fn is_frame_file(name: &str) -> bool {
    name.strip_suffix(".png")
        .is_some_and(|stem| stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit()))
}

fn subfolders(dir: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DatasetError::io(dir, source))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort_by(|a, b| natural_cmp(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(folders)
}

fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}
