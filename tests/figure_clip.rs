//! Clips: the `clip` command on a generated sample with the fixture models writes a GIF
//! and an mp4 with one frame per frame of the range, each the composite of that frame,
//! and nothing but the finished file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use std::process::Command;

use sharp_viewer::source::{FrameSource, IntrinsicsChoice, VideoSource};

/// Runs `clip` on `dataset`; returns its status, standard output and error.
fn clip(dataset: &str, models: &str, out: &str, extra: &[&str]) -> (bool, String, String) {
    common::run_to_end(
        Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
            .args(["clip", dataset, "--out", out])
            .args([
                "--models",
                models,
                "--provider",
                "cpu",
                "--mask-backend",
                "cpu",
            ])
            .args(extra),
    )
}

#[test]
fn clips_hold_every_frame_of_the_range_as_gif_and_mp4() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (dataset, _) = common::small_sample(root.path(), 12, 1);
    let models = common::fixture_models(root.path());
    let dataset = dataset.to_str().expect("UTF-8 path");
    let models = models.to_str().expect("UTF-8 path");
    let panels = [
        "--panels",
        "rgb,skeleton3d",
        "--scale",
        "1",
        "--spacing",
        "4",
    ];

    let gif_path = root.path().join("clips/a.gif");
    let gif_text = gif_path.to_str().expect("UTF-8 path");
    let (ok, stdout, stderr) = clip(
        dataset,
        models,
        gif_text,
        &[&["--from", "2", "--to", "6", "--fps", "10"][..], &panels].concat(),
    );
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with(gif_text), "the absolute path: {stdout}");
    assert!(stdout.contains("5 frames at 10 fps"), "{stdout}");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&gif_path).expect("the GIF"))
        .expect("a GIF");
    let (width, height) = (decoder.width(), decoder.height());
    let mut frames = 0;
    let mut first = None;
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        assert_eq!((frame.width, frame.height), (width, height));
        assert_eq!(frame.delay, 10, "1/10 s a frame");
        if first.is_none() {
            first = Some(frame.buffer.to_vec());
        }
        frames += 1;
    }
    assert_eq!(frames, 5, "every frame of 2..=6");
    let first = first.expect("a first frame");
    let distinct: std::collections::BTreeSet<&[u8]> = first.chunks_exact(4).collect();
    assert!(distinct.len() > 8, "a picture, not a flat frame");
    let clips: Vec<_> = std::fs::read_dir(root.path().join("clips"))
        .expect("the folder")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(clips, ["a.gif"], "no temporary file is left");

    let mp4_path = root.path().join("clips/b.mp4");
    let mp4_text = mp4_path.to_str().expect("UTF-8 path");
    let (ok, stdout, stderr) = clip(
        dataset,
        models,
        mp4_text,
        &[&["--from", "0", "--to", "7"][..], &panels].concat(),
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("8 frames"), "{stdout}");
    let video = VideoSource::open(&mp4_path, &IntrinsicsChoice::H2oScaled).expect("the mp4 opens");
    let info = video.info();
    assert_eq!(info.frame_count, 8, "every frame of 0..=7");
    // The composite's size, rounded down to even numbers for YUV 4:2:0.
    assert_eq!(info.intrinsics.width, width as u32 & !1);
    assert_eq!(info.intrinsics.height, height as u32 & !1);

    let (ok, _, stderr) = clip(dataset, models, "c.avi", &["--to", "3"]);
    assert!(!ok && stderr.contains(".gif or .mp4"), "{stderr}");
    let (ok, _, stderr) = clip(dataset, models, gif_text, &["--from", "5", "--to", "12"]);
    assert!(!ok && stderr.contains("12 frames"), "{stderr}");
}

