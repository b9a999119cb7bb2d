//! The main window, rendered headless with egui_kittest on wgpu (lavapipe on CI), held
//! to a snapshot; plus keyboard, controls and model states through the real app.
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
use sharp_viewer::infer::{InferOptions, ModelPaths, ModelStatus};
use sharp_viewer::mask::MaskPreference;
use sharp_viewer::pipeline::{SourceSpec, WorkerOptions};
use sharp_viewer::ui::{LaunchOptions, ViewerApp};
use viewer_common::{WINDOW, step_until};

/// A viewer on a 12-frame sample, masking on the CPU, with the models of `models`.
/// Figures go to `dir/figures`.
fn viewer(dir: &Path, models: &Path, start_position: usize) -> Harness<'static, ViewerApp> {
    let (_, take) = common::small_sample(dir, 12, 1);
    let figure_folder = dir.join("figures");
    let worker = WorkerOptions {
        models: ModelPaths::in_folder(models),
        infer: InferOptions::default(),
        mask: MaskPreference::Cpu,
    };
    Harness::builder()
        .with_size(WINDOW)
        .wgpu()
        .build_eframe(move |cc| {
            let mut app = ViewerApp::new(
                cc,
                LaunchOptions {
                    source: SourceSpec::Take(take.clone()),
                    start_position,
                    worker: worker.clone(),
                    pose_backend: None,
                    browse: None,
                    figure_folder: figure_folder.clone(),
                },
            )
            .expect("the pipeline threads start");
            // Frame rates and latencies differ run to run: keep them out of the snapshot.
            app.settings_mut().show_speed_readout = false;
            app.settings_mut().action_window_seconds = 0.2;
            // Show the error colouring (and its legend) rather than finger colours.
            app.settings_mut().color_by_error = true;
            app.apply_settings();
            app
        })
}

fn shown_position(app: &ViewerApp) -> Option<usize> {
    app.current_result().map(|result| result.frame.position)
}

#[test]
fn main_window_with_the_fixture_models_matches_the_snapshot() {
    let dir = tempfile::tempdir().expect("temp dir");
    let models = common::fixture_models(dir.path());
    let mut harness = viewer(dir.path(), &models, 0);
    step_until(&mut harness, "frame 0", |app| {
        shown_position(app) == Some(0)
    });
    // Step through consecutive frames so the 0.2 s (6-frame) action window fills.
    for position in 1..=6 {
        harness.key_press(egui::Key::ArrowRight);
        step_until(&mut harness, "the next frame", |app| {
            shown_position(app) == Some(position)
        });
    }
    let app = harness.state();
    assert!(
        app.source().is_some_and(|source| source.synthetic),
        "the sample is labelled synthetic"
    );
    assert!(
        app.models()
            .iter()
            .all(|(_, status)| matches!(status, ModelStatus::Ready(_))),
        "{:?}",
        app.models()
    );
    let result = app.current_result().expect("a result");
    assert!(
        result.processed.pseudo_depth.is_some(),
        "the depth model ran"
    );
    assert!(result.processed.pose.is_some(), "the pose model ran");
    assert!(
        result.processed.action.is_some(),
        "the action window filled: {:?}",
        result.processed.action_window
    );
    harness.get_by_label_contains("SYNTHETIC SAMPLE");
    harness.get_by_label_contains("Action:");
    harness.get_by_label_contains("hand joints kept: left 21/21, right 21/21");
    harness.snapshot("main_window");
}

#[test]
fn missing_models_are_explained_and_ground_truth_is_still_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let mut harness = viewer(dir.path(), &empty, 4);
    step_until(&mut harness, "frame 4", |app| {
        shown_position(app) == Some(4)
    });
    let app = harness.state();
    assert_eq!(app.models().len(), 3);
    for (kind, status) in app.models() {
        assert!(
            matches!(status, ModelStatus::Missing { .. }),
            "{kind}: {status:?}"
        );
    }
    let result = app.current_result().expect("a result");
    assert!(result.processed.pose.is_none());
    assert!(
        result.frame.annotations.hands.is_some(),
        "ground truth still shows"
    );
    harness.get_by_label_contains("pose: not found");
    assert_eq!(
        harness
            .get_all_by_label_contains("models/export_onnx.py")
            .count(),
        3
    );
    harness.get_by_label_contains("GT action:");
}

