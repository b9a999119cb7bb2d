//! Writing the sample in the H2O layout: per-frame PNGs and annotation text files, the
//! split lists, the synthetic-data marker, and the temp-folder-then-rename dance that
//! makes generation atomic.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use glam::Vec3;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use super::SampleError;
use crate::geometry::{CameraIntrinsics, HandJoints};

/// Split names in the order takes are dealt to them (take 0 goes to `val`).
pub const SPLITS: [&str; 3] = ["val", "test", "train"];

/// Everything annotated about one frame (camera frame, metres).
pub struct FrameAnnotations {
    /// Left and right hand joints; `None` where the hand is not in view.
    pub hands: [Option<HandJoints>; 2],
    /// H2O object class id.
    pub object_class: u32,
    /// The 21 object box points, camera frame.
    pub object_points: [Vec3; 21],
    /// Object to camera, row-major 4x4.
    pub object_to_camera: [f32; 16],
    /// Camera to world, row-major 4x4.
    pub camera_to_world: [f32; 16],
    /// Action label.
    pub action: u32,
    /// Verb label.
    pub verb: u32,
}

/// One take as the split files see it.
pub struct TakeRecord {
    /// Take folder relative to the root, `/`-separated, without `cam4`.
    pub relative: String,
    /// Per-frame action labels.
    pub actions: Vec<u32>,
}

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> SampleError {
    let path = path.to_path_buf();
    move |source| SampleError::Io {
        path,
        action,
        source,
    }
}

/// Creates a folder and its parents.
pub fn create_dir(path: &Path) -> Result<(), SampleError> {
    fs::create_dir_all(path).map_err(io_error(path, "could not create folder"))
}

/// Writes a whole text file.
pub fn write_text(path: &Path, text: &str) -> Result<(), SampleError> {
    fs::write(path, text).map_err(io_error(path, "could not write"))
}

/// Formats an `f32` so that parsing it back gives the same value (shortest round-trip
/// representation, never `-0`).
pub fn number(value: f32) -> String {
    format!("{}", value + 0.0)
}

fn push_numbers(line: &mut String, values: impl IntoIterator<Item = f32>) {
    for value in values {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&number(value));
    }
}

fn push_integer(line: &mut String, value: u32) {
    if !line.is_empty() {
        line.push(' ');
    }
    let _ = write!(line, "{value}");
}

/// The `hand_pose` line: left flag, 63 values, right flag, 63 values.
pub fn hand_pose_line(hands: &[Option<HandJoints>; 2]) -> String {
    let mut line = String::new();
    for hand in hands {
        match hand {
            Some(joints) => {
                push_integer(&mut line, 1);
                push_numbers(&mut line, joints.iter().flat_map(|j| j.to_array()));
            }
            None => {
                push_integer(&mut line, 0);
                push_numbers(&mut line, [0.0; 63]);
            }
        }
    }
    line.push('\n');
    line
}

/// Writes the annotation text files of frame `frame` under `cam4`.
pub fn write_annotations(
    cam4: &Path,
    frame: usize,
    a: &FrameAnnotations,
) -> Result<(), SampleError> {
    let name = format!("{frame:06}.txt");
    write_text(
        &cam4.join("hand_pose").join(&name),
        &hand_pose_line(&a.hands),
    )?;

    let mut line = String::new();
    push_integer(&mut line, a.object_class);
    push_numbers(&mut line, a.object_points.iter().flat_map(|p| p.to_array()));
    line.push('\n');
    write_text(&cam4.join("obj_pose").join(&name), &line)?;

    let mut line = String::new();
    push_integer(&mut line, a.object_class);
    push_numbers(&mut line, a.object_to_camera);
    line.push('\n');
    write_text(&cam4.join("obj_pose_rt").join(&name), &line)?;

    let mut line = String::new();
    push_numbers(&mut line, a.camera_to_world);
    line.push('\n');
    write_text(&cam4.join("cam_pose").join(&name), &line)?;

    write_text(
        &cam4.join("action_label").join(&name),
        &format!("{}\n", a.action),
    )?;
    write_text(
        &cam4.join("verb_label").join(&name),
        &format!("{}\n", a.verb),
    )?;
    Ok(())
}

