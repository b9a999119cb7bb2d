//! Procedural sample data in the H2O layout, so that the viewer can be tried without the
//! real dataset.
//!
//! [`generate_sample`] renders takes of a synthetic egocentric scene (two hands made of
//! capsules and spheres reaching for a box-like object on a wooden table, with a cluttered
//! room behind) on the CPU and writes them exactly as H2O stores `cam4`: RGB and 16-bit
//! depth PNGs, hand and object poses, camera poses, action and verb labels, intrinsics,
//! and the split files at the root. A [`SAMPLE_MARKER_FILE`] at the root says the data is
//! synthetic.
//!
//! Per frame, `obj_pose` holds the object class id and 21 points of the object's 3D box in
//! the order documented in [`box_points`] (8 corners, centre, 12 edge midpoints), and
//! `obj_pose_rt` the class id and the object-to-camera matrix that maps those canonical
//! points to the written ones.
//!
//! Output is deterministic: the same options give byte-identical files (no clock, no
//! unseeded randomness). Generation is atomic: everything is written into a sibling
//! `ROOT.partial-<pid>` folder that is renamed to `ROOT` only once complete.

mod choreography;
mod hand_model;
mod noise;
mod object_box;
mod raster;
mod rng;
mod scene;
mod shadow;
mod writer;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::classes::verb_of_action;
use crate::geometry::{CameraIntrinsics, Hand};
use choreography::{TakeScript, frame_state};
use raster::RayTable;
use scene::{SceneRenderer, row_major};
use writer::{FrameAnnotations, TakeRecord};

pub use choreography::MIN_FRAMES;
pub use object_box::{BOX_EDGES, OBJECT_POINT_COUNT, box_points};

/// Name of the file written at the sample root to mark the data as synthetic.
pub const SAMPLE_MARKER_FILE: &str = "SHARP_VIEWER_SYNTHETIC_SAMPLE.json";

/// Version of the generator; bumped whenever the output changes.
pub const GENERATOR_VERSION: u32 = 1;

/// Subject folder of every generated take.
pub const SAMPLE_SUBJECT: &str = "subject1";
/// Scene folder of every generated take.
pub const SAMPLE_SCENE: &str = "h1";

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleOptions {
    /// Frames per take (30 fps); at least [`MIN_FRAMES`].
    pub frames: usize,
    /// Number of takes; at least 1. Takes are dealt to the val, test and train splits
    /// in turn.
    pub takes: usize,
    /// Sensor noise, in levels (RGB) and millimetres (depth): each value moves by a seeded
    /// uniform amount up to this much, so the PNGs weigh and decode like a real camera's.
    /// 0: clean renders.
    #[serde(default)]
    pub camera_noise: u8,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            frames: 90,
            takes: 1,
            camera_noise: 0,
        }
    }
}

/// Reported after every written frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleProgress {
    /// Index of the take being written (0-based).
    pub take: usize,
    /// Index of the frame just written, within its take (0-based).
    pub frame: usize,
    /// Frames per take.
    pub frames_total: usize,
}

/// What was generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleSummary {
    /// The take folders (`ROOT/subject1/h1/<take>`), each holding `cam4`.
    pub takes: Vec<PathBuf>,
    /// Frames in every take.
    pub frames_per_take: usize,
}

/// Contents of [`SAMPLE_MARKER_FILE`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleMarker {
    /// Always `true`: the data under this root is synthetic.
    pub synthetic: bool,
    /// Which program wrote it.
    pub generator: String,
    /// [`GENERATOR_VERSION`] of the writer.
    pub generator_version: u32,
    /// The options it was generated with.
    pub options: SampleOptions,
    /// Take folders relative to the root.
    pub takes: Vec<String>,
    /// Human-readable description.
    pub description: String,
}

