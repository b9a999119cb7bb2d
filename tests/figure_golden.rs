//! Golden image of the figure layout: a grid of all five panels with labels, legend
//! (error scale, finger colours, ground truth, object, pseudo-depth colour bar with the
//! kept range) and annotation, drawn from the known frame of `figure_common`, must match
//! `tests/fixtures/golden/figure/layout_light.png` (light theme) and the README's example
//! `assets/figure_example.png` (dark theme). After an intended change of the figures,
//! regenerate both with `UPDATE_GOLDEN=1 cargo test --test figure_golden` and look at
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
use sharp_viewer::figure::{DisplayOptions, FigureOptions, Layout, Panel, Theme, render_figure};

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
