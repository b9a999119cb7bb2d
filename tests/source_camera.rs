//! The capture thread through the project's camera traits, driven by a fake camera that
//! can deliver frames, hang inside `frame()` (as nokhwa can), be unplugged and plugged
//! back, or panic; plus the live camera through the whole pipeline into a recording.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sharp_viewer::dataset::own_pose::{
    AbsentHands, OWN_POSE_MASKED_FOLDER, OWN_POSE_NOT_MASKED_FOLDER, presence_folder,
};
use sharp_viewer::pipeline::{CameraSpec, Pipeline, PipelineEvent, RecordingEvent, SourceSpec};
use sharp_viewer::source::camera::{
    CameraBackend, CameraDescriptor, CameraDevice, CameraError, CameraStatus, Capture,
    CaptureConfig, CaptureFormat, CapturedFrame, NokhwaBackend, PixelFormat, RawFrame,
};
use sharp_viewer::source::{FrameSource, IntrinsicsChoice, TakeSource, own_pose_from_prediction};

const WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct FakeState {
    plugged: bool,
    stalled: bool,
    panic_next: bool,
    opens: u32,
}

/// A camera whose behaviour the test switches at run time.
#[derive(Debug, Clone)]
struct FakeCamera {
    state: Arc<(Mutex<FakeState>, Condvar)>,
    format: CaptureFormat,
}

impl FakeCamera {
    fn new(width: u32, height: u32) -> Self {
        Self {
            state: Arc::new((
                Mutex::new(FakeState {
                    plugged: true,
                    ..FakeState::default()
                }),
                Condvar::new(),
            )),
            format: CaptureFormat {
                width,
                height,
                fps: 100,
                pixel_format: PixelFormat::Yuyv,
            },
        }
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, change: impl FnOnce(&mut FakeState)) {
        change(&mut self.lock());
        self.state.1.notify_all();
    }

    fn opens(&self) -> u32 {
        self.lock().opens
    }
}

impl CameraBackend for FakeCamera {
    fn list(&self) -> Result<Vec<CameraDescriptor>, CameraError> {
        Ok(if self.lock().plugged {
            vec![CameraDescriptor {
                index: 0,
                name: "fake".into(),
                description: "test camera".into(),
            }]
        } else {
            Vec::new()
        })
    }

    fn formats(&self, _index: u32) -> Result<Vec<CaptureFormat>, CameraError> {
        Ok(vec![self.format])
    }

    fn open(
        &self,
        index: u32,
        _format: Option<CaptureFormat>,
    ) -> Result<Box<dyn CameraDevice>, CameraError> {
        let mut state = self.lock();
        if index != 0 || !state.plugged {
            return Err(CameraError::Open {
                index,
                message: "No such device".into(),
            });
        }
        state.opens += 1;
        Ok(Box::new(FakeDevice {
            camera: self.clone(),
            sent: 0,
        }))
    }
}

struct FakeDevice {
    camera: FakeCamera,
    sent: u64,
}

impl CameraDevice for FakeDevice {
    fn format(&self) -> CaptureFormat {
        self.camera.format
    }

    fn frame(&mut self) -> Result<RawFrame, CameraError> {
        std::thread::sleep(Duration::from_millis(10));
        let (lock, wake) = &*self.camera.state;
        let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
        // A hung driver: blocks until the test releases it.
        while state.stalled {
            state = wake.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if !state.plugged {
            return Err(CameraError::Read("No such device (os error 19)".into()));
        }
        if state.panic_next {
            state.panic_next = false;
            drop(state);
            panic!("driver bug");
        }
        drop(state);
        let format = self.camera.format;
        let luma = 16 + (self.sent % 200) as u8;
        self.sent += 1;
        let mut data = Vec::new();
        for _ in 0..format.width / 2 * format.height {
            data.extend_from_slice(&[luma, 128, luma, 128]);
        }
        Ok(RawFrame { data, format })
    }
}

fn config(index: u32) -> CaptureConfig {
    CaptureConfig {
        stall_timeout: Duration::from_millis(300),
        open_timeout: Duration::from_millis(300),
        reconnect_interval: Duration::from_millis(50),
        ..CaptureConfig::new(index)
    }
}

/// Waits for a status matching `want`, returning it and everything seen before.
fn wait_status(
    capture: &Capture,
    want: impl Fn(&CameraStatus) -> bool,
) -> (CameraStatus, Vec<CameraStatus>) {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Ok(status) = capture.statuses().recv_deadline(deadline) {
        if want(&status) {
            return (status, seen);
        }
        seen.push(status);
    }
    panic!("status not reached; saw {seen:?}");
}

fn next_frame(capture: &Capture) -> CapturedFrame {
    capture
        .frames()
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("no frame within {WAIT:?}"))
}

