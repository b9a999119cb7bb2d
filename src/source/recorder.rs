//! Records a live session as an H2O take: `cam4/rgb/NNNNNN.png`, `cam4/cam_intrinsics.txt`
//! and the predicted poses in SHARP's own per-frame text format, so the session can be
//! opened and scrubbed like any take afterwards.
//!
//! PNGs are encoded on a writer thread behind a short queue; when the disk or the CPU
//! cannot keep up, frames are dropped (and counted) rather than delaying capture.
//! Frames are numbered in the order they were accepted, so the take has no gaps. Every
//! file is written under a temporary name and renamed, so a crash never leaves half a
//! file; a session cut short is still a valid take.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, TrySendError};
use glam::Vec2;
use image::RgbImage;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use serde::Serialize;

use crate::atomic_file::{write_atomic, write_atomic_with};
use crate::dataset::own_pose::{
    AbsentHands, OWN_POSE_MASKED_FOLDER, OWN_POSE_NOT_MASKED_FOLDER, OwnHandPose, OwnPoseFrame,
    PredictedPoseFile, presence_folder,
};
use crate::dataset::{EGO_CAMERA_FOLDER, FrameKind, INTRINSICS_FILE, natural_cmp};
use crate::geometry::{CameraIntrinsics, Hand, JOINTS_PER_HAND};
use crate::infer::{FrameSize, PosePrediction};

/// Subject folder of recorded sessions (dataset discovery wants a `subject` prefix).
pub const RECORDING_SUBJECT: &str = "subject-live";
/// Scene folder of recorded sessions.
pub const RECORDING_SCENE: &str = "webcam";
/// Summary written next to `cam4` when a recording ends.
pub const RECORDING_SUMMARY_FILE: &str = "recording.json";
/// Frames waiting to be encoded before new ones are dropped.
const QUEUE_FRAMES: usize = 16;
/// Capture numbers remembered for matching late poses to recorded frames.
const REMEMBERED_FRAMES: usize = 1024;
/// Errors kept for the summary.
const KEPT_ERRORS: usize = 10;

/// Why a recording could not start.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A folder or file could not be created.
    #[error("cannot record into {}: {source}", .path.display())]
    Io {
        /// What was being created.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// What a finished recording holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordingSummary {
    /// The take folder.
    pub dir: PathBuf,
    /// RGB frames written.
    pub frames: u64,
    /// Pose files written.
    pub poses: u64,
    /// Frames dropped because the writer fell behind.
    pub dropped: u64,
    /// Frames or poses that could not be written.
    pub failed: u64,
    /// Accepted frames per second of recording time.
    pub frames_per_second: f32,
    /// The first few write errors.
    pub errors: Vec<String>,
}

/// Live progress, readable while recording.
#[derive(Debug, Default)]
struct Counters {
    written: AtomicU64,
    poses: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

enum Job {
    Frame {
        number: u32,
        rgb: Arc<RgbImage>,
    },
    Pose {
        number: u32,
        text: String,
        presence: String,
        masked: bool,
    },
}

/// A recording in progress. Frames and poses are pushed from one thread.
pub struct Recorder {
    dir: PathBuf,
    jobs: Option<Sender<Job>>,
    writer: Option<JoinHandle<Vec<String>>>,
    counters: Arc<Counters>,
    next_number: u32,
    recent: VecDeque<(u64, u32)>,
    started: Instant,
}

impl Recorder {
    /// Starts recording into the take folder `take_dir` (created; it should be new, see
    /// [`next_take_dir`]) for a camera with `intrinsics`.
    pub fn start(take_dir: &Path, intrinsics: &CameraIntrinsics) -> Result<Self, RecordError> {
        let camera = take_dir.join(EGO_CAMERA_FOLDER);
        for folder in [
            FrameKind::Rgb.folder(),
            OWN_POSE_MASKED_FOLDER,
            OWN_POSE_NOT_MASKED_FOLDER,
        ] {
            let path = camera.join(folder);
            std::fs::create_dir_all(&path).map_err(|source| RecordError::Io { path, source })?;
        }
        let path = camera.join(INTRINSICS_FILE);
        let k = intrinsics;
        let text = format!(
            "{} {} {} {} {} {}\n",
            k.fx, k.fy, k.cx, k.cy, k.width, k.height
        );
        write_atomic(&path, text.as_bytes()).map_err(|source| RecordError::Io { path, source })?;
        let (jobs, queue) = crossbeam_channel::bounded(QUEUE_FRAMES);
        let counters = Arc::new(Counters::default());
        let writer = {
            let camera = camera.clone();
            let counters = Arc::clone(&counters);
            std::thread::Builder::new()
                .name("sharp-recorder".into())
                .spawn(move || {
                    let mut errors = Vec::new();
                    for job in queue {
                        if let Err(error) = write_job(&camera, job, &counters) {
                            counters.failed.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("recording: {error}");
                            if errors.len() < KEPT_ERRORS {
                                errors.push(error.to_string());
                            }
                        }
                    }
                    errors
                })
                .map_err(|source| RecordError::Io {
                    path: take_dir.to_path_buf(),
                    source,
                })?
        };
        Ok(Self {
            dir: take_dir.to_path_buf(),
            jobs: Some(jobs),
            writer: Some(writer),
            counters,
            next_number: 0,
            recent: VecDeque::new(),
            started: Instant::now(),
        })
    }

