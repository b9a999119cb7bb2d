//! Figure export: panel and composite sizes, non-blank content, file names, and the
//! `figure` command on a generated sample with the fixture models.

mod common;

use std::process::Command;

use glam::Vec3;
use image::{GrayImage, Luma, Rgb, RgbImage};
use sharp_viewer::figure::{
    CameraPreset, FIGURE_SCALE, FigureCamera, FigureInput, FigureOptions, Panel, figure_file_name,
    render_figure, write_figure,
};
use sharp_viewer::geometry::{CameraIntrinsics, HandJoints, TwoHands};

/// A right hand spread in front of the camera, metres.
fn hand() -> HandJoints {
    std::array::from_fn(|joint| {
        let finger = joint.saturating_sub(1) / 4;
        let step = (joint.saturating_sub(1) % 4 + usize::from(joint > 0)) as f32;
        Vec3::new(
            0.05 + (finger as f32 - 2.0) * 0.02 * step * 0.5,
            0.05 - 0.02 * step,
            0.5 + 0.01 * finger as f32 + 0.015 * step,
        )
    })
}

fn non_black(image: &RgbImage, background: [u8; 3]) -> usize {
    image.pixels().filter(|pixel| pixel.0 != background).count()
}

fn variance(image: &RgbImage) -> f64 {
    let values: Vec<f64> = image.as_raw().iter().map(|v| f64::from(*v)).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
}