fn grey_of(luma: u8) -> u8 {
    ((298 * (i32::from(luma) - 16) + 128) >> 8).clamp(0, 255) as u8
}

#[test]
fn frames_arrive_converted_and_numbered() {
    let camera = FakeCamera::new(8, 4);
    let capture = Capture::start(Arc::new(camera.clone()), config(0)).expect("start");
    let (status, _) = wait_status(&capture, CameraStatus::is_streaming);
    assert_eq!(
        status,
        CameraStatus::Streaming {
            format: camera.format,
            corrupt_frames: 0
        }
    );
    let mut last = None;
    for _ in 0..10 {
        let frame = next_frame(&capture);
        assert_eq!(frame.rgb.dimensions(), (8, 4));
        if let Some(last) = last {
            assert!(frame.sequence > last, "sequence goes up");
        }
        last = Some(frame.sequence);
        let value = frame.rgb.get_pixel(3, 2).0;
        assert_eq!(value[0], value[1]);
        assert!((0..200).any(|i| grey_of(16 + i) == value[0]), "{value:?}");
    }
}

#[test]
fn a_hung_frame_call_is_reported_and_the_camera_reconnected() {
    let camera = FakeCamera::new(8, 4);
    let capture = Capture::start(Arc::new(camera.clone()), config(0)).expect("start");
    wait_status(&capture, CameraStatus::is_streaming);
    next_frame(&capture);
    camera.set(|state| state.stalled = true);
    let (status, _) = wait_status(&capture, |s| matches!(s, CameraStatus::Stalled { .. }));
    let CameraStatus::Stalled {
        waited,
        while_opening,
        abandoned,
    } = status
    else {
        unreachable!()
    };
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(!while_opening);
    assert_eq!(abandoned, 1);
    assert!(
        status.describe().contains("stalled"),
        "{}",
        status.describe()
    );
    // Reconnection is attempted while the old read is still stuck.
    wait_status(&capture, |s| matches!(s, CameraStatus::Connecting { .. }));
    camera.set(|state| state.stalled = false);
    wait_status(&capture, CameraStatus::is_streaming);
    while capture.frames().try_recv().is_some() {}
    let resumed = next_frame(&capture);
    assert!(resumed.sequence > 0);
    assert!(camera.opens() >= 2, "a new device was opened");
}

#[test]
fn unplugging_says_so_and_plugging_back_reconnects() {
    let camera = FakeCamera::new(8, 4);
    let capture = Capture::start(Arc::new(camera.clone()), config(0)).expect("start");
    wait_status(&capture, CameraStatus::is_streaming);
    next_frame(&capture);
    camera.set(|state| state.plugged = false);
    let (status, _) = wait_status(&capture, |s| matches!(s, CameraStatus::Disconnected { .. }));
    assert!(
        status.describe().contains("No such device"),
        "{}",
        status.describe()
    );
    // While unplugged, reopening fails and is retried; no frames come.
    let (retry, _) = wait_status(
        &capture,
        |s| matches!(s, CameraStatus::Disconnected { reason, .. } if reason.contains("cannot open camera 0")),
    );
    assert!(
        retry.describe().contains("retrying"),
        "{}",
        retry.describe()
    );
    while capture.frames().try_recv().is_some() {}
    std::thread::sleep(Duration::from_millis(150));
    assert!(
        capture.frames().try_recv().is_none(),
        "no frames while unplugged"
    );
    camera.set(|state| state.plugged = true);
    wait_status(&capture, CameraStatus::is_streaming);
    next_frame(&capture);
}

