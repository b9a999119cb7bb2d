//! The GPU path against the CPU reference (pixel for pixel, bit for bit) and the golden
//! files, plus the engine's CPU fallback. Runs on any wgpu adapter; on CI that is Mesa's
//! lavapipe (`mesa-vulkan-drivers`), which needs no display. Without an adapter these
//! tests FAIL: a silent pass would hide that the GPU path was never checked.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

mod mask_common;

use image::{GrayImage, Luma, RgbImage};
use mask_common::{assert_same_bytes, assert_same_f32, depth_mm, gray, noise, npy_f32, rgb};
use sharp_viewer::dataset::images::DepthMillimetres;
use sharp_viewer::mask::{
    DepthInput, DepthRange, DepthUnit, MaskBackend, MaskEngine, MaskOutput, MaskPreference,
    RangePreset, ResizeKind, TensorSpec, cpu,
};

/// An engine that must be on the GPU (any adapter, Mesa's software one included).
fn gpu_engine() -> MaskEngine {
    let engine = MaskEngine::new(MaskPreference::Gpu);
    if let MaskBackend::Cpu { reason } = engine.backend() {
        panic!(
            "no usable GPU adapter ({reason}). These tests need one: install Mesa's \
             software Vulkan driver (Debian/Ubuntu: mesa-vulkan-drivers)"
        );
    }
    engine
}

/// Fails when the engine fell back to the CPU during a test (its results would then
/// prove nothing about the GPU).
fn assert_still_gpu(engine: &MaskEngine) {
    assert!(
        matches!(engine.backend(), MaskBackend::Gpu { .. }),
        "the engine fell back to the {}",
        engine.backend()
    );
}

fn test_frame(width: u32, height: u32, seed: u64) -> RgbImage {
    let bytes = noise(3 * width as usize * height as usize, seed);
    RgbImage::from_raw(width, height, bytes).expect("right length")
}

/// Inverse depth with smooth regions around the interesting thresholds, and noise.
fn test_depth8(width: u32, height: u32, seed: u64) -> GrayImage {
    let noise = noise(width as usize * height as usize, seed);
    GrayImage::from_fn(width, height, |x, y| {
        let i = (y * width + x) as usize;
        Luma([if (x / 7 + y / 5) % 3 == 0 {
            noise[i]
        } else {
            (x * 255 / width.max(1)) as u8
        }])
    })
}

/// Millimetres with holes (0), values around 700 and the u16 extremes.
fn test_depth_mm(width: u32, height: u32, seed: u64) -> DepthMillimetres {
    let noise = noise(2 * width as usize * height as usize, seed);
    DepthMillimetres::from_fn(width, height, |x, y| {
        let i = 2 * (y * width + x) as usize;
        let value = u16::from_le_bytes([noise[i], noise[i + 1]]);
        Luma([match value % 5 {
            0 => 0,
            1 => 690 + value % 20,
            2 => value,
            3 => 65535,
            _ => value % 1500,
        }])
    })
}

fn assert_same_output(got: &MaskOutput, want: &MaskOutput, what: &str) {
    assert_eq!(
        got.masked.dimensions(),
        want.masked.dimensions(),
        "{what}: size"
    );
    let width = want.masked.width();
    assert_same_bytes(got.masked.as_raw(), want.masked.as_raw(), width, 3, what);
    assert_eq!(got.kept_pixels, want.kept_pixels, "{what}: kept pixels");
    match (&got.pose_input, &want.pose_input) {
        (Some(got), Some(want)) => assert_same_f32(got, want, &format!("{what}: pose input")),
        (None, None) => {}
        _ => panic!("{what}: pose input present on one side only"),
    }
}

fn inverse_ranges() -> Vec<Option<DepthRange>> {
    vec![
        None,
        Some(RangePreset::Sharp120.range(DepthUnit::InverseDepth8)),
        Some(DepthRange::new(0.0, 255.0)),
        Some(DepthRange::new(128.0, 128.0)),
        Some(DepthRange::new(200.0, 100.5)),
        Some(DepthRange::new(-5.0, -1.0)),
        Some(DepthRange::new(254.5, 1e9)),
    ]
}

fn millimetre_ranges() -> Vec<Option<DepthRange>> {
    vec![
        None,
        Some(RangePreset::OracleGroundTruth.range(DepthUnit::Millimetres)),
        Some(DepthRange::new(0.0, 700.0)),
        Some(DepthRange::new(700.0, 700.0)),
        Some(DepthRange::new(0.0, 65535.0)),
        Some(DepthRange::new(65535.0, 1e12)),
    ]
}