/// Why generation failed. Every variant names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// Too few frames per take for every phase of the choreography.
    #[error(
        "cannot generate a sample in {}: {frames} frames per take requested, at least {minimum} are needed",
        .root.display()
    )]
    TooFewFrames {
        /// Requested root.
        root: PathBuf,
        /// Requested frames per take.
        frames: usize,
        /// Fewest frames allowed.
        minimum: usize,
    },
    /// Zero takes were requested.
    #[error("cannot generate a sample in {}: at least one take is needed", .root.display())]
    NoTakes {
        /// Requested root.
        root: PathBuf,
    },
    /// The root has no final folder name (`/`, `..`).
    #[error("cannot generate a sample in {}: the path does not end in a folder name", .root.display())]
    InvalidRoot {
        /// Requested root.
        root: PathBuf,
    },
    /// The root exists and is not an empty folder; nothing was touched.
    #[error("{} already exists and is not an empty folder; remove it or choose another", .root.display())]
    RootNotEmpty {
        /// Requested root.
        root: PathBuf,
    },
    /// A file system operation failed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, e.g. "could not write".
        action: &'static str,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Encoding or writing a PNG failed.
    #[error("could not write PNG {}: {source}", .path.display())]
    Png {
        /// The PNG file.
        path: PathBuf,
        /// The encoder error.
        #[source]
        source: image::ImageError,
    },
    /// The caller's progress callback asked to stop; nothing was left at `root`.
    #[error("generating the sample in {} was stopped", .root.display())]
    Stopped {
        /// Requested root.
        root: PathBuf,
    },
    /// The marker file could not be written or parsed.
    #[error("bad sample marker {}: {source}", .path.display())]
    Marker {
        /// The marker file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

/// Take folder relative to the root, `/`-separated.
fn take_relative(take: usize) -> String {
    format!("{SAMPLE_SUBJECT}/{SAMPLE_SCENE}/{take}")
}

/// Generates `options.takes` synthetic takes under `root`, calling `progress` after every
/// frame; `progress` returning [`ControlFlow::Break`] stops the generation
/// ([`SampleError::Stopped`]). `root` must not exist or be an empty folder; its parent
/// folders are created. On error nothing is left at `root` and the temporary folder is
/// removed.
pub fn generate_sample(
    root: &Path,
    options: &SampleOptions,
    progress: &mut dyn FnMut(SampleProgress) -> ControlFlow<()>,
) -> Result<SampleSummary, SampleError> {
    if options.frames < MIN_FRAMES {
        return Err(SampleError::TooFewFrames {
            root: root.to_path_buf(),
            frames: options.frames,
            minimum: MIN_FRAMES,
        });
    }
    if options.takes == 0 {
        return Err(SampleError::NoTakes {
            root: root.to_path_buf(),
        });
    }
    let partial = writer::partial_path(root)?;
    writer::check_root_is_free(root)?;
    if let Some(parent) = partial.parent().filter(|p| !p.as_os_str().is_empty()) {
        writer::create_dir(parent)?;
    }
    if partial.exists() {
        // A leftover of an earlier run of a process with our id: it is ours to remove.
        std::fs::remove_dir_all(&partial).map_err(|source| SampleError::Io {
            path: partial.clone(),
            action: "could not remove stale temporary folder",
            source,
        })?;
    }
    let result = write_sample(&partial, options, progress)
        .and_then(|()| writer::commit(&partial, root))
        .map_err(|error| match error {
            // Raised deep in the writer, which knows only the temporary folder.
            SampleError::Stopped { .. } => SampleError::Stopped {
                root: root.to_path_buf(),
            },
            other => other,
        });
    if result.is_err() {
        // Best effort: the error being reported matters more than a failed clean-up.
        let _ = std::fs::remove_dir_all(&partial);
    }
    result?;
    Ok(SampleSummary {
        takes: (0..options.takes)
            .map(|take| {
                root.join(SAMPLE_SUBJECT)
                    .join(SAMPLE_SCENE)
                    .join(take.to_string())
            })
            .collect(),
        frames_per_take: options.frames,
    })
}

/// Reads the marker of a sample root: `Ok(None)` when the root has none (real data).
pub fn read_marker(root: &Path) -> Result<Option<SampleMarker>, SampleError> {
    let path = root.join(SAMPLE_MARKER_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SampleError::Io {
                path,
                action: "could not read",
                source,
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| SampleError::Marker { path, source })
}

/// Whether `dir` holds a finished synthetic sample (its marker is present and readable).
/// Generation is atomic, so a marked root is complete.
pub fn is_complete_sample(dir: &Path) -> bool {
    matches!(read_marker(dir), Ok(Some(marker)) if marker.synthetic)
}

fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8)
}