#[test]
fn a_missing_camera_is_reported_and_stopping_is_prompt() {
    let camera = FakeCamera::new(8, 4);
    let capture = Capture::start(Arc::new(camera), config(3)).expect("start");
    let (status, _) = wait_status(&capture, |s| matches!(s, CameraStatus::Disconnected { .. }));
    assert!(
        status
            .describe()
            .starts_with("no camera: cannot open camera 3"),
        "{}",
        status.describe()
    );
    assert_drop_returns(capture);
}

#[test]
fn a_panicking_driver_is_reported_not_propagated() {
    let camera = FakeCamera::new(8, 4);
    // Printing the panic (with a backtrace under RUST_BACKTRACE) can take longer than a
    // short stall timeout; a panic must be reported as such, not as a stall.
    let patient = CaptureConfig {
        stall_timeout: Duration::from_secs(8),
        ..config(0)
    };
    let capture = Capture::start(Arc::new(camera.clone()), patient).expect("start");
    wait_status(&capture, CameraStatus::is_streaming);
    camera.set(|state| state.panic_next = true);
    let (status, _) = wait_status(&capture, |s| matches!(s, CameraStatus::Disconnected { .. }));
    assert!(
        status.describe().contains("panicked: driver bug"),
        "{}",
        status.describe()
    );
    wait_status(&capture, CameraStatus::is_streaming);
    next_frame(&capture);
}

#[test]
fn stopping_while_the_driver_hangs_does_not_block() {
    let camera = FakeCamera::new(8, 4);
    let capture = Capture::start(Arc::new(camera.clone()), config(0)).expect("start");
    wait_status(&capture, CameraStatus::is_streaming);
    camera.set(|state| state.stalled = true);
    std::thread::sleep(Duration::from_millis(50));
    // The driver stays stuck until released below: dropping must not wait for it.
    assert_drop_returns(capture);
    // Release the stuck grabber so the test process ends cleanly.
    camera.set(|state| state.stalled = false);
}

#[test]
fn the_real_backend_without_cameras_lists_none_and_fails_to_open_cleanly() {
    let backend = NokhwaBackend;
    let cameras = backend.list().expect("query works without cameras");
    if !cameras.is_empty() {
        eprintln!("this machine has cameras; skipping the no-camera checks");
        return;
    }
    let error = match backend.open(0, None) {
        Ok(_) => panic!("opened a camera that is not listed"),
        Err(error) => error,
    };
    assert!(
        matches!(error, CameraError::Open { index: 0, .. }),
        "{error}"
    );
    let capture = Capture::start(Arc::new(backend), config(0)).expect("start");
    let (status, _) = wait_status(&capture, |s| matches!(s, CameraStatus::Disconnected { .. }));
    assert!(
        status.describe().starts_with("no camera:"),
        "{}",
        status.describe()
    );
}

