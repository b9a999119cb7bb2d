//! Figure export: panel and composite sizes, layouts (chosen panels, rows and grids,
//! spacing, themes, legend, annotation), non-blank content, file names, and the `figure`
//! command on a generated sample with the fixture models.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod common;
mod figure_common;

use std::process::Command;

use figure_common::{Scene, displacement_mm, hand};
use glam::Vec3;
use image::{Rgb, RgbImage};
use sharp_viewer::chain::MaskSettings;
use sharp_viewer::figure::{
    CameraPreset, DEFAULT_SCALE, DisplayOptions, FigureCamera, FigureError, FigureInput,
    FigureOptions, Layout, Panel, Shape, Theme, annotation_text, figure_file_name, render_figure,
    to_svg, write_figure,
};
use sharp_viewer::geometry::{CameraIntrinsics, TwoHands};
use sharp_viewer::mask::{DepthRange, DepthUnit};

fn variance(image: &RgbImage) -> f64 {
    let values: Vec<f64> = image.as_raw().iter().map(|v| f64::from(*v)).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
}

fn count(image: &RgbImage, color: [u8; 3]) -> usize {
    image.pixels().filter(|pixel| pixel.0 == color).count()
}

/// A frame with only the ground-truth right hand and no pose.
fn input_without_pose<'a>(
    rgb: &'a RgbImage,
    intrinsics: &'a CameraIntrinsics,
    hands: &'a TwoHands,
) -> FigureInput<'a> {
    FigureInput {
        take: "subject1/h1/0",
        frame_number: 3,
        rgb,
        pseudo_depth: None,
        depth_mm: None,
        masked: rgb,
        mask: MaskSettings {
            depth: DepthUnit::Millimetres,
            range: None,
        },
        pose: None,
        ground_truth: Some(hands),
        object: None,
        intrinsics,
    }
}

#[test]
fn panels_are_the_scale_times_the_frame_and_the_composite_is_their_spaced_row() {
    let (width, height) = (160, 90);
    let scene = Scene::new(width, height);
    let input = scene.input();
    for camera in CameraPreset::ALL {
        for labels in [false, true] {
            let options = FigureOptions {
                camera: FigureCamera::Preset(camera),
                labels,
                ..FigureOptions::default()
            };
            let figure = render_figure(&input, &options).expect("the figure renders");
            assert_eq!(figure.panels.len(), Panel::ALL.len());
            for (panel, image) in &figure.panels {
                assert_eq!(
                    image.dimensions(),
                    (width * DEFAULT_SCALE, height * DEFAULT_SCALE),
                    "{panel:?}"
                );
                assert!(variance(image) > 1.0, "{panel:?} {camera:?} is flat");
            }
            let gap = options.layout.spacing as u32;
            assert_eq!(
                figure.composite.dimensions(),
                (
                    (5 * (width + gap) + gap) * DEFAULT_SCALE,
                    (height + 2 * gap) * DEFAULT_SCALE
                )
            );
            // The skeleton-only panels are drawn on the panel background: the hands are there.
            for (panel, image) in &figure.panels {
                if matches!(panel, Panel::Pose2d | Panel::Skeleton3d) {
                    let background = Theme::Dark.panel_background();
                    assert!(
                        image.pixels().filter(|p| p.0 != background).count() > 200,
                        "{panel:?} {camera:?}: no skeleton"
                    );
                }
            }
        }
    }
}

/// The cell of the composite at `origin` (figure units) of a panel `size` pixels.
fn cell(composite: &RgbImage, origin: (u32, u32), size: (u32, u32), scale: u32) -> RgbImage {
    image::imageops::crop_imm(
        composite,
        origin.0 * scale,
        origin.1 * scale,
        size.0,
        size.1,
    )
    .to_image()
}

