use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::{Frame, FrameSource, SourceError, SourceInfo, SourceKind};
use crate::dataset::{FrameKind, IntrinsicsSource, Split, Splits, Take};
use crate::sample::SAMPLE_MARKER_FILE;

/// H2O recordings run at 30 frames per second.
const H2O_FPS: f32 = 30.0;

/// An H2O take on disk as a frame source. Cheap to split into parallel readers.
pub struct TakeSource {
    take: Arc<Take>,
    info: Arc<SourceInfo>,
}

impl TakeSource {
    /// Opens the take at `path` (the take folder or its `cam4`).
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let take = Take::open(path)?;
        let (mut action_labels, label_errors) = take.read_action_labels();
        let mut problems: Vec<String> = take.problems.iter().map(ToString::to_string).collect();
        problems.extend(label_errors.iter().map(ToString::to_string));
        if action_labels.is_empty() {
            action_labels = labels_from_split_files(&take);
        }
        let missing = take.missing_kinds();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|kind| kind.folder()).collect();
            tracing::info!("{}: no {} folder(s)", take.name, names.join(", "));
        }
        let info = SourceInfo {
            name: take.name.clone(),
            kind: SourceKind::Take,
            frame_count: take.frame_count(),
            fps: H2O_FPS,
            intrinsics: take.intrinsics,
            intrinsics_origin: match take.intrinsics_source {
                IntrinsicsSource::TakeFile => "take's cam_intrinsics.txt".into(),
                IntrinsicsSource::SharpDefault => {
                    "SHARP's fixed cam4 matrix (take has none)".into()
                }
            },
            synthetic: is_generated_sample(&take.dir),
            live: false,
            has_depth: take.has(FrameKind::Depth),
            action_labels,
            problems,
        };
        Ok(Self {
            take: Arc::new(take),
            info: Arc::new(info),
        })
    }

    /// The underlying take.
    pub fn take(&self) -> &Take {
        &self.take
    }
}

impl FrameSource for TakeSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn split_reader(&self) -> Option<Box<dyn FrameSource>> {
        Some(Box::new(Self {
            take: Arc::clone(&self.take),
            info: Arc::clone(&self.info),
        }))
    }

    fn read(&mut self, position: usize) -> Result<Frame, SourceError> {
        let started = Instant::now();
        let number = *self
            .take
            .frames
            .get(position)
            .ok_or(SourceError::OutOfRange {
                position,
                count: self.take.frame_count(),
            })?;
        let rgb = Arc::new(self.take.read_rgb(number)?);
        let mut annotations = self.take.read_annotations(number);
        let depth_mm = if self.take.has_frame(FrameKind::Depth, number) {
            self.take
                .read_depth_mm(number)
                .map(Arc::new)
                .map_err(|error| annotations.problems.push(error.to_string()))
                .ok()
        } else {
            None
        };
        Ok(Frame {
            position,
            number,
            rgb,
            depth_mm,
            annotations,
            intrinsics: self.info.intrinsics,
            read_time: started.elapsed(),
        })
    }
}

/// Per-frame action labels from the action split files at the dataset root, for a take
/// without an `action_label` folder: the labelled segments' ids, background (0) between
/// them; empty when no split file lists the take or the split has no labels (test).
fn labels_from_split_files(take: &Take) -> Vec<Option<u32>> {
    let Some(root) = take.dir.ancestors().nth(3) else {
        return Vec::new();
    };
    let has_action_files = Split::ALL
        .iter()
        .any(|split| root.join(split.action_file_name()).is_file());
    if !has_action_files {
        return Vec::new();
    }
    let (splits, _problems) = Splits::load(root);
    let segments: Vec<_> = splits
        .segments_of(&take.name)
        .filter_map(|(_, segment)| {
            segment
                .action
                .map(|id| (segment.start_act..=segment.end_act, id))
        })
        .collect();
    if segments.is_empty() {
        return Vec::new();
    }
    tracing::info!("{}: action labels from the split files", take.name);
    take.frames
        .iter()
        .map(|number| {
            let id = segments
                .iter()
                .find(|(range, _)| range.contains(number))
                .map_or(0, |(_, id)| *id);
            Some(id)
        })
        .collect()
}

/// Whether the take lies in a dataset written by the sample generator.
fn is_generated_sample(take_dir: &Path) -> bool {
    take_dir
        .ancestors()
        .take(5)
        .any(|dir| dir.join(SAMPLE_MARKER_FILE).is_file())
}