#[test]
fn arrow_keys_step_and_presets_re_mask_the_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let mut harness = viewer(dir.path(), &empty, 3);
    step_until(&mut harness, "frame 3", |app| {
        shown_position(app) == Some(3)
    });
    let kept = harness
        .state()
        .current_result()
        .map(|r| r.processed.kept_fraction)
        .expect("a result");
    assert!(
        kept < 0.6,
        "the oracle preset removes the background, kept {kept}"
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
            .is_some_and(|r| r.settings.mask.range.is_none() && r.processed.kept_fraction == 1.0)
    });
    let result = harness.state().current_result().expect("a result");
    assert_eq!(result.frame.position, 3, "re-masking keeps the frame");
    assert_eq!(*result.processed.masked, *result.frame.rgb);
}

/// F12 writes the shown frame's figure off the UI thread, as the window shows it: its four
/// panels, the 3D panel seen exactly as the (turned) 3D view shows it with the recording
/// camera and the object points, joints in their error colours when those are on.
#[test]
fn exporting_a_figure_writes_every_panel_with_the_3d_view_as_shown() {
    use sharp_viewer::figure::{
        DisplayOptions, FigureCamera, FigureInput, FigureOptions, Panel, render_figure,
    };
    use sharp_viewer::ui::OrbitCamera;

    let dir = tempfile::tempdir().expect("temp dir");
    let models = common::fixture_models(dir.path());
    let mut harness = viewer(dir.path(), &models, 2);
    step_until(&mut harness, "frame 2", |app| {
        shown_position(app) == Some(2)
    });
    harness.state_mut().settings_mut().camera_3d.yaw = -1.1;
    harness.state_mut().settings_mut().camera_3d.pitch = 0.8;
    harness.state_mut().settings_mut().color_by_error = true;
    harness.key_press(egui::Key::F12);
    step_until(&mut harness, "the figure", |app| {
        app.figure_notice()
            .is_some_and(|notice| notice.starts_with("figure written"))
    });

    let folder = dir.path().join("figures");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .expect("the figure folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "subject1_h1_0_frame000002_composite.png",
            "subject1_h1_0_frame000002_depth.png",
            "subject1_h1_0_frame000002_masked.png",
            "subject1_h1_0_frame000002_rgb.png",
            "subject1_h1_0_frame000002_skeleton3d.png",
        ]
    );

    let app = harness.state();
    let result = app.current_result().expect("a result");
    let input = FigureInput::of_frame(
        "subject1/h1/0",
        &result.frame,
        &result.processed,
        result.settings.mask,
    );
    let camera_3d = OrbitCamera {
        yaw: -1.1,
        pitch: 0.8,
        ..OrbitCamera::default()
    };
    let options = FigureOptions {
        camera: FigureCamera::View {
            view: camera_3d.view(),
            fov_y: OrbitCamera::FOV_Y,
        },
        labels: true,
        display: DisplayOptions {
            color_by_error: true,
            ..DisplayOptions::default()
        },
        ..FigureOptions::default()
    };
    let skeleton = |options: &FigureOptions| {
        render_figure(&input, options)
            .expect("the figure renders")
            .panel(Panel::Skeleton3d)
            .expect("a 3D panel")
            .clone()
    };
    let written = image::open(folder.join("subject1_h1_0_frame000002_skeleton3d.png"))
        .expect("the 3D panel decodes")
        .into_rgb8();
    assert_eq!(written, skeleton(&options));
    assert!(
        result.frame.annotations.object.is_some(),
        "the sample has objects"
    );
    let bare = FigureOptions {
        display: DisplayOptions {
            object: false,
            camera_frustum: false,
            ..options.display
        },
        ..options.clone()
    };
    assert_ne!(
        written,
        skeleton(&bare),
        "object points and frustum are drawn"
    );
    let evaluated = input
        .outcome()
        .is_some_and(|outcome| outcome.hands.iter().any(|hand| hand.error.is_some()));
    if evaluated {
        let fingers = FigureOptions {
            display: DisplayOptions {
                color_by_error: false,
                ..options.display
            },
            ..options.clone()
        };
        assert_ne!(written, skeleton(&fingers), "joints in their error colours");
    }
    let front = render_figure(&input, &FigureOptions::default()).expect("the figure renders");
    let front = front.panel(Panel::Skeleton3d).expect("a 3D panel");
    assert_ne!(&written, front, "the turned view, not the front preset");
}