    /// The take folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Queues a captured frame (`capture` is the camera's frame sequence number).
    /// Returns `false` when the writer is behind and the frame was dropped.
    pub fn push_frame(&mut self, capture: u64, rgb: Arc<RgbImage>) -> bool {
        let number = self.next_number;
        let accepted = self.send(Job::Frame { number, rgb });
        if accepted {
            self.next_number += 1;
            if self.recent.len() == REMEMBERED_FRAMES {
                self.recent.pop_front();
            }
            self.recent.push_back((capture, number));
        } else {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
        accepted
    }

    /// Writes the pose predicted for capture `capture` (from a range-masked frame when
    /// `masked`). Ignored when that frame was not recorded.
    pub fn push_pose(&mut self, capture: u64, pose: &PredictedPoseFile, masked: bool) {
        let Some(&(_, number)) = self.recent.iter().rev().find(|(c, _)| *c == capture) else {
            return;
        };
        if !self.send(Job::Pose {
            number,
            text: pose.pose_text(AbsentHands::default()),
            presence: pose.presence_text(),
            masked,
        }) {
            self.counters.failed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Frames written so far and frames dropped so far.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.counters.written.load(Ordering::Relaxed),
            self.counters.dropped.load(Ordering::Relaxed),
        )
    }

    /// Stops accepting frames, waits for the queue to be written and writes
    /// [`RECORDING_SUMMARY_FILE`].
    pub fn finish(mut self) -> RecordingSummary {
        let elapsed = self.started.elapsed();
        self.jobs.take();
        let mut errors = match self.writer.take().map(JoinHandle::join) {
            Some(Ok(errors)) => errors,
            Some(Err(_)) => vec!["the recording writer thread crashed".into()],
            None => Vec::new(),
        };
        let frames = self.counters.written.load(Ordering::Relaxed);
        let summary_path = self.dir.join(RECORDING_SUMMARY_FILE);
        let mut summary = RecordingSummary {
            dir: self.dir.clone(),
            frames,
            poses: self.counters.poses.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
            frames_per_second: frames as f32 / elapsed.max(Duration::from_millis(1)).as_secs_f32(),
            errors: Vec::new(),
        };
        let written = serde_json::to_vec_pretty(&summary)
            .map_err(std::io::Error::other)
            .and_then(|json| write_atomic(&summary_path, &json));
        if let Err(error) = written {
            errors.push(format!("{}: {error}", summary_path.display()));
        }
        summary.errors = errors;
        summary
    }

    fn send(&self, job: Job) -> bool {
        match &self.jobs {
            Some(jobs) => match jobs.try_send(job) {
                Ok(()) => true,
                Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
            },
            None => false,
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!("the recording writer thread crashed");
        }
    }
}

/// A recorded file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", .path.display())]
struct JobError {
    /// The file.
    path: PathBuf,
    /// Why not.
    source: std::io::Error,
}

fn write_job(camera: &Path, job: Job, counters: &Counters) -> Result<(), JobError> {
    match job {
        Job::Frame { number, rgb } => {
            let path = camera
                .join(FrameKind::Rgb.folder())
                .join(FrameKind::Rgb.file_name(number));
            write_atomic_with(&path, |writer| {
                rgb.write_with_encoder(PngEncoder::new_with_quality(
                    writer,
                    CompressionType::Fast,
                    FilterType::Adaptive,
                ))
                .map_err(std::io::Error::other)
            })
            .map_err(|source| JobError {
                path: path.clone(),
                source,
            })?;
            counters.written.fetch_add(1, Ordering::Relaxed);
        }
        Job::Pose {
            number,
            text,
            presence,
            masked,
        } => {
            let folder = if masked {
                OWN_POSE_MASKED_FOLDER
            } else {
                OWN_POSE_NOT_MASKED_FOLDER
            };
            let file = format!("{number:06}.txt");
            let presence_path = camera.join(presence_folder(folder)).join(&file);
            write_atomic(&presence_path, presence.as_bytes()).map_err(|source| JobError {
                path: presence_path.clone(),
                source,
            })?;
            let path = camera.join(folder).join(&file);
            write_atomic(&path, text.as_bytes()).map_err(|source| JobError {
                path: path.clone(),
                source,
            })?;
            counters.poses.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// A new take folder under the recordings root `root`:
/// `root/subject-live/webcam/<n>` with `n` one more than the largest take number there.
pub fn next_take_dir(root: &Path) -> PathBuf {
    let scene = root.join(RECORDING_SUBJECT).join(RECORDING_SCENE);
    let mut numbers: Vec<String> = std::fs::read_dir(&scene)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty())
                .collect()
        })
        .unwrap_or_default();
    numbers.sort_by(|a, b| natural_cmp(a, b));
    let next = numbers
        .last()
        .and_then(|last| last.parse::<u64>().ok())
        .map_or(0, |last| last + 1);
    scene.join(next.to_string())
}

/// The per-frame pose file of a prediction: both hands' keypoints and depths as the
/// network predicted them, and its presence verdict. The keypoints are in `model_frame`
/// pixels (the pose model's frame size) and are written in pixels of the recorded frame,
/// `recorded` (width, height).
pub fn own_pose_from_prediction(
    prediction: &PosePrediction,
    model_frame: FrameSize,
    recorded: (u32, u32),
) -> PredictedPoseFile {
    let scale = Vec2::new(
        recorded.0 as f32 / model_frame.width.max(1) as f32,
        recorded.1 as f32 / model_frame.height.max(1) as f32,
    );
    let hand = |hand: Hand| {
        let offset = hand.index() * JOINTS_PER_HAND;
        Some(OwnHandPose {
            uv: std::array::from_fn(|joint| prediction.keypoints[offset + joint] * scale),
            z_mm: std::array::from_fn(|joint| prediction.z_mm[offset + joint]),
        })
    };
    PredictedPoseFile {
        ungated: OwnPoseFrame {
            left: hand(Hand::Left),
            right: hand(Hand::Right),
        },
        presence: Hand::BOTH.map(|hand| prediction.presence(hand).present),
    }
}
