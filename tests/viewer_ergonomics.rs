//! Research ergonomics through the real app, headless: the help overlay and the pixel
//! readout under the pointer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;
mod viewer_common;

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use sharp_viewer::infer::{InferOptions, ModelPaths};
use sharp_viewer::mask::MaskPreference;
use sharp_viewer::pipeline::{SourceSpec, WorkerOptions};
use sharp_viewer::ui::{LaunchOptions, ViewerApp};
use viewer_common::{WINDOW, step_until};

/// A viewer on a 12-frame sample without models (ground truth only), masking on the CPU,
/// showing frame `start` once it is analysed. Returns the take folder too.
fn viewer(dir: &Path, start: usize) -> (Harness<'static, ViewerApp>, std::path::PathBuf) {
    viewer_on_takes(dir, start, 1)
}

/// [`viewer`] on a sample of `takes` takes, showing the first.
fn viewer_on_takes(
    dir: &Path,
    start: usize,
    takes: usize,
) -> (Harness<'static, ViewerApp>, std::path::PathBuf) {
    let (_, take) = common::small_sample(dir, 12, takes);
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
        // Each queued event is one step: at 60 steps a second, two clicks make a
        // double-click (egui wants them within 0.3 s).
        .with_step_dt(1.0 / 60.0)
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

/// Pixel readout under the pointer on the masked panel, checked against the frame's own
/// files: the colour from the PNG, the depth from the 16-bit depth PNG, and the verdict
/// from the oracle range rule (kept when 0 < depth <= far).
#[test]
fn hovering_an_image_reads_out_the_pixel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, take) = viewer(dir.path(), 5);
    let range = harness
        .state()
        .current_result()
        .and_then(|result| result.settings.mask.range)
        .expect("the oracle preset masks");
    // The grid cells from their titles: the RGB title sits at the top left of its cell,
    // the depth title one cell to the right, the masked title one cell below.
    let rgb_title = harness.get_by_label("RGB (synthetic)").rect();
    let depth_title = harness.get_by_label_contains("Depth (GT").rect();
    let masked_title = harness.get_by_label_contains("Masked (pose input)").rect();
    let cell_width = depth_title.min.x - rgb_title.min.x;
    let body_top = masked_title.max.y + 2.0;
    let body_height = masked_title.min.y - rgb_title.min.y - (masked_title.height() + 8.0);
    let rgb = image::open(take.join("cam4/rgb/000005.png"))
        .expect("rgb")
        .into_rgb8();
    let depth = image::open(take.join("cam4/depth/000005.png"))
        .expect("depth")
        .into_luma16();

    let mut verdicts = Vec::new();
    for (fx, fy) in [
        (0.5, 0.5),
        (0.5, 0.3),
        (0.5, 0.7),
        (0.35, 0.5),
        (0.65, 0.5),
        (0.4, 0.35),
    ] {
        let pointer = egui::pos2(
            masked_title.min.x + cell_width * fx,
            body_top + body_height * fy,
        );
        harness.hover_at(pointer);
        harness.run_steps(2);
        let node = harness.get_by_label_contains("pixel x ");
        let text = node
            .accesskit_node()
            .label()
            .or_else(|| node.accesskit_node().value())
            .expect("a label");
        let numbers: Vec<u32> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(|part| part.parse().expect("a number"))
            .collect();
        let (x, y) = (numbers[0], numbers[1]);
        let expected = rgb.get_pixel(x, y).0.map(u32::from);
        assert_eq!(numbers[2..5], expected, "{text}");
        let mm = depth.get_pixel(x, y).0[0];
        if mm == 0 {
            harness.get_by_label("GT depth: no measurement");
        } else {
            harness.get_by_label(&format!("GT depth: {mm} mm"));
        }
        let verdict = if expected == [0, 0, 0] {
            "black in the frame (kept or not, the network sees black)"
        } else if mm > 0 && range.contains(f32::from(mm)) {
            "kept by the mask"
        } else {
            "removed by the mask"
        };
        harness.get_by_label(verdict);
        verdicts.push(verdict);
    }
    assert!(
        verdicts.contains(&"kept by the mask") && verdicts.contains(&"removed by the mask"),
        "hovered both a kept and a removed pixel: {verdicts:?}"
    );

    // Off the images, no readout.
    harness.hover_at(egui::pos2(5.0, 5.0));
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("pixel x ").is_none());
}