fn wait_event(pipeline: &Pipeline, want: impl Fn(&PipelineEvent) -> bool) -> PipelineEvent {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        for event in pipeline.events() {
            if want(&event) {
                return event;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("event not seen within {WAIT:?}");
}

#[test]
fn a_live_camera_flows_through_the_pipeline_into_a_recorded_take_with_its_poses() {
    let models_root = tempfile::tempdir().expect("temp dir");
    let models = common::fixture_models(models_root.path());
    let camera = FakeCamera::new(64, 48);
    let pipeline = common::pipeline_with_models(&models);
    pipeline.open(SourceSpec::Camera(CameraSpec {
        backend: Arc::new(camera.clone()),
        config: config(0),
        intrinsics: IntrinsicsChoice::FieldOfView {
            horizontal_deg: 90.0,
        },
    }));
    let streaming = wait_event(
        &pipeline,
        |event| matches!(event, PipelineEvent::Opened { info, .. } if info.live && info.intrinsics.width == 64),
    );
    let PipelineEvent::Opened { info, .. } = streaming else {
        unreachable!()
    };
    assert!(
        info.intrinsics_origin
            .contains("90° horizontal field of view at 64x48")
    );
    assert_eq!(info.intrinsics.fx, 32.0);

    let root = tempfile::tempdir().expect("temp dir");
    pipeline.start_recording(root.path().to_path_buf());
    let PipelineEvent::Recording(RecordingEvent::Started(dir)) = wait_event(&pipeline, |event| {
        matches!(event, PipelineEvent::Recording(RecordingEvent::Started(_)))
    }) else {
        unreachable!()
    };
    assert!(dir.ends_with("subject-live/webcam/0"), "{}", dir.display());

    // The UI never reads a result here: the worker itself hands every pose it predicts
    // to the recorder, so a slow or minimised UI loses none.
    let pose_folder = dir.join("cam4").join(OWN_POSE_NOT_MASKED_FOLDER);
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline && files_in(&pose_folder).len() < 5 {
        std::thread::sleep(Duration::from_millis(20));
    }
    pipeline.stop_recording();
    let PipelineEvent::Recording(RecordingEvent::Finished(summary)) =
        wait_event(&pipeline, |event| {
            matches!(event, PipelineEvent::Recording(RecordingEvent::Finished(_)))
        })
    else {
        unreachable!()
    };
    assert!(summary.frames >= 5, "{summary:?}");
    assert!((5..=summary.frames).contains(&summary.poses), "{summary:?}");
    assert!(summary.errors.is_empty(), "{summary:?}");
    assert!(files_in(&dir.join("cam4").join(OWN_POSE_MASKED_FOLDER)).is_empty());

    // The recording opens like any take, with the camera's intrinsics, and each pose
    // file holds what the pose network predicts for the frame recorded under its number
    // (the fake camera's frames differ, and so do the poses).
    let mut take = TakeSource::open(&dir).expect("recorded take opens");
    assert_eq!(take.info().frame_count as u64, summary.frames);
    assert_eq!(take.info().intrinsics, info.intrinsics);
    let poses = files_in(&pose_folder);
    assert_eq!(poses.len() as u64, summary.poses);
    let mut reference = common::fixture_processor(&models);
    let mut distinct = std::collections::HashSet::new();
    for path in poses {
        let text = std::fs::read_to_string(&path).expect("pose file");
        let position: usize = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .and_then(|stem| stem.parse().ok())
            .expect("pose files are named by frame number");
        let frame = take.read(position).expect("the recorded frame reads");
        let processed = reference.process(&frame, &common::unmasked_settings());
        let pose = processed.pose.expect("the fixture pose model predicts");
        let expected =
            own_pose_from_prediction(&pose.prediction, pose.frame_size, frame.rgb.dimensions());
        assert_eq!(
            text,
            expected.pose_text(AbsentHands::Predicted),
            "{}",
            path.display()
        );
        let presence_path = dir
            .join("cam4")
            .join(presence_folder(OWN_POSE_NOT_MASKED_FOLDER))
            .join(path.file_name().expect("a file name"));
        let presence = std::fs::read_to_string(&presence_path).expect("a presence sidecar");
        assert_eq!(
            presence,
            expected.presence_text(),
            "{}",
            presence_path.display()
        );
        assert!(expected.presence[0], "the fixture sees a left hand");
        distinct.insert(text);
    }
    assert!(distinct.len() > 1, "frames differ, so their poses must");
    let leftovers: Vec<_> = walk(&dir)
        .into_iter()
        .filter(|path| path.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// The files directly in `dir` (none when it does not exist yet).
fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.expect("entry").path())
                .filter(|path| path.is_file() && !path.to_string_lossy().contains(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry"))
    {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Drops `capture` on another thread and checks the drop returns (the fake driver is
/// never released meanwhile, so a drop that waited on it would never return).
fn assert_drop_returns(capture: Capture) {
    let (done_tx, done_rx) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        drop(capture);
        let _ = done_tx.send(());
    });
    assert!(
        done_rx.recv_timeout(WAIT).is_ok(),
        "dropping the capture blocked"
    );
}