/// Without a depth model the SHARP 120 preset cannot apply: its button and the pseudo-depth
/// choice are disabled, and a saved pseudo-depth range is shown on the masked panel itself
/// as not masked, with the reason, instead of "keep 120..255".
#[test]
fn an_inapplicable_mask_is_disabled_and_named_on_the_masked_panel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("no-models");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let mut harness = viewer(dir.path(), &empty, 2);
    step_until(&mut harness, "frame 2", |app| {
        shown_position(app) == Some(2) && !app.models().is_empty()
    });
    let disabled = |label: &str| harness.get_by_label(label).accesskit_node().is_disabled();
    assert!(disabled("SHARP 120"));
    assert!(disabled("pseudo"));
    assert!(!disabled("oracle GT depth"));

    // A saved setting (or one carried over from a session with models) asks for it anyway.
    harness
        .state_mut()
        .settings_mut()
        .apply_preset(sharp_viewer::mask::RangePreset::Sharp120);
    harness.state().apply_settings();
    step_until(&mut harness, "a pseudo-depth request", |app| {
        app.current_result().is_some_and(|result| {
            result.settings.mask.depth == sharp_viewer::mask::DepthUnit::InverseDepth8
        })
    });
    let result = harness.state().current_result().expect("a result");
    assert_eq!(result.processed.kept_fraction, 1.0);
    assert!(result.processed.mask_skipped.is_some());
    harness.get_by_label_contains("Masked (pose input): NOT MASKED, no pseudo-depth");
    assert_eq!(
        harness
            .query_all_by_label_contains("Masked (pose input): keep")
            .count(),
        0
    );
}

/// File > Export clip… opens the clip window; an export of three frames of two panels as a
/// GIF runs off the UI thread (the same code as `sharp-viewer clip`), and the window names
/// the absolute path of a GIF holding one composite per frame of the range, with nothing
/// else left in the folder.
#[test]
fn exporting_a_clip_from_the_viewer_writes_a_gif_of_the_range() {
    use sharp_viewer::figure::{Layout, Panel};
    use sharp_viewer::ui::CLIP_WINDOW_TITLE;

    let dir = tempfile::tempdir().expect("temp dir");
    let models = common::fixture_models(dir.path());
    let mut harness = viewer(dir.path(), &models, 0);
    step_until(&mut harness, "frame 0", |app| {
        shown_position(app) == Some(0)
    });
    assert!(harness.query_by_label("Export").is_none());
    harness.get_by_label("File").click();
    harness.run_steps(3);
    harness.get_by_label("Export clip…").click();
    harness.run_steps(3);
    harness.get_by_label(CLIP_WINDOW_TITLE);

    let clips = dir.path().join("clips");
    let window = harness.state_mut().clip_export_mut();
    window.set_range(2, 4);
    window.set_folder(&clips);
    window.set_panels(&[Panel::Rgb, Panel::Masked]);
    harness.run_steps(2);
    harness.get_by_label("GIF").click();
    harness.run_steps(2);
    harness.get_by_label("Export").click();
    step_until(&mut harness, "the clip", |app| {
        !app.clip_export().running() && app.clip_export().outcome().is_some()
    });

    let outcome = harness.state().clip_export().outcome().cloned();
    let message = match outcome {
        Some(Ok(message)) => message,
        other => panic!("no clip: {other:?}"),
    };
    let path = clips.join("subject1_h1_0_frame000002_to_000004.gif");
    assert!(path.is_absolute());
    assert!(
        message.contains(&path.display().to_string()) && message.contains("3 frames"),
        "{message}"
    );
    harness.get_by_label(&message);
    let names: Vec<_> = std::fs::read_dir(&clips)
        .expect("the clips folder")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "only the clip: {names:?}");

    let frame = harness
        .state()
        .current_result()
        .expect("a result")
        .frame
        .rgb
        .clone();
    let decoder = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(&path).expect("the GIF"))
        .expect("a GIF");
    let gap = Layout::default().spacing as u32;
    assert_eq!(
        u32::from(decoder.width()),
        2 * (frame.width() + gap) + gap,
        "two panels in a row at scale 1"
    );
    let mut decoder = decoder;
    let mut frames = 0;
    while decoder.read_next_frame().expect("a frame").is_some() {
        frames += 1;
    }
    assert_eq!(frames, 3, "frames 2, 3 and 4");
}