/// Per-frame folders under `cam4`.
pub const FRAME_FOLDERS: [&str; 8] = [
    "rgb",
    "depth",
    "hand_pose",
    "obj_pose",
    "obj_pose_rt",
    "cam_pose",
    "action_label",
    "verb_label",
];

/// Creates `cam4` with its per-frame folders and `cam_intrinsics.txt`.
pub fn prepare_cam4(cam4: &Path, intrinsics: &CameraIntrinsics) -> Result<(), SampleError> {
    for folder in FRAME_FOLDERS {
        create_dir(&cam4.join(folder))?;
    }
    let k = intrinsics;
    let mut line = String::new();
    push_numbers(&mut line, [k.fx, k.fy, k.cx, k.cy]);
    push_integer(&mut line, k.width);
    push_integer(&mut line, k.height);
    line.push('\n');
    write_text(&cam4.join("cam_intrinsics.txt"), &line)
}

fn write_png(
    path: &Path,
    bytes: &[u8],
    width: usize,
    height: usize,
    colour: image::ExtendedColorType,
) -> Result<(), SampleError> {
    let file = fs::File::create(path).map_err(io_error(path, "could not create"))?;
    let mut out = BufWriter::new(file);
    let png_error = |source| SampleError::Png {
        path: path.to_path_buf(),
        source,
    };
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(bytes, width as u32, height as u32, colour)
        .map_err(png_error)?;
    out.flush().map_err(io_error(path, "could not write"))
}

/// Writes an RGB8 PNG.
pub fn write_rgb_png(
    path: &Path,
    rgb: &[u8],
    width: usize,
    height: usize,
) -> Result<(), SampleError> {
    write_png(path, rgb, width, height, image::ExtendedColorType::Rgb8)
}

/// Writes a 16-bit grey PNG (depth in millimetres).
pub fn write_depth_png(
    path: &Path,
    depth: &[u16],
    width: usize,
    height: usize,
) -> Result<(), SampleError> {
    let bytes: Vec<u8> = depth.iter().flat_map(|d| d.to_ne_bytes()).collect();
    write_png(path, &bytes, width, height, image::ExtendedColorType::L16)
}

/// Maximal runs `(label, first, last)` of a constant non-zero label.
pub fn action_runs(labels: &[u32]) -> Vec<(u32, usize, usize)> {
    let mut runs: Vec<(u32, usize, usize)> = Vec::new();
    for (frame, &label) in labels.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if run.0 == label && run.2 + 1 == frame => run.2 = frame,
            _ if label != 0 => runs.push((label, frame, frame)),
            _ => {}
        }
    }
    runs
}

/// Writes `pose_<split>.txt` and `action_<split>.txt` for every split (empty ones too),
/// dealing takes round-robin to [`SPLITS`].
pub fn write_splits(root: &Path, takes: &[TakeRecord]) -> Result<(), SampleError> {
    for (index, split) in SPLITS.iter().enumerate() {
        let mine = takes.iter().skip(index).step_by(SPLITS.len());
        let mut pose = String::new();
        let mut action = String::from(if *split == "test" {
            "id path start_act end_act start_frame end_frame\n"
        } else {
            "id path action_label start_act end_act start_frame end_frame\n"
        });
        let mut id = 1;
        for take in mine {
            for frame in 0..take.actions.len() {
                let _ = writeln!(pose, "{}/cam4/rgb/{frame:06}.png", take.relative);
            }
            let last = take.actions.len().saturating_sub(1);
            for (label, start, end) in action_runs(&take.actions) {
                let _ = if *split == "test" {
                    writeln!(action, "{id} {} {start} {end} 0 {last}", take.relative)
                } else {
                    writeln!(
                        action,
                        "{id} {} {label} {start} {end} 0 {last}",
                        take.relative
                    )
                };
                id += 1;
            }
        }
        write_text(&root.join(format!("pose_{split}.txt")), &pose)?;
        write_text(&root.join(format!("action_{split}.txt")), &action)?;
    }
    Ok(())
}

