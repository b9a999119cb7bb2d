//! The main window, rendered headless with egui_kittest on wgpu (lavapipe on CI), held
//! to a snapshot; plus keyboard and control interactions through the real app.

mod common;

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sharp_viewer::pipeline::SourceSpec;
use sharp_viewer::ui::{LaunchOptions, ViewerApp};

const WINDOW: [f32; 2] = [1400.0, 860.0];

/// Steps the harness until `done` holds for the app, failing after a minute.
fn step_until(harness: &mut Harness<'_, ViewerApp>, what: &str, done: impl Fn(&ViewerApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(3);
}

fn viewer_on_sample(start_position: usize) -> (tempfile::TempDir, Harness<'static, ViewerApp>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, take) = common::small_sample(dir.path(), 12, 1);
    let harness = Harness::builder()
        .with_size(WINDOW)
        .wgpu()
        .build_eframe(move |cc| {
            let mut app = ViewerApp::new(
                cc,
                LaunchOptions {
                    source: SourceSpec::Take(take.clone()),
                    start_position,
                },
            )
            .expect("the pipeline threads start");
            // Frame rates and latencies differ run to run: keep them out of the snapshot.
            app.settings_mut().show_speed_readout = false;
            app
        });
    (dir, harness)
}

fn shown_position(app: &ViewerApp) -> Option<usize> {
    app.current_result().map(|result| result.frame.position)
}

#[test]
fn main_window_matches_the_snapshot() {
    let (_dir, mut harness) = viewer_on_sample(6);
    step_until(&mut harness, "frame 6", |app| {
        shown_position(app) == Some(6)
    });
    let app = harness.state();
    assert!(
        app.source().is_some_and(|source| source.synthetic),
        "the sample is labelled synthetic"
    );
    harness.get_by_label_contains("SYNTHETIC SAMPLE");
    harness.get_by_label_contains("GT action:");
    harness.snapshot("main_window");
}

#[test]
fn arrow_keys_step_and_presets_re_mask_the_frame() {
    let (_dir, mut harness) = viewer_on_sample(3);
    step_until(&mut harness, "frame 3", |app| {
        shown_position(app) == Some(3)
    });
    let masked_fraction = harness
        .state()
        .current_result()
        .map(|r| r.kept_fraction)
        .expect("a result");
    assert!(
        masked_fraction < 0.6,
        "the oracle preset removes the background, kept {masked_fraction}"
    );

    harness.key_press(egui::Key::ArrowRight);
    step_until(&mut harness, "frame 4", |app| {
        shown_position(app) == Some(4)
    });
    harness.key_press(egui::Key::ArrowLeft);
    step_until(&mut harness, "frame 3 again", |app| {
        shown_position(app) == Some(3)
    });

    harness.get_by_label("no masking").click();
    step_until(&mut harness, "an unmasked frame", |app| {
        app.current_result()
            .is_some_and(|r| r.mask.range.is_none() && r.kept_fraction == 1.0)
    });
    let result = harness.state().current_result().expect("a result");
    assert_eq!(result.frame.position, 3, "re-masking keeps the frame");
    assert_eq!(*result.masked, *result.frame.rgb);
}
