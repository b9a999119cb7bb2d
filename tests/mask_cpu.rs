//! The CPU reference against the golden files made with Pillow 9.3, OpenCV 4.8,
//! transformers 4.32 and albumentations 1.3 (tests/fixtures/golden/*/README.md): every
//! resize, mask and tensor must match exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod mask_common;

use image::{GrayImage, Luma};
use mask_common::{assert_same_bytes, assert_same_f32, depth_mm, gray, npy_f32, rgb};
use sharp_viewer::mask::coeffs::PilFilter;
use sharp_viewer::mask::cpu::{self, resize_cv2_linear_u8, resize_pil_u8};
use sharp_viewer::mask::{DepthInput, DepthUnit, KeepRule, RangePreset, TensorSpec};

/// (input, expected output, library) for every resize vector in the README's table.
const RGB_RESIZES: [(&str, &str, Lib); 10] = [
    (
        "frame_rgb_1280x720.png",
        "pil_bicubic_384x384.png",
        Lib::Bicubic,
    ),
    (
        "frame_rgb_1280x720.png",
        "pil_bilinear_384x384.png",
        Lib::Bilinear,
    ),
    ("frame_rgb_1280x720.png", "cv2_linear_512x512.png", Lib::Cv2),
    (
        "small_rgb_37x23.png",
        "small_pil_bicubic_11x17.png",
        Lib::Bicubic,
    ),
    (
        "small_rgb_37x23.png",
        "small_pil_bicubic_53x29.png",
        Lib::Bicubic,
    ),
    (
        "small_rgb_37x23.png",
        "small_pil_bicubic_20x23.png",
        Lib::Bicubic,
    ),
    (
        "small_rgb_37x23.png",
        "small_cv2_linear_11x17.png",
        Lib::Cv2,
    ),
    (
        "small_rgb_37x23.png",
        "small_cv2_linear_53x29.png",
        Lib::Cv2,
    ),
    (
        "small_rgb_74x46.png",
        "small_cv2_linear_half_37x23.png",
        Lib::Cv2,
    ),
    ("frame_rgb_1280x720.png", "frame_rgb_1280x720.png", Lib::Cv2),
];

const GRAY_RESIZES: [(&str, &str, Lib); 5] = [
    (
        "depth8_384x384.png",
        "cv2_linear_depth8_1280x720.png",
        Lib::Cv2,
    ),
    (
        "small_gray_37x23.png",
        "small_gray_pil_bicubic_11x17.png",
        Lib::Bicubic,
    ),
    (
        "small_gray_37x23.png",
        "small_gray_pil_bicubic_53x29.png",
        Lib::Bicubic,
    ),
    (
        "small_gray_37x23.png",
        "small_gray_cv2_linear_11x17.png",
        Lib::Cv2,
    ),
    (
        "small_gray_37x23.png",
        "small_gray_cv2_linear_53x29.png",
        Lib::Cv2,
    ),
];

#[derive(Clone, Copy)]
enum Lib {
    Bicubic,
    Bilinear,
    Cv2,
}

fn resize<P: image::Pixel<Subpixel = u8>>(
    src: &image::ImageBuffer<P, Vec<u8>>,
    (width, height): (u32, u32),
    lib: Lib,
) -> image::ImageBuffer<P, Vec<u8>> {
    match lib {
        Lib::Bicubic => resize_pil_u8(src, width, height, PilFilter::Bicubic),
        Lib::Bilinear => resize_pil_u8(src, width, height, PilFilter::Bilinear),
        Lib::Cv2 => resize_cv2_linear_u8(src, width, height),
    }
}

#[test]
fn rgb_resizes_match_pillow_and_opencv() {
    for (input, expected, lib) in RGB_RESIZES {
        let want = rgb(&format!("resize/{expected}"));
        let got = resize(&rgb(&format!("resize/{input}")), want.dimensions(), lib);
        assert_same_bytes(got.as_raw(), want.as_raw(), want.width(), 3, expected);
    }
}

#[test]
fn gray_resizes_match_pillow_and_opencv() {
    for (input, expected, lib) in GRAY_RESIZES {
        let want = gray(&format!("resize/{expected}"));
        let got = resize(&gray(&format!("resize/{input}")), want.dimensions(), lib);
        assert_same_bytes(got.as_raw(), want.as_raw(), want.width(), 1, expected);
    }
}

