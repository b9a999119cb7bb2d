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