/// The sibling folder a sample for `root` is built in before being renamed into place.
pub fn partial_path(root: &Path) -> Result<PathBuf, SampleError> {
    let name = root.file_name().ok_or_else(|| SampleError::InvalidRoot {
        root: root.to_path_buf(),
    })?;
    let mut partial = name.to_os_string();
    partial.push(format!(".partial-{}", std::process::id()));
    Ok(root.with_file_name(partial))
}

/// Fails unless `root` is absent or an empty folder.
pub fn check_root_is_free(root: &Path) -> Result<(), SampleError> {
    match fs::symlink_metadata(root) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SampleError::Io {
            path: root.to_path_buf(),
            action: "could not inspect",
            source,
        }),
        Ok(meta) if !meta.is_dir() => Err(SampleError::RootNotEmpty {
            root: root.to_path_buf(),
        }),
        Ok(_) => {
            let mut entries = fs::read_dir(root).map_err(io_error(root, "could not list"))?;
            if entries.next().is_some() {
                Err(SampleError::RootNotEmpty {
                    root: root.to_path_buf(),
                })
            } else {
                Ok(())
            }
        }
    }
}

/// Moves the finished `partial` folder to `root` (replacing an empty `root` folder).
pub fn commit(partial: &Path, root: &Path) -> Result<(), SampleError> {
    check_root_is_free(root)?;
    if root.is_dir() {
        fs::remove_dir(root).map_err(io_error(root, "could not replace empty folder"))?;
    }
    fs::rename(partial, root).map_err(io_error(partial, "could not rename into place"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_have_no_negative_zero() {
        for value in [0.1f32, -0.123_456_79, 1.0, 636.6593, 1e-7, -0.0] {
            let text = number(value);
            assert_eq!(text.parse::<f32>().unwrap(), value, "{text}");
            assert!(!text.contains('e'), "{text}");
        }
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1.0), "1");
    }

    #[test]
    fn hand_pose_line_has_128_numbers() {
        let joints = [Vec3::new(0.1, -0.2, 0.5); 21];
        let line = hand_pose_line(&[None, Some(joints)]);
        let values: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(values.len(), 128);
        assert_eq!(values[0], "0");
        assert!(values[1..64].iter().all(|v| *v == "0"));
        assert_eq!(values[64], "1");
        assert_eq!(values[65], "0.1");
    }

    #[test]
    fn runs_split_on_label_changes_and_skip_background() {
        assert_eq!(
            action_runs(&[0, 5, 5, 23, 23, 23, 0, 13, 0]),
            vec![(5, 1, 2), (23, 3, 5), (13, 7, 7)]
        );
        assert_eq!(action_runs(&[0, 0]), vec![]);
        assert_eq!(action_runs(&[4, 4, 0, 4]), vec![(4, 0, 1), (4, 3, 3)]);
    }

    #[test]
    fn partial_is_a_sibling() {
        let partial = partial_path(Path::new("/tmp/x/sample")).unwrap();
        assert_eq!(partial.parent(), Some(Path::new("/tmp/x")));
        assert!(
            partial
                .to_string_lossy()
                .ends_with(&format!("sample.partial-{}", std::process::id()))
        );
        assert!(partial_path(Path::new("/")).is_err());
    }

    #[test]
    fn depth_png_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.png");
        let depth: Vec<u16> = (0..12).map(|i| i * 1000 + 7).collect();
        write_depth_png(&path, &depth, 4, 3).unwrap();
        let back = image::open(&path).unwrap().into_luma16();
        assert_eq!(back.into_raw(), depth);
    }
}