#[test]
fn panels_are_twice_the_frame_and_the_composite_is_their_row() {
    let (width, height) = (160, 90);
    let rgb = RgbImage::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 128]));
    let masked = RgbImage::from_fn(width, height, |x, _| Rgb([0, (x % 200) as u8, 0]));
    let depth = GrayImage::from_fn(64, 36, |x, _| Luma([(x * 4) as u8]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(width, height);
    let hands = TwoHands {
        left: None,
        right: Some(hand()),
    };
    let input = FigureInput {
        rgb: &rgb,
        pseudo_depth: Some(&depth),
        masked: &masked,
        pose: None,
        ground_truth: Some(&hands),
        intrinsics: &intrinsics,
    };
    for camera in CameraPreset::ALL {
        for labels in [false, true] {
            let figure = render_figure(
                &input,
                &FigureOptions {
                    camera: FigureCamera::Preset(camera),
                    labels,
                },
            );
            assert_eq!(figure.panels.len(), Panel::ALL.len());
            for (panel, image) in &figure.panels {
                assert_eq!(
                    image.dimensions(),
                    (width * FIGURE_SCALE, height * FIGURE_SCALE),
                    "{panel:?}"
                );
                assert!(variance(image) > 1.0, "{panel:?} {camera:?} is flat");
            }
            assert_eq!(
                figure.composite.dimensions(),
                (
                    figure.panels.iter().map(|(_, image)| image.width()).sum(),
                    height * FIGURE_SCALE
                )
            );
            // The skeleton-only panels are drawn on a dark background: the hand is there.
            for (panel, image) in &figure.panels {
                if matches!(panel, Panel::Pose2d | Panel::Skeleton3d) {
                    assert!(
                        non_black(image, [24, 24, 24]) > 200,
                        "{panel:?} {camera:?}: no skeleton"
                    );
                }
            }
        }
    }
}

/// The 3D panel of a 120x80 frame with `hand()` as its ground-truth right hand.
fn one_hand_skeleton(options: FigureOptions) -> RgbImage {
    let rgb = RgbImage::from_pixel(120, 80, Rgb([40, 40, 40]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(120, 80);
    let hands = TwoHands {
        left: None,
        right: Some(hand()),
    };
    let input = FigureInput {
        rgb: &rgb,
        pseudo_depth: None,
        masked: &rgb,
        pose: None,
        ground_truth: Some(&hands),
        intrinsics: &intrinsics,
    };
    render_figure(&input, &options)
        .panel(Panel::Skeleton3d)
        .expect("a 3D panel")
        .clone()
}

#[test]
fn presets_differ_and_labels_draw() {
    let skeleton = |camera: CameraPreset, labels| {
        one_hand_skeleton(FigureOptions {
            camera: FigureCamera::Preset(camera),
            labels,
        })
    };
    let front = skeleton(CameraPreset::Front, false);
    assert_ne!(front, skeleton(CameraPreset::Side, false));
    assert_ne!(front, skeleton(CameraPreset::Top, false));
    assert_eq!(front, skeleton(CameraPreset::Front, false), "reproducible");
    let labelled = skeleton(CameraPreset::Front, true);
    let white = |image: &RgbImage| image.pixels().filter(|p| p.0 == [255; 3]).count();
    assert!(white(&labelled) > white(&front));
    assert_eq!(
        "side".parse::<CameraPreset>().ok(),
        Some(CameraPreset::Side)
    );
    assert!("diagonal".parse::<CameraPreset>().is_err());
}

/// The viewer exports its 3D view as a given camera: the front preset's camera built
/// independently (0.6 m in front of the hands' centre, y down, 0.9 rad field of view) draws
/// exactly the preset's panel, and another view draws another one.
#[test]
fn a_given_view_draws_like_the_preset_it_equals() {
    let skeleton = |camera| {
        one_hand_skeleton(FigureOptions {
            camera,
            labels: false,
        })
    };
    let joints = hand();
    let centre = joints.iter().copied().sum::<Vec3>() / joints.len() as f32;
    let look = |eye: Vec3| FigureCamera::View {
        view: glam::camera::rh::view::look_at_mat4(eye, centre, Vec3::NEG_Y),
        fov_y: 0.9,
    };
    let front = skeleton(FigureCamera::Preset(CameraPreset::Front));
    let background = |image: &RgbImage| image.pixels().filter(|p| p.0 == [24; 3]).count();
    assert!(
        background(&front) < front.pixels().len(),
        "the hand is drawn"
    );
    assert_eq!(skeleton(look(centre - Vec3::Z * 0.6)), front);
    let closer = skeleton(look(centre - Vec3::Z * 0.3));
    assert_ne!(closer, front);
    assert!(
        background(&closer) < background(&front),
        "a closer view draws a bigger hand"
    );
}

#[test]
fn files_carry_take_and_frame_and_are_written_atomically() {
    assert_eq!(
        figure_file_name("subject1/h1/0", 123, "composite"),
        "subject1_h1_0_frame000123_composite.png"
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    let rgb = RgbImage::from_pixel(20, 10, Rgb([200, 10, 10]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(20, 10);
    let input = FigureInput {
        rgb: &rgb,
        pseudo_depth: None,
        masked: &rgb,
        pose: None,
        ground_truth: None,
        intrinsics: &intrinsics,
    };
    let figure = render_figure(&input, &FigureOptions::default());
    let written =
        write_figure(dir.path(), "subject1/h1/0", 7, &figure).expect("the figure is written");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut expected: Vec<String> = Panel::ALL
        .iter()
        .map(|panel| panel.file_part())
        .chain(["composite"])
        .map(|part| format!("subject1_h1_0_frame000007_{part}.png"))
        .collect();
    expected.sort();
    assert_eq!(names, expected, "no temporary files are left");
    let composite = written.last().expect("the composite path");
    let decoded = image::open(composite).expect("a PNG").to_rgb8();
    assert_eq!(decoded.dimensions(), (5 * 40, 20));
}

#[test]
fn figure_command_writes_panels_and_composites_for_the_sample() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (dataset, _) = common::small_sample(root.path(), 12, 1);
    let models = common::fixture_models(root.path());
    let out = root.path().join("figures");
    let text = |path: &std::path::Path| path.to_str().expect("UTF-8 path").to_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
        .args([
            "figure",
            &text(&dataset),
            "--frames",
            "0,5",
            "--out",
            &text(&out),
        ])
        .args([
            "--models",
            &text(&models),
            "--provider",
            "cpu",
            "--mask-backend",
            "cpu",
        ])
        .args(["--camera", "side", "--labels"])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut composites: Vec<_> = std::fs::read_dir(&out)
        .expect("the figures folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.to_string_lossy().ends_with("_composite.png"))
        .collect();
    composites.sort();
    assert_eq!(composites.len(), 2, "{composites:?}");
    let names = std::fs::read_dir(&out).expect("list").count();
    assert_eq!(names, 2 * (Panel::ALL.len() + 1));
    for composite in &composites {
        let name = composite.file_name().expect("name").to_string_lossy();
        assert!(name.contains("_frame0"), "{name}");
        let image = image::open(composite).expect("a PNG").to_rgb8();
        let panel = image::open(composite.to_string_lossy().replace("composite", "rgb"))
            .expect("the RGB panel")
            .to_rgb8();
        assert_eq!(image.width(), panel.width() * Panel::ALL.len() as u32);
        assert_eq!(image.height(), panel.height());
        assert!(variance(&image) > 10.0);
    }
}

/// Without a usable depth model the figure would have a blank pseudo-depth panel and the
/// whole frame as its "masked" panel: the command must refuse, not write it.
#[test]
fn figure_command_fails_without_a_usable_depth_model_and_writes_nothing() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (dataset, _) = common::small_sample(root.path(), 12, 1);
    let models = common::fixture_models(root.path());
    std::fs::remove_file(models.join("depth.onnx")).expect("remove the depth model");
    let out = root.path().join("figures");
    let text = |path: &std::path::Path| path.to_str().expect("UTF-8 path").to_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
        .args(["figure", &text(&dataset), "--frames", "1", "--out"])
        .arg(&out)
        .args(["--models", &text(&models)])
        .args(["--provider", "cpu", "--mask-backend", "cpu"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "exit 0: {stderr}");
    assert!(stderr.contains("no figure written"), "{stderr}");
    assert!(stderr.contains("blank pseudo-depth panel"), "{stderr}");
    assert!(
        stderr.contains("unmasked frame as the masked panel"),
        "{stderr}"
    );
    let written = std::fs::read_dir(&out).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "no figure files");
}