fn write_sample(
    dir: &Path,
    options: &SampleOptions,
    progress: &mut dyn FnMut(SampleProgress) -> ControlFlow<()>,
) -> Result<(), SampleError> {
    writer::create_dir(dir)?;
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT;
    let mut records = Vec::with_capacity(options.takes);
    for take in 0..options.takes {
        let relative = take_relative(take);
        let cam4 = dir.join(&relative).join("cam4");
        writer::prepare_cam4(&cam4, &intrinsics)?;
        let actions = write_take(&cam4, take, options, &intrinsics, progress)?;
        records.push(TakeRecord { relative, actions });
    }
    writer::write_splits(dir, &records)?;
    let marker = SampleMarker {
        synthetic: true,
        generator: "sharp-viewer make-sample".to_owned(),
        generator_version: GENERATOR_VERSION,
        options: *options,
        takes: records.iter().map(|r| r.relative.clone()).collect(),
        description: "Synthetic data rendered procedurally by SHARP Viewer in the H2O layout \
                      (egocentric cam4). Not real recordings: use it to try the viewer, not \
                      to measure accuracy."
            .to_owned(),
    };
    let path = dir.join(SAMPLE_MARKER_FILE);
    let mut json = serde_json::to_string_pretty(&marker).map_err(|source| SampleError::Marker {
        path: path.clone(),
        source,
    })?;
    json.push('\n');
    writer::write_text(&path, &json)
}

/// Renders and writes one take; returns its per-frame action labels.
fn write_take(
    cam4: &Path,
    take: usize,
    options: &SampleOptions,
    intrinsics: &CameraIntrinsics,
    progress: &mut dyn FnMut(SampleProgress) -> ControlFlow<()>,
) -> Result<Vec<u32>, SampleError> {
    let script = TakeScript::for_take(take);
    let renderer = SceneRenderer::new(&script, RayTable::new(intrinsics), worker_threads());
    let half = script.object.half_extents();
    let frames = options.frames;
    let mut actions = Vec::with_capacity(frames);
    for frame in 0..frames {
        let state = frame_state(&script, frame, frames);
        let mut image = renderer.render(&script, &state);
        noise::add_camera_noise(
            &mut image.rgb,
            &mut image.depth_mm,
            options.camera_noise,
            ((take as u64) << 32) | frame as u64,
        );
        let world_to_camera = state.camera_to_world.inverse();
        let object_to_camera = world_to_camera * state.object_to_world;
        let to_camera = |hand: Hand, pose: &hand_model::HandPose| {
            pose.joints(hand)
                .map(|joint| world_to_camera.transform_point3(joint))
        };
        let annotations = FrameAnnotations {
            hands: [
                state.left.as_ref().map(|pose| to_camera(Hand::Left, pose)),
                Some(to_camera(Hand::Right, &state.right)),
            ],
            object_class: script.object.class_id(),
            object_points: box_points(half).map(|p| object_to_camera.transform_point3(p)),
            object_to_camera: row_major(&object_to_camera),
            camera_to_world: row_major(&state.camera_to_world),
            action: state.action,
            verb: verb_of_action(state.action).unwrap_or(0),
        };
        let name = format!("{frame:06}.png");
        let rgb_path = cam4.join("rgb").join(&name);
        let depth_path = cam4.join("depth").join(&name);
        let (rgb_result, depth_result) = std::thread::scope(|scope| {
            let depth = scope.spawn(|| {
                writer::write_depth_png(&depth_path, &image.depth_mm, image.width, image.height)
            });
            let rgb = writer::write_rgb_png(&rgb_path, &image.rgb, image.width, image.height);
            (rgb, depth.join())
        });
        rgb_result?;
        match depth_result {
            Ok(result) => result?,
            Err(panic) => std::panic::resume_unwind(panic),
        }
        writer::write_annotations(cam4, frame, &annotations)?;
        actions.push(state.action);
        let flow = progress(SampleProgress {
            take,
            frame,
            frames_total: frames,
        });
        if flow.is_break() {
            return Err(SampleError::Stopped {
                root: cam4.to_path_buf(),
            });
        }
    }
    Ok(actions)
}