/// Presses (`pressed`) or releases `button` at `pos`, without running a frame.
fn pointer_button(
    harness: &mut Harness<'_, ViewerApp>,
    pos: egui::Pos2,
    button: egui::PointerButton,
    pressed: bool,
) {
    harness.event(egui::Event::PointerButton {
        pos,
        button,
        pressed,
        modifiers: egui::Modifiers::NONE,
    });
}

/// Presses and releases the primary button at `pos` twice within one frame: a
/// double-click.
fn double_click(harness: &mut Harness<'_, ViewerApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    // Half a second since any earlier click, so this one is not a third.
    harness.run_steps(30);
    for _ in 0..2 {
        for pressed in [true, false] {
            pointer_button(harness, pos, egui::PointerButton::Primary, pressed);
        }
    }
    harness.run_steps(3);
}

#[test]
fn double_click_maximises_a_panel_and_escape_restores_the_grid() {
    use sharp_viewer::ui::{GridPanel, ViewerSettings};

    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, _) = viewer(dir.path(), 2);
    let masked_title = harness.get_by_label_contains("Masked (pose input)").rect();
    let inside = masked_title.center() + egui::vec2(0.0, 120.0);
    double_click(&mut harness, inside);
    assert_eq!(
        harness.state_mut().settings_mut().maximised_panel,
        Some(GridPanel::Masked)
    );
    assert!(
        harness.query_by_label("RGB (synthetic)").is_none(),
        "the other panels give way"
    );
    let maximised_title = harness.get_by_label_contains("Masked (pose input)").rect();
    assert!(
        maximised_title.min.y < masked_title.min.y,
        "the masked panel moves up to fill the grid"
    );

    // The choice is part of the persisted settings.
    let saved = serde_json::to_string(harness.state_mut().settings_mut()).expect("serialise");
    let restored: ViewerSettings = serde_json::from_str(&saved).expect("deserialise");
    assert_eq!(restored.maximised_panel, Some(GridPanel::Masked));

    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state_mut().settings_mut().maximised_panel, None);
    harness.get_by_label("RGB (synthetic)");

    // Double-click again on the maximised panel restores the grid too.
    double_click(&mut harness, inside);
    assert!(harness.state_mut().settings_mut().maximised_panel.is_some());
    let centre = harness
        .get_by_label_contains("Masked (pose input)")
        .rect()
        .center()
        + egui::vec2(0.0, 200.0);
    double_click(&mut harness, centre);
    assert_eq!(harness.state_mut().settings_mut().maximised_panel, None);
}

/// Drags with `button` from `from` by `delta` in a few pointer moves.
fn drag(
    harness: &mut Harness<'_, ViewerApp>,
    button: egui::PointerButton,
    from: egui::Pos2,
    delta: egui::Vec2,
) {
    harness.hover_at(from);
    harness.run_steps(2);
    pointer_button(harness, from, button, true);
    harness.run_steps(1);
    for step in 1..=4 {
        harness.hover_at(from + delta * (step as f32 / 4.0));
        harness.run_steps(1);
    }
    pointer_button(harness, from + delta, button, false);
    harness.run_steps(3);
}

