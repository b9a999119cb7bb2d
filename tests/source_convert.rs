//! Camera pixel formats to RGB against known pixels: BT.601 limited-range YUYV and NV12
//! (the values a UVC webcam sends for pure colours) and MJPEG through the JPEG decoder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test crate: a panic is a failed test, with its message"
)]

use sharp_viewer::source::convert::{ConvertError, PixelFormat, to_rgb, yuv_to_rgb};

/// (Y, U, V) of BT.601 limited range and the RGB our fixed-point conversion gives.
const KNOWN: [([u8; 3], [u8; 3]); 7] = [
    ([16, 128, 128], [0, 0, 0]),        // black
    ([235, 128, 128], [255, 255, 255]), // white
    ([126, 128, 128], [128, 128, 128]), // mid grey
    ([81, 90, 240], [255, 0, 0]),       // red
    ([145, 54, 34], [0, 255, 1]),       // green
    ([41, 240, 110], [0, 0, 255]),      // blue
    ([210, 16, 146], [255, 255, 0]),    // yellow
];

#[test]
fn known_colours_convert_to_the_expected_rgb() {
    for (yuv, rgb) in KNOWN {
        assert_eq!(yuv_to_rgb(yuv[0], yuv[1], yuv[2]), rgb, "YUV {yuv:?}");
    }
}

#[test]
fn out_of_range_samples_clamp_instead_of_wrapping() {
    assert_eq!(yuv_to_rgb(0, 128, 128), [0, 0, 0]);
    assert_eq!(yuv_to_rgb(255, 128, 128), [255, 255, 255]);
    assert_eq!(yuv_to_rgb(255, 255, 255), [255, 125, 255]);
    assert_eq!(yuv_to_rgb(0, 0, 0), [0, 135, 0]);
}

#[test]
fn yuyv_shares_chroma_between_two_pixels() {
    // A 4x2 frame: row 0 black|white (one pair each side), row 1 red|blue.
    let frame = [
        16, 128, 16, 128, 235, 128, 235, 128, // row 0
        81, 90, 81, 240, 41, 240, 41, 110, // row 1
    ];
    let rgb = to_rgb(&frame, 4, 2, PixelFormat::Yuyv).expect("valid frame");
    let pixel = |x, y| rgb.get_pixel(x, y).0;
    assert_eq!(pixel(0, 0), [0, 0, 0]);
    assert_eq!(pixel(1, 0), [0, 0, 0]);
    assert_eq!(pixel(2, 0), [255, 255, 255]);
    assert_eq!(pixel(3, 0), [255, 255, 255]);
    assert_eq!(pixel(0, 1), [255, 0, 0]);
    assert_eq!(pixel(1, 1), [255, 0, 0]);
    assert_eq!(pixel(2, 1), [0, 0, 255]);
    assert_eq!(pixel(3, 1), [0, 0, 255]);
}

#[test]
fn nv12_uses_one_chroma_pair_per_two_by_two_block() {
    // 4x2: luma all 81 (left block) / 41 (right block); chroma red | blue.
    let mut frame = vec![81, 81, 41, 41, 81, 81, 41, 41];
    frame.extend_from_slice(&[90, 240, 240, 110]);
    let rgb = to_rgb(&frame, 4, 2, PixelFormat::Nv12).expect("valid frame");
    for y in 0..2 {
        assert_eq!(rgb.get_pixel(0, y).0, [255, 0, 0]);
        assert_eq!(rgb.get_pixel(1, y).0, [255, 0, 0]);
        assert_eq!(rgb.get_pixel(2, y).0, [0, 0, 255]);
        assert_eq!(rgb.get_pixel(3, y).0, [0, 0, 255]);
    }
}

#[test]
fn packed_rgb_bgr_and_grey_keep_their_values() {
    let rgb = to_rgb(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Rgb).expect("rgb");
    assert_eq!(rgb.as_raw(), &vec![1, 2, 3, 4, 5, 6]);
    let bgr = to_rgb(&[1, 2, 3, 4, 5, 6], 2, 1, PixelFormat::Bgr).expect("bgr");
    assert_eq!(bgr.as_raw(), &vec![3, 2, 1, 6, 5, 4]);
    let grey = to_rgb(&[7, 200], 2, 1, PixelFormat::Gray).expect("grey");
    assert_eq!(grey.as_raw(), &vec![7, 7, 7, 200, 200, 200]);
    // Drivers may pad buffers: extra bytes are ignored.
    let padded = to_rgb(&[9, 9, 9, 0, 0], 1, 1, PixelFormat::Rgb).expect("padded");
    assert_eq!(padded.as_raw(), &vec![9, 9, 9]);
}

#[test]
fn mjpeg_frames_decode_to_their_pixels() {
    let width = 64;
    let height = 32;
    let original = image::RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([30, 30, 200])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&original)
        .expect("encode");
    let decoded = to_rgb(&jpeg, width, height, PixelFormat::Mjpeg).expect("decode");
    for (x, y) in [(4, 4), (20, 20), (44, 10), (60, 28)] {
        let expected = original.get_pixel(x, y).0;
        let got = decoded.get_pixel(x, y).0;
        for channel in 0..3 {
            let difference = i32::from(expected[channel]) - i32::from(got[channel]);
            assert!(difference.abs() <= 6, "({x},{y}) {got:?} vs {expected:?}");
        }
    }
    let wrong_size = to_rgb(&jpeg, 32, 32, PixelFormat::Mjpeg).unwrap_err();
    assert!(
        matches!(wrong_size, ConvertError::JpegSize { .. }),
        "{wrong_size}"
    );
    let corrupt = to_rgb(&jpeg[..40], width, height, PixelFormat::Mjpeg).unwrap_err();
    assert!(matches!(corrupt, ConvertError::Jpeg(_)), "{corrupt}");
}

#[test]
fn bad_frames_are_errors_that_say_what_was_expected() {
    let short = to_rgb(&[0; 10], 4, 2, PixelFormat::Yuyv).unwrap_err();
    assert_eq!(
        short.to_string(),
        "YUYV frame of 4x2 needs 16 bytes, got 10"
    );
    let odd = to_rgb(&[0; 24], 3, 4, PixelFormat::Yuyv).unwrap_err();
    assert!(matches!(odd, ConvertError::OddWidth(3)), "{odd}");
}
