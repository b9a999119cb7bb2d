//! Helpers shared by the tests that drive the real viewer app with egui_kittest.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use sharp_viewer::ui::ViewerApp;

/// The window size the viewer tests render at.
pub const WINDOW: [f32; 2] = [1400.0, 860.0];

/// Steps the harness until `done` holds for the app, failing after a minute.
pub fn step_until(
    harness: &mut Harness<'_, ViewerApp>,
    what: &str,
    done: impl Fn(&ViewerApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(3);
}