#[test]
fn a_left_drag_orbits_the_3d_view_and_a_right_or_middle_drag_pans_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, _) = viewer(dir.path(), 2);
    let title = harness.get_by_label_contains("3D skeleton").rect();
    let inside = title.center() + egui::vec2(0.0, 120.0);
    let camera =
        |harness: &mut Harness<'_, ViewerApp>| harness.state_mut().settings_mut().camera_3d;
    let start = camera(&mut harness);

    drag(
        &mut harness,
        egui::PointerButton::Primary,
        inside,
        egui::vec2(60.0, 0.0),
    );
    let orbited = camera(&mut harness);
    assert!(orbited.yaw < start.yaw - 0.1, "{start:?} -> {orbited:?}");
    assert_eq!(orbited.target, start.target, "a left drag does not pan");

    drag(
        &mut harness,
        egui::PointerButton::Secondary,
        inside,
        egui::vec2(60.0, 0.0),
    );
    let panned = camera(&mut harness);
    assert_eq!(panned.yaw, orbited.yaw, "a right drag does not orbit");
    assert_ne!(panned.target, orbited.target, "a right drag pans");

    drag(
        &mut harness,
        egui::PointerButton::Middle,
        inside,
        egui::vec2(0.0, 40.0),
    );
    let panned_again = camera(&mut harness);
    assert_eq!(
        panned_again.yaw, orbited.yaw,
        "a middle drag does not orbit"
    );
    assert_ne!(panned_again.target, panned.target, "a middle drag pans");
}

/// The README's screenshot, `assets/screenshot.png`, is this test's snapshot of the viewer
/// on the synthetic sample without models (ground truth only), so it stays current: when
/// the window changes the test fails until `UPDATE_SNAPSHOTS=1 cargo test --test
/// viewer_ergonomics readme_screenshot` rewrites it.
#[test]
fn the_readme_screenshot_is_current() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, _) = viewer(dir.path(), 6);
    // Frame rates and latencies differ run to run: keep them out of the picture.
    harness.state_mut().settings_mut().show_speed_readout = false;
    harness.run_steps(4);
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let options = egui_kittest::SnapshotOptions::new().output_path(assets);
    harness.snapshot_options("screenshot", &options);
}

/// The text a node shows (its label, or its value for text fields).
fn node_text(node: &egui_kittest::Node<'_>) -> String {
    node.accesskit_node()
        .label()
        .or_else(|| node.accesskit_node().value())
        .expect("a label")
}

/// The folders the built-in file picker lists, without their folder glyph.
fn listed_folders(harness: &Harness<'_, ViewerApp>) -> Vec<String> {
    let mut names: Vec<String> = harness
        .query_all_by_label_contains("\u{1F5C0} ")
        .map(|node| node_text(&node).replace("\u{1F5C0} ", ""))
        .collect();
    names.sort();
    names
}

/// The folders in `folder` that a file dialog lists (hidden ones left out).
fn folders_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("read the folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            path.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The built-in file picker, as it opens where the desktop has no file dialog (here
/// chosen in the File menu, so the test does not depend on what the machine has): it says
/// so in the window, lists the folder it starts in (the dataset root), goes into a folder
/// on double-click, and the take it picks is opened as the desktop dialog's answer is.
#[test]
fn the_built_in_file_picker_lists_the_folder_and_opens_the_picked_take() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, first) = viewer_on_takes(dir.path(), 0, 2);
    let sample = dir.path().join("sample");
    let second = first.parent().expect("the scene folder").join("1");
    assert!(second.join("cam4").is_dir(), "the sample has a second take");
    assert!(
        harness.state().source().expect("open").name.ends_with("/0"),
        "the first take is open"
    );
    {
        let settings = harness.state_mut().settings_mut();
        settings.builtin_file_picker = true;
        settings.sources.dataset_root = Some(sample.clone());
    }
    harness.run_steps(2);
    harness.get_by_label("File").click();
    harness.run_steps(3);
    harness.get_by_label("Open take folder…").click();
    harness.run_steps(3);
    assert!(harness.state().file_picker_open());
    harness.get_by_label_contains("Open an H2O take (built-in picker)");
    let notice = node_text(&harness.get_by_label_contains("built-in file picker"));
    assert!(
        notice.contains("chosen in the File menu") || notice.contains("no "),
        "the window says why: {notice}"
    );

    // It starts in the dataset root and lists its folders, and only folders.
    assert_eq!(listed_folders(&harness), folders_in(&sample));
    assert!(
        harness
            .query_by_label_contains(sharp_viewer::sample::SAMPLE_MARKER_FILE)
            .is_none(),
        "a folder picker lists no files"
    );

    // Into subject1, then h1: select, then double-click.
    let mut folder = sample.clone();
    for name in ["subject1", "h1"] {
        let entry = format!("\u{1F5C0} {name}");
        harness.get_by_label(&entry).click();
        harness.run_steps(2);
        let centre = harness.get_by_label(&entry).rect().center();
        double_click(&mut harness, centre);
        folder = folder.join(name);
        assert_eq!(listed_folders(&harness), folders_in(&folder), "in {name}");
    }
    assert_eq!(listed_folders(&harness), ["0", "1"]);

    harness.get_by_label("\u{1F5C0} 1").click();
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    harness.run_steps(2);
    assert!(!harness.state().file_picker_open(), "picking closes it");
    assert!(
        harness
            .query_by_label_contains("built-in file picker")
            .is_none()
    );
    step_until(&mut harness, "the picked take to open", |app| {
        app.source()
            .is_some_and(|source| source.name.ends_with("/1"))
    });
}