#[test]
fn masks_with_inverse_depth_equal_the_cpu() {
    let mut engine = gpu_engine();
    // (frame, depth map): upscaling, same size, exact halving (OpenCV's area path),
    // mixed scaling, one pixel.
    let cases = [
        ((1280, 720), (384, 384)),
        ((37, 23), (37, 23)),
        ((37, 23), (74, 46)),
        ((53, 29), (11, 40)),
        ((1, 1), (3, 2)),
        ((5, 3), (1, 1)),
    ];
    for (seed, ((fw, fh), (dw, dh))) in cases.into_iter().enumerate() {
        let frame = test_frame(fw, fh, seed as u64);
        let depth = test_depth8(dw, dh, 100 + seed as u64);
        for range in inverse_ranges() {
            let what = format!("{fw}x{fh} frame, {dw}x{dh} inverse depth, {range:?}");
            let input = DepthInput::Inverse8(&depth);
            let got = engine
                .mask(&frame, input, range, None)
                .expect("valid inputs");
            let want = cpu::mask(&frame, input, range, None).expect("valid inputs");
            assert_same_output(&got, &want, &what);
        }
    }
    assert_still_gpu(&engine);
}

#[test]
fn masks_with_millimetres_equal_the_cpu() {
    let mut engine = gpu_engine();
    // Same size (the H2O case), and other sizes sampled nearest.
    let cases = [
        ((1280, 720), (1280, 720)),
        ((37, 23), (37, 23)),
        ((37, 23), (74, 46)),
        ((40, 30), (13, 7)),
        ((3, 1), (1, 1)),
    ];
    for (seed, ((fw, fh), (dw, dh))) in cases.into_iter().enumerate() {
        let frame = test_frame(fw, fh, 10 + seed as u64);
        let depth = test_depth_mm(dw, dh, 200 + seed as u64);
        for range in millimetre_ranges() {
            let what = format!("{fw}x{fh} frame, {dw}x{dh} mm, {range:?}");
            let input = DepthInput::Millimetres(&depth);
            let got = engine
                .mask(&frame, input, range, None)
                .expect("valid inputs");
            let want = cpu::mask(&frame, input, range, None).expect("valid inputs");
            assert_same_output(&got, &want, &what);
        }
    }
    assert_still_gpu(&engine);
}

/// The tensor's values back as interleaved bytes (for a raw-values spec).
fn tensor_to_rgb(tensor: &[f32], width: u32, height: u32) -> Vec<u8> {
    let plane = (width * height) as usize;
    (0..plane)
        .flat_map(|i| (0..3).map(move |c| i + c * plane))
        .map(|i| {
            let value = tensor[i];
            assert!(
                value.fract() == 0.0 && (0.0..=255.0).contains(&value),
                "{value}"
            );
            value as u8
        })
        .collect()
}

#[test]
fn resized_images_equal_the_cpu_pixel_for_pixel() {
    let mut engine = gpu_engine();
    let kinds = [
        ResizeKind::PilBicubic,
        ResizeKind::PilBilinear,
        ResizeKind::Cv2Linear,
    ];
    // (source, target): the SHARP sizes, up/down/mixed, width or height unchanged,
    // exact halving, identity, single pixels.
    let cases = [
        ((1280, 720), (384, 384)),
        ((1280, 720), (512, 512)),
        ((37, 23), (11, 17)),
        ((37, 23), (53, 29)),
        ((37, 23), (20, 23)),
        ((37, 23), (37, 40)),
        ((74, 46), (37, 23)),
        ((37, 23), (37, 23)),
        ((1, 1), (4, 3)),
        ((9, 5), (1, 1)),
    ];
    for (seed, ((sw, sh), (tw, th))) in cases.into_iter().enumerate() {
        let frame = test_frame(sw, sh, 300 + seed as u64);
        for kind in kinds {
            let what = format!("{kind:?} {sw}x{sh} -> {tw}x{th}");
            let tensor = engine
                .frame_tensor(&frame, &TensorSpec::raw_values(tw, th, kind))
                .expect("valid inputs");
            let want = cpu::resize_rgb(&frame, tw, th, kind);
            assert_same_bytes(&tensor_to_rgb(&tensor, tw, th), want.as_raw(), tw, 3, &what);
        }
    }
    assert_still_gpu(&engine);
}

#[test]
fn tensors_equal_the_cpu_bit_for_bit() {
    let mut engine = gpu_engine();
    let frame = test_frame(1280, 720, 7);
    let depth = test_depth8(384, 384, 8);
    let specs = [TensorSpec::dpt_hybrid(), TensorSpec::sharp_pose()];
    for spec in specs {
        let got = engine.frame_tensor(&frame, &spec).expect("valid inputs");
        let want = cpu::tensor(&frame, &spec).expect("valid inputs");
        assert_same_f32(&got, &want, &format!("{spec:?} of the raw frame"));
        for range in [None, Some(DepthRange::new(120.0, 255.0))] {
            let input = DepthInput::Inverse8(&depth);
            let got = engine
                .mask(&frame, input, range, Some(&spec))
                .expect("valid inputs");
            let want = cpu::mask(&frame, input, range, Some(&spec)).expect("valid inputs");
            assert_same_output(
                &got,
                &want,
                &format!("{spec:?} of the masked frame, {range:?}"),
            );
        }
    }
    assert_still_gpu(&engine);
}

