//! Research ergonomics through the real app, headless: the help overlay.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use sharp_viewer::infer::{InferOptions, ModelPaths};
use sharp_viewer::mask::MaskPreference;
use sharp_viewer::pipeline::{SourceSpec, WorkerOptions};
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

/// A viewer on a 12-frame sample without models (ground truth only), masking on the CPU,
/// showing frame `start` once it is analysed. Returns the take folder too.
fn viewer(dir: &Path, start: usize) -> (Harness<'static, ViewerApp>, std::path::PathBuf) {
    let (_, take) = common::small_sample(dir, 12, 1);
    let no_models = dir.join("no-models");
    std::fs::create_dir_all(&no_models).expect("mkdir");
    let worker = WorkerOptions {
        models: ModelPaths::in_folder(&no_models),
        infer: InferOptions::default(),
        mask: MaskPreference::Cpu,
    };
    let figure_folder = dir.join("figures");
    let source = take.clone();
    let mut harness = Harness::builder()
        .with_size(WINDOW)
        .wgpu()
        .build_eframe(move |cc| {
            ViewerApp::new(
                cc,
                LaunchOptions {
                    source: SourceSpec::Take(source.clone()),
                    start_position: start,
                    worker: worker.clone(),
                    pose_backend: None,
                    browse: None,
                    figure_folder: figure_folder.clone(),
                },
            )
            .expect("the pipeline threads start")
        });
    step_until(&mut harness, "the first frame", |app| {
        app.current_result()
            .is_some_and(|result| result.frame.position == start)
    });
    (harness, take)
}

#[test]
fn f1_and_question_mark_open_the_help_and_escape_closes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, _) = viewer(dir.path(), 0);
    assert!(harness.query_by_label("Keys and mouse").is_none());

    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.state().help_open());
    harness.get_by_label("play / pause");
    harness.get_by_label("export the shown frame's figure");
    harness.get_by_label("orbit around the hands");

    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(!harness.state().help_open());
    assert!(harness.query_by_label("play / pause").is_none());

    harness.key_press(egui::Key::Questionmark);
    harness.run_steps(2);
    assert!(harness.state().help_open(), "? opens it too");
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(!harness.state().help_open(), "F1 toggles it shut");

    // The Help menu opens the same window.
    harness.get_by_label("Help").click();
    harness.run_steps(3);
    harness.get_by_label_contains("Keys and mouse").click();
    harness.run_steps(3);
    assert!(harness.state().help_open());
    harness.get_by_label("show / hide this help");
}
