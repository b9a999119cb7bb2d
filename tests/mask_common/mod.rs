//! Helpers shared by the masking tests: fixture loading, a minimal `.npy` reader, and
//! comparisons that say where and by how much results differ.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;

use image::{GrayImage, RgbImage};
use sharp_viewer::dataset::images::DepthMillimetres;

/// A file under `tests/fixtures/golden/`.
pub fn golden(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(relative)
}

fn open(relative: &str) -> image::DynamicImage {
    let path = golden(relative);
    image::open(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// An 8-bit RGB golden image.
pub fn rgb(relative: &str) -> RgbImage {
    match open(relative) {
        image::DynamicImage::ImageRgb8(image) => image,
        other => panic!("{relative} is {:?}, not RGB8", other.color()),
    }
}

/// An 8-bit gray golden image.
pub fn gray(relative: &str) -> GrayImage {
    match open(relative) {
        image::DynamicImage::ImageLuma8(image) => image,
        other => panic!("{relative} is {:?}, not L8", other.color()),
    }
}

/// A 16-bit depth golden image (millimetres).
pub fn depth_mm(relative: &str) -> DepthMillimetres {
    match open(relative) {
        image::DynamicImage::ImageLuma16(image) => image,
        other => panic!("{relative} is {:?}, not L16", other.color()),
    }
}

/// A little-endian float32 C-order `.npy` file (format 1.0): shape and values.
pub fn npy_f32(relative: &str) -> (Vec<usize>, Vec<f32>) {
    let path = golden(relative);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    assert_eq!(&bytes[..6], b"\x93NUMPY", "{relative}: not a .npy file");
    assert_eq!(bytes[6], 1, "{relative}: only .npy format 1.0 is supported");
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).expect("ASCII header");
    assert!(
        header.contains("'descr': '<f4'"),
        "{relative}: not float32: {header}"
    );
    assert!(
        header.contains("'fortran_order': False"),
        "{relative}: not C order"
    );
    let shape_text = header
        .split("'shape': (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("shape in header");
    let shape: Vec<usize> = shape_text
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| part.trim().parse().expect("shape entry"))
        .collect();
    let data = &bytes[10 + header_len..];
    let values: Vec<f32> = data
        .chunks_exact(4)
        .map(|chunk| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
        .collect();
    assert_eq!(
        values.len(),
        shape.iter().product::<usize>(),
        "{relative}: size"
    );
    (shape, values)
}

/// Asserts two byte buffers are equal, reporting how many differ, by how much, and the
/// first place (as pixel x, y and channel for `width` x `channels` rows).
pub fn assert_same_bytes(got: &[u8], want: &[u8], width: u32, channels: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: sizes differ");
    let differing: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
    if let Some(&first) = differing.first() {
        let max = differing
            .iter()
            .map(|&i| got[i].abs_diff(want[i]))
            .max()
            .unwrap_or(0);
        let pixel = first / channels;
        panic!(
            "{what}: {} values differ (max |diff| {max}); first at x {} y {} channel {}: got {} want {}",
            differing.len(),
            pixel % width as usize,
            pixel / width as usize,
            first % channels,
            got[first],
            want[first],
        );
    }
}

/// Asserts two f32 tensors are bit-identical; the message gives the count and max |diff|.
pub fn assert_same_f32(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    let (count, max) = f32_difference(got, want);
    assert_eq!(
        count, 0,
        "{what}: {count} values differ, max |diff| {max:e}"
    );
}

/// Number of values whose bits differ and the largest absolute difference.
pub fn f32_difference(got: &[f32], want: &[f32]) -> (usize, f32) {
    got.iter()
        .zip(want)
        .fold((0, 0.0_f32), |(count, max), (a, b)| {
            if a.to_bits() == b.to_bits() {
                (count, max)
            } else {
                (count + 1, max.max((a - b).abs()))
            }
        })
}

/// Deterministic pseudo-random bytes (a 64-bit LCG), for inputs of any size.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        })
        .collect()
}