#[test]
fn buffers_follow_size_changes_between_frames() {
    let mut engine = gpu_engine();
    let spec = TensorSpec::sharp_pose();
    let range = Some(DepthRange::new(1.0, 700.0));
    // Sizes change, come back, and the depth map changes under an unchanged frame size.
    for (seed, (frame, depth)) in [
        ((64, 48), (64, 48)),
        ((64, 48), (64, 48)),
        ((30, 20), (30, 20)),
        ((64, 48), (32, 24)),
        ((64, 48), (64, 48)),
    ]
    .into_iter()
    .enumerate()
    {
        let rgb = test_frame(frame.0, frame.1, 400 + seed as u64);
        let mm = test_depth_mm(depth.0, depth.1, 500 + seed as u64);
        let input = DepthInput::Millimetres(&mm);
        let got = engine
            .mask(&rgb, input, range, Some(&spec))
            .expect("valid inputs");
        let want = cpu::mask(&rgb, input, range, Some(&spec)).expect("valid inputs");
        assert_same_output(&got, &want, &format!("step {seed}: {frame:?} / {depth:?}"));
        let got = engine
            .frame_tensor(&rgb, &TensorSpec::dpt_hybrid())
            .expect("valid inputs");
        let want = cpu::tensor(&rgb, &TensorSpec::dpt_hybrid()).expect("valid inputs");
        assert_same_f32(&got, &want, &format!("step {seed}: depth input"));
    }
    assert_still_gpu(&engine);
}

#[test]
fn gpu_matches_the_golden_pipeline_files() {
    let mut engine = gpu_engine();
    let frame = rgb("pipeline/inputs/frame0_rgb_1280x720.png");
    let depth8 = gray("pipeline/depth8_frame0.png");
    let pseudo = RangePreset::Sharp120.range(DepthUnit::InverseDepth8);
    let out = engine
        .mask(
            &frame,
            DepthInput::Inverse8(&depth8),
            Some(pseudo),
            Some(&TensorSpec::sharp_pose()),
        )
        .expect("valid inputs");
    let want = rgb("pipeline/masked_pseudo_t120_frame0.png");
    assert_same_bytes(out.masked.as_raw(), want.as_raw(), 1280, 3, "masked pseudo");
    let (_, want) = npy_f32("pipeline/pose_input_frame0.npy");
    assert_same_f32(
        &out.pose_input.expect("pose spec given"),
        &want,
        "pose input",
    );

    let mm = depth_mm("pipeline/inputs/frame0_depth_mm_1280x720.png");
    let oracle = RangePreset::OracleGroundTruth.range(DepthUnit::Millimetres);
    let out = engine
        .mask(&frame, DepthInput::Millimetres(&mm), Some(oracle), None)
        .expect("valid inputs");
    let want = rgb("pipeline/masked_gt_far700_frame0.png");
    assert_same_bytes(out.masked.as_raw(), want.as_raw(), 1280, 3, "masked GT");

    for index in 0..2 {
        let frame = rgb(&format!("pipeline/inputs/frame{index}_rgb_1280x720.png"));
        let got = engine
            .frame_tensor(&frame, &TensorSpec::dpt_hybrid())
            .expect("valid inputs");
        let (_, want) = npy_f32(&format!("pipeline/depth_input_frame{index}.npy"));
        assert_same_f32(&got, &want, &format!("depth input frame {index}"));
    }
    assert_still_gpu(&engine);
}

#[test]
fn a_lost_device_falls_back_to_the_cpu_with_correct_results() {
    let mut engine = gpu_engine();
    let frame = test_frame(64, 48, 1);
    let depth = test_depth8(32, 32, 2);
    let spec = TensorSpec::sharp_pose();
    let range = Some(DepthRange::new(120.0, 255.0));
    let input = DepthInput::Inverse8(&depth);
    let want = cpu::mask(&frame, input, range, Some(&spec)).expect("valid inputs");
    let before = engine
        .mask(&frame, input, range, Some(&spec))
        .expect("valid inputs");
    assert_same_output(&before, &want, "before the loss");

    engine.simulate_device_loss();
    let after = engine
        .mask(&frame, input, range, Some(&spec))
        .expect("valid inputs");
    assert_same_output(&after, &want, "the call that met the loss");
    match engine.backend() {
        MaskBackend::Cpu { reason } => {
            eprintln!("fallback reason: {reason}");
            assert!(reason.contains("GPU failed"), "{reason}");
        }
        gpu => panic!("still on {gpu} after the device was destroyed"),
    }
    let again = engine
        .mask(&frame, input, range, Some(&spec))
        .expect("valid inputs");
    assert_same_output(&again, &want, "after the switch");
    let tensor = engine.frame_tensor(&frame, &spec).expect("valid inputs");
    assert_same_f32(
        &tensor,
        &cpu::tensor(&frame, &spec).expect("valid"),
        "CPU tensor",
    );
}

#[test]
fn the_cpu_can_be_forced() {
    let engine = MaskEngine::new(MaskPreference::Cpu);
    assert!(matches!(engine.backend(), MaskBackend::Cpu { .. }));
    assert!(engine.backend().to_string().starts_with("CPU ("));
}