/// The kept-pixel mask as SHARP's golden PNG stores it (255 kept, 0 dropped).
fn mask_image(values: &[u32], width: u32, height: u32, rule: KeepRule) -> GrayImage {
    GrayImage::from_fn(width, height, |x, y| {
        let value = values[(y * width + x) as usize];
        Luma([if rule.keeps(value) { 255 } else { 0 }])
    })
}

fn count_kept(mask: &GrayImage) -> usize {
    mask.as_raw().iter().filter(|&&v| v == 255).count()
}

#[test]
fn pseudo_depth_mask_matches_segment_background() {
    let frame = rgb("pipeline/inputs/frame0_rgb_1280x720.png");
    let depth8 = gray("pipeline/depth8_frame0.png");
    let range = RangePreset::Sharp120.range(DepthUnit::InverseDepth8);
    let out =
        cpu::mask(&frame, DepthInput::Inverse8(&depth8), Some(range), None).expect("valid inputs");
    let want = rgb("pipeline/masked_pseudo_t120_frame0.png");
    assert_same_bytes(out.masked.as_raw(), want.as_raw(), 1280, 3, "masked pseudo");
    let up = resize_cv2_linear_u8(&depth8, 1280, 720);
    let values: Vec<u32> = up.as_raw().iter().map(|&v| u32::from(v)).collect();
    let mask = mask_image(
        &values,
        1280,
        720,
        KeepRule::new(range, DepthUnit::InverseDepth8),
    );
    let want_mask = gray("pipeline/mask_pseudo_t120_frame0.png");
    assert_same_bytes(mask.as_raw(), want_mask.as_raw(), 1280, 1, "pseudo mask");
    assert_eq!(out.kept_pixels, count_kept(&want_mask));
}

#[test]
fn ground_truth_mask_matches_segment_background() {
    let frame = rgb("pipeline/inputs/frame0_rgb_1280x720.png");
    let depth = depth_mm("pipeline/inputs/frame0_depth_mm_1280x720.png");
    let range = RangePreset::OracleGroundTruth.range(DepthUnit::Millimetres);
    let out = cpu::mask(&frame, DepthInput::Millimetres(&depth), Some(range), None)
        .expect("valid inputs");
    let want = rgb("pipeline/masked_gt_far700_frame0.png");
    assert_same_bytes(out.masked.as_raw(), want.as_raw(), 1280, 3, "masked GT");
    let values: Vec<u32> = depth.as_raw().iter().map(|&v| u32::from(v)).collect();
    let mask = mask_image(
        &values,
        1280,
        720,
        KeepRule::new(range, DepthUnit::Millimetres),
    );
    let want_mask = gray("pipeline/mask_gt_far700_frame0.png");
    assert_same_bytes(mask.as_raw(), want_mask.as_raw(), 1280, 1, "GT mask");
    assert_eq!(out.kept_pixels, count_kept(&want_mask));
}

#[test]
fn depth_network_inputs_match_dpt_image_processor_bit_for_bit() {
    for frame in 0..2 {
        let image = rgb(&format!("pipeline/inputs/frame{frame}_rgb_1280x720.png"));
        let (shape, want) = npy_f32(&format!("pipeline/depth_input_frame{frame}.npy"));
        assert_eq!(shape, vec![1, 3, 384, 384]);
        let got = cpu::tensor(&image, &TensorSpec::dpt_hybrid()).expect("valid inputs");
        assert_same_f32(&got, &want, &format!("depth input frame {frame}"));
    }
}

#[test]
fn pose_network_input_matches_albumentations_bit_for_bit() {
    let frame = rgb("pipeline/inputs/frame0_rgb_1280x720.png");
    let depth8 = gray("pipeline/depth8_frame0.png");
    let range = RangePreset::Sharp120.range(DepthUnit::InverseDepth8);
    let spec = TensorSpec::sharp_pose();
    let out = cpu::mask(
        &frame,
        DepthInput::Inverse8(&depth8),
        Some(range),
        Some(&spec),
    )
    .expect("valid inputs");
    let (shape, want) = npy_f32("pipeline/pose_input_frame0.npy");
    assert_eq!(shape, vec![1, 3, 512, 512]);
    let got = out.pose_input.expect("a pose spec was given");
    assert_same_f32(&got, &want, "pose input");
}