#[test]
fn a_grid_puts_each_chosen_panel_in_its_cell_with_the_gaps_in_the_background() {
    let (width, height) = (120, 80);
    let scene = Scene::new(width, height);
    let panels = vec![Panel::Skeleton3d, Panel::Rgb, Panel::Pose2d];
    let options = FigureOptions {
        layout: Layout {
            panels: panels.clone(),
            columns: 2,
            spacing: 10.0,
            ..Layout::default()
        },
        scale: 1,
        ..FigureOptions::default()
    };
    let figure = render_figure(&scene.input(), &options).expect("the figure renders");
    let kinds: Vec<Panel> = figure.panels.iter().map(|(panel, _)| *panel).collect();
    assert_eq!(kinds, panels, "the chosen panels, in the chosen order");
    // Two columns, two rows, 10 units around and between.
    assert_eq!(figure.composite.dimensions(), (2 * 130 + 10, 2 * 90 + 10));
    let origins = [(10, 10), (140, 10), (10, 100)];
    for ((panel, image), origin) in figure.panels.iter().zip(origins) {
        assert_eq!(
            &cell(&figure.composite, origin, image.dimensions(), 1),
            image,
            "{panel:?} at {origin:?}"
        );
    }
    let background = Rgb(Theme::Dark.background());
    for (x, y) in [(5, 5), (135, 50), (60, 95), (200, 150), (269, 189)] {
        assert_eq!(figure.composite.get_pixel(x, y), &background, "({x}, {y})");
    }
    // A larger scale draws the same layout with more pixels.
    let double = render_figure(
        &scene.input(),
        &FigureOptions {
            scale: 4,
            ..options.clone()
        },
    )
    .expect("the figure renders");
    assert_eq!(double.composite.dimensions(), (4 * 270, 4 * 190));
    assert_eq!("skeleton3d".parse::<Panel>().ok(), Some(Panel::Skeleton3d));
    assert!("skeleton".parse::<Panel>().is_err());
    let none = FigureOptions {
        layout: Layout {
            panels: Vec::new(),
            ..Layout::default()
        },
        ..FigureOptions::default()
    };
    assert!(matches!(
        render_figure(&scene.input(), &none),
        Err(FigureError::NoPanels)
    ));
}

#[test]
fn the_light_theme_draws_on_white_with_a_darker_ground_truth() {
    let scene = Scene::new(120, 80);
    let render = |theme| {
        let options = FigureOptions {
            layout: Layout {
                panels: vec![Panel::Pose2d],
                theme,
                ..Layout::default()
            },
            scale: 4,
            ..FigureOptions::default()
        };
        render_figure(&scene.input(), &options).expect("the figure renders")
    };
    let light = render(Theme::Light);
    let dark = render(Theme::Dark);
    assert_eq!(light.composite.get_pixel(2, 2).0, [255; 3]);
    assert_eq!(
        light.composite.dimensions(),
        (4 * (120 + 32), 4 * (80 + 32))
    );
    assert_eq!(dark.composite.get_pixel(2, 2).0, Theme::Dark.background());
    let panel = light.panel(Panel::Pose2d).expect("the panel");
    assert_eq!(panel.get_pixel(0, 0).0, Theme::Light.panel_background());
    assert!(count(panel, Theme::Light.ground_truth()) > 0);
    let dark_panel = dark.panel(Panel::Pose2d).expect("the panel");
    assert!(count(dark_panel, Theme::Dark.ground_truth()) > 0);
    assert_eq!("LIGHT".parse::<Theme>().ok(), Some(Theme::Light));
    assert!("sepia".parse::<Theme>().is_err());
}

/// The part of `image` below row `top`.
fn below(image: &RgbImage, top: u32) -> RgbImage {
    image::imageops::crop_imm(image, 0, top, image.width(), image.height() - top).to_image()
}

