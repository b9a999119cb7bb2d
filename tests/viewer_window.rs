//! End to end: the real `sharp-viewer` binary opens a window under Xvfb on a generated
//! take, and a screenshot of the X screen shows it with content.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display and returns it with its display name.
fn start_xvfb() -> (KillOnDrop, String) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1600x1000x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb must be installed (scripts/setup.sh installs it)");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb prints its display number");
    let display = format!(":{}", line.trim());
    assert!(
        line.trim().parse::<u32>().is_ok(),
        "unexpected Xvfb output {line:?}"
    );
    (KillOnDrop(child), display)
}

/// Captures the whole X screen as an RGB image.
fn screenshot(display: &str, path: &Path) -> Option<image::RgbImage> {
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(path)
        .env("DISPLAY", display)
        .stderr(Stdio::null())
        .status()
        .expect("imagemagick's import must be installed (scripts/setup.sh installs it)");
    status
        .success()
        .then(|| image::open(path).ok().map(|image| image.to_rgb8()))
        .flatten()
}

/// Distinct colours in an image (a blank or UI-only screen has few).
fn distinct_colours(image: &image::RgbImage) -> usize {
    let mut colours: Vec<[u8; 3]> = image.pixels().map(|pixel| pixel.0).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

#[test]
fn the_viewer_window_shows_the_take() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let (_xvfb, display) = start_xvfb();
    let runtime_dir = dir.path().join("runtime");
    std::fs::create_dir_all(&runtime_dir).expect("runtime dir");
    let viewer = Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
        .arg(&take)
        .args(["--frame", "6"])
        .env("DISPLAY", display.as_str())
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_RUNTIME_DIR", &runtime_dir)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the viewer binary starts");
    let mut viewer = KillOnDrop(viewer);

    let shot_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("viewer-window.png");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut best = 0;
    loop {
        if let Some(status) = viewer.0.try_wait().expect("poll the viewer") {
            panic!("the viewer exited early with {status}");
        }
        if let Some(shot) = screenshot(&display, &shot_path) {
            best = distinct_colours(&shot);
            // The UI alone has a few hundred colours (anti-aliased text); the rendered
            // hands, table, clutter and colour-mapped depth add thousands.
            if best > 3000 {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the window never showed the take: {best} colours in {}",
            shot_path.display()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
