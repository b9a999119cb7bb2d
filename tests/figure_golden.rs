//! Golden image of the figure layout: a grid of all five panels with labels, legend
//! (error scale, finger colours, ground truth, object, pseudo-depth colour bar with the
//! kept range) and annotation, drawn from the known frame of `figure_common`, must match
//! `tests/fixtures/golden/figure/layout_light.png` (light theme) and the README's example
//! `assets/figure_example.png` (dark theme); one narrow panel's figure must hold its
//! annotation and legend and match `narrow_single.png` there. After an intended change of the figures,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test --test figure_golden` and look at
//! them before committing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod figure_common;

use std::path::{Path, PathBuf};

use figure_common::Scene;
use image::RgbImage;
use sharp_viewer::figure::{
    Canvas, DisplayOptions, FigureOptions, Layout, Panel, Shape, Theme, render_figure,
};

/// Channel differences up to this are rounding (anti-aliasing, resampling).
const TOLERANCE: u8 = 8;
/// Share of pixels allowed beyond [`TOLERANCE`].
const MAX_SHARE_BEYOND: f64 = 0.001;

fn repository(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The figure the golden image holds.
fn layout_figure(theme: Theme) -> RgbImage {
    let scene = Scene::new(320, 180);
    let options = FigureOptions {
        labels: true,
        display: DisplayOptions {
            color_by_error: true,
            ..DisplayOptions::default()
        },
        layout: Layout {
            panels: Panel::ALL.to_vec(),
            columns: 3,
            spacing: 8.0,
            theme,
            legend: true,
            annotate: true,
        },
        scale: 2,
        ..FigureOptions::default()
    };
    render_figure(&scene.input(), &options)
        .expect("the figure renders")
        .composite
}

/// Compares `actual` with the PNG at `golden`; on a mismatch writes `actual` beside the
/// temporary folder for a look and says where.
fn assert_matches(actual: &RgbImage, golden: &Path) {
    let expected = image::open(golden)
        .unwrap_or_else(|error| {
            panic!(
                "{}: {error} (create it with UPDATE_GOLDEN=1)",
                golden.display()
            )
        })
        .to_rgb8();
    let keep = || {
        let path = std::env::temp_dir().join(format!(
            "actual_{}",
            golden.file_name().expect("a file name").to_string_lossy()
        ));
        actual.save(&path).expect("the actual image is written");
        path
    };
    if expected.dimensions() != actual.dimensions() {
        panic!(
            "{}: {:?} pixels, the figure is {:?} (see {})",
            golden.display(),
            expected.dimensions(),
            actual.dimensions(),
            keep().display()
        );
    }
    let beyond = expected
        .pixels()
        .zip(actual.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0).any(|(x, y)| x.abs_diff(y) > TOLERANCE))
        .count();
    let share = beyond as f64 / expected.pixels().len() as f64;
    assert!(
        share <= MAX_SHARE_BEYOND,
        "{}: {beyond} pixels ({:.3} %) differ by more than {TOLERANCE} (see {})",
        golden.display(),
        share * 100.0,
        keep().display()
    );
}

#[test]
fn the_layout_matches_its_golden_images() {
    // The dark figure is the README's example, so that the README shows what the code
    // draws today.
    let cases = [
        (
            Theme::Light,
            "tests/fixtures/golden/figure/layout_light.png",
        ),
        (Theme::Dark, "assets/figure_example.png"),
    ];
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1");
    for (theme, golden) in cases {
        let figure = layout_figure(theme);
        let golden = repository(golden);
        if update {
            std::fs::create_dir_all(golden.parent().expect("a folder")).expect("the folder");
            figure.save(&golden).expect("the golden image is written");
        } else {
            assert_matches(&figure, &golden);
        }
    }
}

/// Every nested canvas (panel, annotation, legend and each legend entry) of `canvas` that
/// does not lie wholly inside its parent, as "path: origin + size > parent".
fn outside(canvas: &Canvas, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, shape) in canvas.shapes.iter().enumerate() {
        if let Shape::Nested {
            origin,
            canvas: inner,
        } = shape
        {
            let end = *origin + inner.size;
            let here = format!("{path}/{index}");
            if origin.x < -0.01
                || origin.y < -0.01
                || end.x > canvas.size.x + 0.01
                || end.y > canvas.size.y + 0.01
            {
                found.push(format!(
                    "{here}: {origin} + {} > {}",
                    inner.size, canvas.size
                ));
            }
            found.extend(outside(inner, &here));
        }
    }
    found
}

/// One narrow panel (48 x 120 frame pixels) with labels, annotation and a legend: the
/// figure grows to hold the annotation and every legend entry (finger colours, ground
/// truth grey, object; the error scale when joints are coloured by error), the panel
/// centred, so nothing is cut off at the figure's edge. The finger-colour version is the
/// golden image `tests/fixtures/golden/figure/narrow_single.png`.
#[test]
fn a_single_narrow_panel_keeps_its_legend_and_annotation_inside() {
    let scene = Scene::new(48, 120);
    let render = |color_by_error| {
        let options = FigureOptions {
            labels: true,
            display: DisplayOptions {
                color_by_error,
                ..DisplayOptions::default()
            },
            layout: Layout {
                panels: vec![Panel::Skeleton3d],
                columns: 1,
                spacing: 8.0,
                theme: Theme::Light,
                legend: true,
                annotate: true,
            },
            scale: 2,
            ..FigureOptions::default()
        };
        render_figure(&scene.input(), &options).expect("the figure renders")
    };
    for color_by_error in [false, true] {
        let figure = render(color_by_error);
        let clipped = outside(&figure.composite_canvas, "composite");
        assert!(clipped.is_empty(), "cut off: {clipped:?}");
        // In the pixels too: every legend colour is drawn, and the panel is centred.
        let colors: Vec<[u8; 3]> = if color_by_error {
            vec![
                sharp_viewer::viz::GOOD_RGB,
                sharp_viewer::viz::FAIR_RGB,
                sharp_viewer::viz::BAD_RGB,
            ]
        } else {
            [0, 4, 8, 12, 16, 20]
                .map(|joint| {
                    sharp_viewer::viz::joint_rgb(sharp_viewer::geometry::Hand::Right, joint)
                })
                .to_vec()
        };
        let panel_bottom = figure
            .composite_canvas
            .shapes
            .iter()
            .find_map(|shape| match shape {
                Shape::Nested { origin, canvas } => Some(((origin.y + canvas.size.y) * 2.0) as u32),
                _ => None,
            })
            .expect("the panel");
        let legend = image::imageops::crop_imm(
            &figure.composite,
            0,
            panel_bottom,
            figure.composite.width(),
            figure.composite.height() - panel_bottom,
        )
        .to_image();
        for color in colors {
            assert!(
                legend.pixels().any(|pixel| pixel.0 == color),
                "legend colour {color:?}"
            );
        }
        assert!(
            figure.composite.width() > 2 * (48 + 2 * 8),
            "wider than the panel and its gaps"
        );
        if !color_by_error {
            let golden = repository("tests/fixtures/golden/figure/narrow_single.png");
            if std::env::var_os("UPDATE_GOLDEN").is_some_and(|value| value == "1") {
                figure
                    .composite
                    .save(&golden)
                    .expect("the golden image is written");
            } else {
                assert_matches(&figure.composite, &golden);
            }
        }
    }
}