#[test]
fn the_legend_shows_the_colours_the_panels_use_and_the_kept_depth_range() {
    let (width, height) = (320, 180);
    let scene = Scene::new(width, height);
    let render = |display: DisplayOptions, mask: Option<DepthRange>| {
        let mut input = scene.input();
        input.mask.range = mask;
        let options = FigureOptions {
            display,
            layout: Layout {
                legend: true,
                ..Layout::default()
            },
            scale: 1,
            ..FigureOptions::default()
        };
        render_figure(&input, &options).expect("the figure renders")
    };
    let kept = Some(DepthRange::new(120.0, 255.0));
    let fingers = render(DisplayOptions::default(), kept);
    let grid_bottom = height + 2 * 16;
    assert!(fingers.composite.height() > grid_bottom, "a legend row");
    let legend = below(&fingers.composite, grid_bottom);
    for joint in [0, 4, 8, 12, 16, 20] {
        let color = sharp_viewer::viz::joint_rgb(sharp_viewer::geometry::Hand::Right, joint);
        assert!(count(&legend, color) > 0, "finger colour of joint {joint}");
    }
    assert!(
        count(&legend, Theme::Dark.ground_truth()) > 0,
        "ground truth"
    );
    assert!(
        count(&legend, sharp_viewer::viz::OBJECT_RGB) > 0,
        "object points"
    );
    assert_eq!(
        count(&legend, sharp_viewer::viz::BAD_RGB),
        0,
        "no error scale"
    );
    let errors = render(
        DisplayOptions {
            color_by_error: true,
            ..DisplayOptions::default()
        },
        kept,
    );
    let legend = below(&errors.composite, grid_bottom);
    for color in [
        sharp_viewer::viz::GOOD_RGB,
        sharp_viewer::viz::FAIR_RGB,
        sharp_viewer::viz::BAD_RGB,
    ] {
        assert!(count(&legend, color) > 0, "error colour {color:?}");
    }
    // The predicted joints are drawn in their error colours: 10 mm green, 40 mm yellow,
    // 80 mm red.
    let skeleton = errors.panel(Panel::Skeleton3d).expect("the 3D panel");
    for color in [
        sharp_viewer::viz::GOOD_RGB,
        sharp_viewer::viz::FAIR_RGB,
        sharp_viewer::viz::BAD_RGB,
    ] {
        assert!(count(skeleton, color) > 0, "3D joints in {color:?}");
    }
    // The colour bar dims what the mask drops: a different kept range, another legend.
    let everything = render(DisplayOptions::default(), Some(DepthRange::new(0.0, 255.0)));
    assert_ne!(
        below(&everything.composite, grid_bottom),
        below(&fingers.composite, grid_bottom)
    );
}