/// A clip whose depth or pose model is unusable would show a blank pseudo-depth panel, the
/// unmasked frame as its "masked" panel or no prediction: `clip` refuses before any frame,
/// naming the model file and what is wrong with it, and writes nothing.
#[test]
fn clip_fails_on_an_unusable_model_and_writes_nothing() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (dataset, _) = common::small_sample(root.path(), 12, 1);
    let dataset = dataset.to_str().expect("UTF-8 path");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");

    // A corrupt depth model: not an ONNX file at all.
    let corrupt = root.path().join("corrupt");
    let models = common::fixture_models(&corrupt);
    let depth = models.join("depth.onnx");
    std::fs::write(&depth, b"not an ONNX model").expect("overwrite the depth model");
    let out = root.path().join("clips/depth.gif");
    let (ok, stdout, stderr) = clip(
        dataset,
        models.to_str().expect("UTF-8 path"),
        out.to_str().expect("UTF-8 path"),
        &["--from", "0", "--to", "2"],
    );
    assert!(!ok, "exit 0: {stdout} {stderr}");
    assert!(stderr.contains("no clip written"), "{stderr}");
    assert!(
        stderr.contains(&format!("the depth model {} is unusable", depth.display())),
        "{stderr}"
    );
    assert!(stderr.contains("blank pseudo-depth panel"), "{stderr}");

    // A pose model of the wrong shape: 21 heatmaps instead of 42.
    let wrong = root.path().join("wrong");
    let models = common::fixture_models(&wrong);
    let pose = models.join("pose.onnx");
    std::fs::copy(fixtures.join("pose_wrong_heatmap_shape.onnx"), &pose).expect("copy");
    let out = root.path().join("clips/pose.mp4");
    let (ok, stdout, stderr) = clip(
        dataset,
        models.to_str().expect("UTF-8 path"),
        out.to_str().expect("UTF-8 path"),
        &["--from", "0", "--to", "2"],
    );
    assert!(!ok, "exit 0: {stdout} {stderr}");
    assert!(
        stderr.contains(&format!("the pose model {} is unusable", pose.display())),
        "{stderr}"
    );
    assert!(stderr.contains("heatmaps"), "says what is wrong: {stderr}");
    assert!(stderr.contains("no predicted pose"), "{stderr}");

    let written = std::fs::read_dir(root.path().join("clips")).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "no clip and no temporary file");
}

/// Stops the export once `after` frames are in; records what it was told.
struct StopAfter {
    after: usize,
    told: Vec<(usize, usize)>,
}

impl sharp_viewer::figure::ClipProgress for StopAfter {
    fn frames_done(&mut self, done: usize, total: usize) {
        self.told.push((done, total));
    }

    fn problem(&mut self, _position: usize, _problem: &sharp_viewer::chain::Problem) {}

    fn stop_requested(&self) -> bool {
        self.told
            .last()
            .is_some_and(|(done, _)| *done >= self.after)
    }
}

/// The export the command and the viewer share counts every frame to its progress and,
/// stopped half-way, leaves no file (GIF or mp4): only a finished clip appears.
#[test]
fn a_stopped_export_reports_its_progress_and_leaves_no_file() {
    use sharp_viewer::figure::{
        ClipExportError, ClipRequest, FigureOptions, Layout, Panel, export_clip,
    };
    use sharp_viewer::source::TakeSource;

    let root = tempfile::tempdir().expect("temporary folder");
    let (_, take) = common::small_sample(root.path(), 12, 1);
    let models = common::fixture_models(root.path());
    let settings = common::unmasked_settings();
    let options = FigureOptions {
        layout: Layout {
            panels: vec![Panel::Rgb, Panel::Skeleton3d],
            ..Layout::default()
        },
        scale: 1,
        ..FigureOptions::default()
    };
    let clips = root.path().join("clips");
    for name in ["stopped.gif", "stopped.mp4"] {
        let mut source = TakeSource::open(&take).expect("the take opens");
        let mut processor = common::fixture_processor(&models);
        let request = ClipRequest {
            from: 1,
            to: 8,
            fps: Some(10),
            out: clips.join(name),
            options: options.clone(),
        };
        let mut progress = StopAfter {
            after: 3,
            told: Vec::new(),
        };
        let stopped = export_clip(
            &mut source,
            &mut processor,
            &settings,
            &request,
            &mut progress,
        );
        assert!(
            matches!(
                stopped,
                Err(ClipExportError::Cancelled {
                    done: 3,
                    total: 8,
                    ..
                })
            ),
            "{stopped:?}"
        );
        assert_eq!(progress.told, [(0, 8), (1, 8), (2, 8), (3, 8)]);
        let left: Vec<_> = std::fs::read_dir(&clips)
            .expect("the folder")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");

        // Run to the end, the same request writes the clip.
        let mut source = TakeSource::open(&take).expect("the take opens");
        let mut processor = common::fixture_processor(&models);
        let mut progress = StopAfter {
            after: usize::MAX,
            told: Vec::new(),
        };
        let written = export_clip(
            &mut source,
            &mut processor,
            &settings,
            &request,
            &mut progress,
        )
        .expect("the clip is written");
        assert_eq!((written.frames, written.fps), (8, 10));
        assert_eq!(progress.told.last(), Some(&(8, 8)));
        std::fs::remove_file(&written.path).expect("the clip exists");
    }
}
