//! What a path the user gave (command line, dialog, drag-and-drop) is.

use std::path::Path;

use crate::dataset::EGO_CAMERA_FOLDER;

/// File extensions opened as video.
pub const VIDEO_EXTENSIONS: [&str; 6] = ["mp4", "mkv", "mov", "avi", "webm", "m4v"];

/// Whether `path`'s extension is one of `extensions` (compared without case).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extensions
                .iter()
                .any(|wanted| extension.eq_ignore_ascii_case(wanted))
        })
}

/// What a path points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// A take folder (or its `cam4`).
    Take,
    /// A folder with takes below it (an H2O root, a subject or a scene folder).
    DatasetRoot,
    /// A video file.
    Video,
    /// Something else.
    Unknown,
}

/// Classifies `path` by looking at it (no deep scan).
pub fn classify_path(path: &Path) -> PathKind {
    if path.is_file() {
        let is_video = has_extension(path, &VIDEO_EXTENSIONS);
        return if is_video {
            PathKind::Video
        } else {
            PathKind::Unknown
        };
    }
    if !path.is_dir() {
        return PathKind::Unknown;
    }
    let is_camera_folder = path
        .file_name()
        .is_some_and(|name| name == EGO_CAMERA_FOLDER);
    if path.join(EGO_CAMERA_FOLDER).is_dir() || is_camera_folder {
        return PathKind::Take;
    }
    PathKind::DatasetRoot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_files_are_matched_by_extension_without_case() {
        let extensions: &[&str] = &["mp4", "mkv"];
        assert!(has_extension(Path::new("/x/clip.MP4"), extensions));
        assert!(has_extension(Path::new("clip.mkv"), extensions));
        assert!(!has_extension(Path::new("clip.mp4.txt"), extensions));
        assert!(!has_extension(Path::new("mp4"), extensions));
    }

    #[test]
    fn tells_takes_roots_and_videos_apart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let take = dir.path().join("subject1/h1/0");
        std::fs::create_dir_all(take.join("cam4/rgb")).expect("mkdir");
        let video = dir.path().join("walk.MP4");
        std::fs::write(&video, b"").expect("write");
        assert_eq!(classify_path(&take), PathKind::Take);
        assert_eq!(classify_path(&take.join("cam4")), PathKind::Take);
        assert_eq!(classify_path(dir.path()), PathKind::DatasetRoot);
        assert_eq!(classify_path(&video), PathKind::Video);
        assert_eq!(classify_path(&dir.path().join("none")), PathKind::Unknown);
    }
}