/// F12's depth panel shows the depth map the window's depth panel shows: the ground truth
/// (the viewer's millimetre colour map of the frame's depth file) when the window shows
/// it, pseudo-depth when the window does.
#[test]
fn the_exported_depth_panel_shows_what_the_window_shows() {
    use sharp_viewer::viz::DepthColormap;

    let dir = tempfile::tempdir().expect("temp dir");
    let models = common::fixture_models(dir.path());
    let mut harness = viewer(dir.path(), &models, 2);
    harness.state_mut().settings_mut().estimate_depth = true;
    harness.state_mut().settings_mut().depth_panel_pseudo = false;
    harness.state().apply_settings();
    step_until(&mut harness, "frame 2 with both depth maps", |app| {
        app.current_result().is_some_and(|result| {
            result.frame.position == 2
                && result.settings.estimate_depth
                && result.processed.pseudo_depth.is_some()
                && result.frame.depth_mm.is_some()
        })
    });
    let export = |harness: &mut Harness<'static, ViewerApp>| {
        harness.key_press(egui::Key::F12);
        harness.run_steps(1);
        step_until(harness, "the figure", |app| {
            app.figure_notice()
                .is_some_and(|notice| notice.starts_with("figure written"))
        });
        image::open(
            dir.path()
                .join("figures/subject1_h1_0_frame000002_depth.png"),
        )
        .expect("the depth panel decodes")
        .into_rgb8()
    };
    let result = harness.state().current_result().expect("a result").clone();
    let truth = DepthColormap::default().colorize_mm(
        result
            .frame
            .depth_mm
            .as_deref()
            .expect("ground-truth depth"),
    );
    // The share of the panel (below its label, at twice the frame size) that shows the
    // ground-truth colour map.
    let truth_share = |panel: &image::RgbImage| {
        let (width, height) = truth.dimensions();
        assert_eq!(panel.dimensions(), (2 * width, 2 * height));
        let rows = height / 4..height;
        let matching = rows
            .clone()
            .flat_map(|y| (0..width).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let reference = truth.get_pixel(x, y).0;
                let shown = panel.get_pixel(2 * x, 2 * y).0;
                shown
                    .iter()
                    .zip(reference)
                    .all(|(a, b)| a.abs_diff(b) <= 12)
            })
            .count();
        matching as f64 / (rows.len() as u32 * width) as f64
    };
    let shown_truth = export(&mut harness);
    assert!(
        truth_share(&shown_truth) > 0.95,
        "the ground truth: {}",
        truth_share(&shown_truth)
    );

    harness.state_mut().settings_mut().depth_panel_pseudo = true;
    let shown_pseudo = export(&mut harness);
    assert!(
        truth_share(&shown_pseudo) < 0.5,
        "pseudo-depth, not the ground truth: {}",
        truth_share(&shown_pseudo)
    );
}