/// The depth panel's colour bar (ground-truth depth here: no depth model): the kept
/// range's ends are marked with their values where the bar's own scale puts them (far
/// 5000 mm at the left end, 0 mm at the right), they follow the range as the slider's
/// settings change, and with masking off the bar says so and marks nothing.
#[test]
fn the_depth_colour_bar_marks_the_kept_range_and_follows_it() {
    use sharp_viewer::mask::DepthRange;

    let dir = tempfile::tempdir().expect("temp dir");
    let (mut harness, _) = viewer(dir.path(), 0);
    let range = harness.state_mut().settings_mut().range_mm;
    assert_eq!(range, DepthRange::new(1.0, 700.0), "the oracle preset");
    harness.get_by_label("kept 1–700 mm");
    // The end labels sit at the ends of the caption row; the bar is inset 40 points.
    let bar_left = harness.get_by_label("far 5000 mm").rect().min.x + 40.0;
    let bar_right = harness.get_by_label("0 mm near").rect().max.x - 40.0;
    let expected_x = |mm: f32| bar_left + (1.0 - mm / 5000.0) * (bar_right - bar_left);
    // The far end's value sits left of its mark, the near end's right of it (4 points
    // over the mark).
    let far_mark = |harness: &Harness<'_, ViewerApp>, text: &str| {
        harness.get_by_label(text).rect().max.x - 4.0
    };
    let near_mark = |harness: &Harness<'_, ViewerApp>, text: &str| {
        harness.get_by_label(text).rect().min.x + 4.0
    };
    let x700 = far_mark(&harness, "700 mm");
    assert!(
        (x700 - expected_x(700.0)).abs() < 1.5,
        "{x700} vs {}",
        expected_x(700.0)
    );
    let x1 = near_mark(&harness, "1 mm");
    assert!(
        (x1 - expected_x(1.0)).abs() < 1.5,
        "{x1} vs {}",
        expected_x(1.0)
    );

    // Moving the range moves the marks, at once.
    harness.state_mut().settings_mut().range_mm = DepthRange::new(300.0, 1500.0);
    harness.run_steps(2);
    harness.get_by_label("kept 300–1500 mm");
    assert!(harness.query_by_label("700 mm").is_none());
    let x1500 = far_mark(&harness, "1500 mm");
    let x300 = near_mark(&harness, "300 mm");
    assert!((x1500 - expected_x(1500.0)).abs() < 1.5, "{x1500}");
    assert!((x300 - expected_x(300.0)).abs() < 1.5, "{x300}");
    assert!(x1500 < x700 && x300 < x1, "farther is further left");

    harness.state_mut().settings_mut().masking_enabled = false;
    harness.run_steps(2);
    harness.get_by_label("mask off: nothing removed");
    assert!(harness.query_by_label("1500 mm").is_none());
    assert!(harness.query_by_label("300 mm").is_none());
    harness.get_by_label("far 5000 mm");
}