#[test]
fn the_annotation_names_take_frame_range_and_the_frames_mpjpe() {
    let scene = Scene::new(160, 90);
    let input = scene.input();
    // Independent reference: each joint is displaced straight along z.
    let mpjpe = (0..21).map(displacement_mm).sum::<f32>() / 21.0;
    assert_eq!(
        annotation_text(&input, input.outcome().as_ref()),
        format!("subject1/h1/0 · frame 7 · kept pseudo-depth 120–255 · MPJPE {mpjpe:.1} mm")
    );
    let plain = FigureOptions {
        scale: 1,
        ..FigureOptions::default()
    };
    let annotated = FigureOptions {
        layout: Layout {
            annotate: true,
            ..Layout::default()
        },
        ..plain.clone()
    };
    let without = render_figure(&input, &plain).expect("the figure renders");
    let with = render_figure(&input, &annotated).expect("the figure renders");
    assert!(with.composite.height() > without.composite.height());
    let rgb = RgbImage::from_pixel(20, 10, Rgb([1, 2, 3]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(20, 10);
    let hands = TwoHands {
        left: None,
        right: Some(hand()),
    };
    let no_pose = input_without_pose(&rgb, &intrinsics, &hands);
    assert_eq!(
        annotation_text(&no_pose, no_pose.outcome().as_ref()),
        "subject1/h1/0 · frame 3 · no mask · no pose"
    );
}

/// The 3D panel of a 120x80 frame with `hand()` as its ground-truth right hand.
fn one_hand_skeleton(options: FigureOptions) -> RgbImage {
    let rgb = RgbImage::from_pixel(120, 80, Rgb([40, 40, 40]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(120, 80);
    let hands = TwoHands {
        left: None,
        right: Some(hand()),
    };
    let input = input_without_pose(&rgb, &intrinsics, &hands);
    render_figure(&input, &options)
        .expect("the figure renders")
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
            ..FigureOptions::default()
        })
    };
    let front = skeleton(CameraPreset::Front, false);
    assert_ne!(front, skeleton(CameraPreset::Side, false));
    assert_ne!(front, skeleton(CameraPreset::Top, false));
    assert_eq!(front, skeleton(CameraPreset::Front, false), "reproducible");
    let labelled = skeleton(CameraPreset::Front, true);
    // The label is anti-aliased text on a black box in the top-left corner.
    let changed = labelled
        .pixels()
        .zip(front.pixels())
        .filter(|(a, b)| a != b)
        .count();
    assert!(changed > 200, "{changed} pixels changed");
    let grey_levels: std::collections::BTreeSet<u8> = labelled
        .enumerate_pixels()
        .filter(|(x, y, _)| *x < 60 && *y < 20)
        .map(|(_, _, pixel)| pixel.0[0])
        .collect();
    assert!(grey_levels.len() > 20, "anti-aliased text: {grey_levels:?}");
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
    // The hand alone: the recording camera's frustum stays out of the picture.
    let skeleton = |camera| {
        one_hand_skeleton(FigureOptions {
            camera,
            display: DisplayOptions {
                camera_frustum: false,
                ..DisplayOptions::default()
            },
            ..FigureOptions::default()
        })
    };
    let joints = hand();
    let centre = joints.iter().copied().sum::<Vec3>() / joints.len() as f32;
    let look = |eye: Vec3| FigureCamera::View {
        view: glam::camera::rh::view::look_at_mat4(eye, centre, Vec3::NEG_Y),
        fov_y: 0.9,
    };
    let front = skeleton(FigureCamera::Preset(CameraPreset::Front));
    let background = |image: &RgbImage| count(image, Theme::Dark.panel_background());
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
        figure_file_name("subject1/h1/0", 123, "composite", "png"),
        "subject1_h1_0_frame000123_composite.png"
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    let rgb = RgbImage::from_pixel(20, 10, Rgb([200, 10, 10]));
    let intrinsics = CameraIntrinsics::H2O_CAM4_DEFAULT.scaled_to(20, 10);
    let hands = TwoHands::default();
    let input = input_without_pose(&rgb, &intrinsics, &hands);
    let options = FigureOptions {
        layout: Layout {
            spacing: 0.0,
            ..Layout::default()
        },
        ..FigureOptions::default()
    };
    let figure = render_figure(&input, &options).expect("the figure renders");
    let written = write_figure(dir.path(), "subject1/h1/0", 7, &figure, false)
        .expect("the figure is written");
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
        .args(["--panels", "rgb,skeleton3d,depth", "--columns", "2"])
        .args([
            "--spacing",
            "4",
            "--theme",
            "light",
            "--legend",
            "--annotate",
        ])
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
    assert_eq!(
        names,
        2 * (3 + 1),
        "three panels and the composite per frame"
    );
    for composite in &composites {
        let name = composite.file_name().expect("name").to_string_lossy();
        assert!(name.contains("_frame0"), "{name}");
        let image = image::open(composite).expect("a PNG").to_rgb8();
        let panel = image::open(composite.to_string_lossy().replace("composite", "rgb"))
            .expect("the RGB panel")
            .to_rgb8();
        // Two columns, 4 frame pixels apart, at the default scale; legend and annotation
        // make it taller than the two rows.
        assert_eq!(image.width(), 2 * panel.width() + 3 * 4 * DEFAULT_SCALE);
        assert!(image.height() > 2 * panel.height() + 3 * 4 * DEFAULT_SCALE);
        assert_eq!(image.get_pixel(0, 0).0, [255; 3], "light theme");
        assert!(variance(&image) > 10.0);
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
        .args([
            "figure",
            &text(&dataset),
            "--frames",
            "0",
            "--panels",
            "rgb,hands",
        ])
        .output()
        .expect("the binary runs");
    assert!(!bad.status.success());
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(message.contains("unknown panel \"hands\""), "{message}");
}

/// Counts the shapes of `kind` in `canvas`, nested canvases included.
fn shapes(canvas: &sharp_viewer::figure::Canvas, kind: fn(&Shape) -> bool) -> usize {
    canvas
        .shapes
        .iter()
        .map(|shape| match shape {
            Shape::Nested { canvas, .. } => shapes(canvas, kind),
            other => usize::from(kind(other)),
        })
        .sum()
}

#[test]
fn svg_keeps_every_line_disc_and_text_as_a_vector() {
    let scene = Scene::new(160, 90);
    let options = FigureOptions {
        labels: true,
        layout: Layout {
            legend: true,
            annotate: true,
            ..Layout::default()
        },
        ..FigureOptions::default()
    };
    let figure = render_figure(&scene.input(), &options).expect("the figure renders");
    let canvas = &figure.composite_canvas;
    let svg = to_svg(canvas, figure.scale).expect("the SVG is written");
    let tags = |tag: &str| svg.matches(&format!("<{tag} ")).count();
    assert_eq!(
        tags("line"),
        shapes(canvas, |s| matches!(s, Shape::Line { .. }))
    );
    assert_eq!(
        tags("circle"),
        shapes(canvas, |s| matches!(s, Shape::Disc { .. }))
    );
    assert_eq!(
        tags("text"),
        shapes(canvas, |s| matches!(s, Shape::Text { .. }))
    );
    assert_eq!(
        tags("image"),
        shapes(canvas, |s| matches!(s, Shape::Image { .. }))
    );
    assert!(
        tags("line") > 40 && tags("circle") > 40,
        "skeletons as vectors"
    );
    assert!(svg.contains("MPJPE 48.1 mm"), "the annotation as text");
    assert!(svg.contains("data:image/png;base64,"), "the frame embedded");
    // One nested <svg> per panel and legend entry clips it; the document is as large as
    // the PNG.
    assert_eq!(svg.matches("<svg").count(), 1 + count_nested(canvas));
    let width = figure.composite.width();
    assert!(
        svg.contains(&format!("width=\"{width}\"")),
        "{}",
        &svg[..200]
    );
}

fn count_nested(canvas: &sharp_viewer::figure::Canvas) -> usize {
    canvas
        .shapes
        .iter()
        .map(|shape| match shape {
            Shape::Nested { canvas, .. } => 1 + count_nested(canvas),
            _ => 0,
        })
        .sum()
}

/// Runs the binary in `dir`; returns its status, standard output and error.
fn run_in(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    common::run_to_end(
        Command::new(env!("CARGO_BIN_EXE_sharp-viewer"))
            .current_dir(dir)
            .args(args),
    )
}

#[test]
fn figure_takes_any_take_writes_svg_and_larger_pngs_and_reports_absolute_paths() {
    let root = tempfile::tempdir().expect("temporary folder");
    let (dataset, _) = common::small_sample(root.path(), 12, 2);
    let models = common::fixture_models(root.path());
    let takes = sharp_viewer::dataset::discover_takes(&dataset).expect("the takes");
    assert_eq!(takes.len(), 2);
    let second = takes[1]
        .strip_prefix(&dataset)
        .expect("below the root")
        .to_string_lossy()
        .replace('\\', "/");
    let dataset = dataset.to_str().expect("UTF-8 path");
    let models = models.to_str().expect("UTF-8 path");
    let engine = [
        "--models",
        models,
        "--provider",
        "cpu",
        "--mask-backend",
        "cpu",
    ];
    let figure = |out: &str, extra: &[&str]| {
        let mut args = vec!["figure", dataset, "--take", &second, "--frames", "1"];
        args.extend(["--out", out, "--panels", "pose2d,rgb"]);
        args.extend(engine);
        args.extend(extra);
        run_in(root.path(), &args)
    };
    let (ok, stdout, stderr) = figure("relative", &["--svg", "--scale", "4"]);
    assert!(ok, "{stderr}");
    let written: Vec<&str> = stdout.lines().collect();
    let take_part = second.replace('/', "_");
    let mut names: Vec<String> = Vec::new();
    for line in &written {
        let path = std::path::Path::new(line);
        assert!(path.is_absolute(), "{line}");
        assert!(path.is_file(), "{line}");
        assert!(path.starts_with(root.path().join("relative")), "{line}");
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(&format!("{take_part}_frame")), "{name}");
        let (_, frame_and_part) = name.split_once("_frame").expect("a frame number");
        // Six digits of frame number, then the part.
        names.push(frame_and_part[7..].to_owned());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "composite.png",
            "composite.svg",
            "pose2d.png",
            "pose2d.svg",
            "rgb.png"
        ]
    );
    let svg = written
        .iter()
        .find(|line| line.ends_with("_pose2d.svg"))
        .expect("the pose SVG");
    let text = std::fs::read_to_string(svg).expect("the SVG reads");
    assert!(
        text.starts_with("<svg") && text.contains("<circle"),
        "{}",
        &text[..80]
    );
    let rgb = |lines: &[&str]| {
        let path = lines
            .iter()
            .find(|line| line.ends_with("_rgb.png"))
            .expect("the RGB panel");
        image::open(path).expect("a PNG").to_rgb8()
    };
    let large = rgb(&written);
    let (ok, stdout, stderr) = figure("default-scale", &[]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "no SVG without --svg: {lines:?}");
    let normal = rgb(&lines);
    assert_eq!(large.width(), 2 * normal.width(), "--scale 4 against 2");
    assert_eq!(large.height(), 2 * normal.height());

    let (ok, _, stderr) = run_in(
        root.path(),
        &[
            &[
                "figure",
                dataset,
                "--take",
                "subject9/h9/9",
                "--frames",
                "0",
            ][..],
            &engine,
        ]
        .concat(),
    );
    assert!(!ok);
    assert!(
        stderr.contains("no take \"subject9/h9/9\"") && stderr.contains(&second),
        "{stderr}"
    );
    let (ok, _, stderr) = run_in(
        root.path(),
        &["figure", dataset, "--frames", "0", "--scale", "3"],
    );
    assert!(!ok && stderr.contains("expected 1, 2 or 4"), "{stderr}");
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
    assert!(
        stderr.contains(&format!(
            "the depth model {} is missing",
            models.join("depth.onnx").display()
        )),
        "names the model file: {stderr}"
    );
    assert!(stderr.contains("blank pseudo-depth panel"), "{stderr}");
    assert!(
        stderr.contains("unmasked frame as the masked panel"),
        "{stderr}"
    );
    let written = std::fs::read_dir(&out).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "no figure files");
}

/// Every text of `canvas`, nested canvases included.
fn texts(canvas: &sharp_viewer::figure::Canvas) -> Vec<String> {
    canvas
        .shapes
        .iter()
        .flat_map(|shape| match shape {
            Shape::Nested { canvas, .. } => texts(canvas),
            Shape::Text { text, .. } => vec![text.clone()],
            _ => Vec::new(),
        })
        .collect()
}

/// The depth panel shows the ground-truth depth when asked (as the viewer's depth panel
/// can): the viewer's millimetre colour map of the frame's depth, labelled as GT depth in
/// mm, with a colour bar in mm and the kept range in mm; pseudo-depth otherwise.
#[test]
fn the_depth_panel_shows_ground_truth_depth_in_mm_when_asked() {
    use sharp_viewer::figure::DepthPanel;
    use sharp_viewer::viz::DepthColormap;

    let scene = Scene::new(160, 90);
    let mut input = scene.input();
    input.mask = MaskSettings {
        depth: DepthUnit::Millimetres,
        range: Some(DepthRange::new(400.0, 900.0)),
    };
    let render = |depth| {
        let options = FigureOptions {
            labels: true,
            display: DisplayOptions {
                depth,
                ..DisplayOptions::default()
            },
            layout: Layout {
                panels: vec![Panel::PseudoDepth],
                legend: true,
                ..Layout::default()
            },
            scale: 1,
            ..FigureOptions::default()
        };
        render_figure(&input, &options).expect("the figure renders")
    };
    let truth = render(DepthPanel::GroundTruth);
    let pseudo = render(DepthPanel::Pseudo);
    // Independent reference: the viewer's colour map of the millimetre map, near red.
    let expected = DepthColormap::default().colorize_mm(&scene.depth_mm);
    let panel = truth.panel(Panel::PseudoDepth).expect("the depth panel");
    assert_eq!(panel.dimensions(), expected.dimensions());
    let below_label = 20;
    let differing = panel
        .enumerate_pixels()
        .filter(|(_, y, _)| *y >= below_label)
        .filter(|(x, y, pixel)| {
            let reference = expected.get_pixel(*x, *y);
            pixel
                .0
                .iter()
                .zip(reference.0)
                .any(|(a, b)| a.abs_diff(b) > 2)
        })
        .count();
    assert_eq!(differing, 0, "the ground-truth colour map");
    assert_eq!(
        panel.get_pixel(0, 60).0,
        [0, 0, 0],
        "no measurement is black"
    );
    assert_ne!(
        panel,
        pseudo.panel(Panel::PseudoDepth).expect("the depth panel"),
        "not the pseudo-depth map"
    );

    let truth_texts = texts(&truth.composite_canvas);
    for expected in [
        "GT depth (mm)",
        "GT depth: 3000 mm ",
        " 250 mm",
        "   kept 400–900 mm",
    ] {
        assert!(
            truth_texts.iter().any(|text| text == expected),
            "{expected:?} in {truth_texts:?}"
        );
    }
    let pseudo_texts = texts(&pseudo.composite_canvas);
    assert!(pseudo_texts.iter().any(|text| text == "Pseudo-depth"));
    assert!(pseudo_texts.iter().any(|text| text == "Pseudo-depth: far "));
    assert!(
        pseudo_texts
            .iter()
            .any(|text| text == "   mask on depth 400–900 mm"),
        "{pseudo_texts:?}"
    );
    assert!(!pseudo_texts.iter().any(|text| text.contains("GT depth")));
}
