//! Readers for the per-frame images, with the checks the pipeline relies on.

use std::io::Cursor;
use std::path::Path;

use image::{
    ColorType, DynamicImage, GrayImage, ImageBuffer, ImageDecoder, ImageReader, Luma, RgbImage,
};

use super::DatasetError;

/// A depth map in millimetres (0 = no measurement), as H2O stores it.
pub type DepthMillimetres = ImageBuffer<Luma<u16>, Vec<u16>>;

/// Reads an RGB frame. `expected_size` (width, height), when given, must match.
pub fn read_rgb(path: &Path, expected_size: Option<(u32, u32)>) -> Result<RgbImage, DatasetError> {
    let image = decode(path)?;
    check_size(path, image.width(), image.height(), expected_size)?;
    match image {
        DynamicImage::ImageRgb8(rgb) => Ok(rgb),
        DynamicImage::ImageRgba8(_) | DynamicImage::ImageLuma8(_) => Ok(image.to_rgb8()),
        other => Err(DatasetError::image(
            path,
            format!("expected an 8-bit RGB image, found {:?}", other.color()),
        )),
    }
}

/// Reads an H2O depth frame: a 16-bit grayscale PNG in millimetres.
pub fn read_depth_mm(
    path: &Path,
    expected_size: Option<(u32, u32)>,
) -> Result<DepthMillimetres, DatasetError> {
    let image = decode(path)?;
    check_size(path, image.width(), image.height(), expected_size)?;
    match image {
        DynamicImage::ImageLuma16(depth) => Ok(depth),
        other => Err(DatasetError::image(
            path,
            format!(
                "expected a 16-bit grayscale depth image in millimetres, found {:?}",
                other.color()
            ),
        )),
    }
}

/// Reads an 8-bit pseudo-depth map (SHARP's `depth_est_low`).
pub fn read_pseudo_depth(path: &Path) -> Result<GrayImage, DatasetError> {
    match decode(path)? {
        DynamicImage::ImageLuma8(depth) => Ok(depth),
        other => Err(DatasetError::image(
            path,
            format!(
                "expected an 8-bit grayscale pseudo-depth map, found {:?}",
                other.color()
            ),
        )),
    }
}

/// Reads only an image's header: its size and pixel format, for fast dataset checks.
pub fn read_image_header(path: &Path) -> Result<(u32, u32, ColorType), DatasetError> {
    let decoder = ImageReader::open(path)
        .map_err(|source| DatasetError::io(path, source))?
        .with_guessed_format()
        .map_err(|source| DatasetError::io(path, source))?
        .into_decoder()
        .map_err(|error| DatasetError::image(path, format!("unreadable image header: {error}")))?;
    let (width, height) = decoder.dimensions();
    Ok((width, height, decoder.color_type()))
}

/// Reads the whole file first and decodes from memory: a third faster on H2O's 2 MB
/// frames than decoding through a small buffered file reader.
fn decode(path: &Path) -> Result<DynamicImage, DatasetError> {
    let bytes = std::fs::read(path).map_err(|source| DatasetError::io(path, source))?;
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|source| DatasetError::io(path, source))?
        .decode()
        .map_err(|error| DatasetError::image(path, format!("cannot decode image: {error}")))
}

fn check_size(
    path: &Path,
    width: u32,
    height: u32,
    expected: Option<(u32, u32)>,
) -> Result<(), DatasetError> {
    match expected {
        Some((w, h)) if (w, h) != (width, height) => Err(DatasetError::image(
            path,
            format!("expected a {w}x{h} image, found {width}x{height}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_must_be_sixteen_bit_and_the_right_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rgb_path = dir.path().join("rgb.png");
        RgbImage::new(4, 3).save(&rgb_path).expect("write");
        let error = read_depth_mm(&rgb_path, None).unwrap_err().to_string();
        assert!(
            error.contains("16-bit") && error.contains("rgb.png"),
            "{error}"
        );

        let depth_path = dir.path().join("depth.png");
        DepthMillimetres::from_pixel(4, 3, Luma([700]))
            .save(&depth_path)
            .expect("write");
        assert_eq!(
            read_depth_mm(&depth_path, Some((4, 3))).expect("valid")[(1, 1)].0[0],
            700
        );
        let error = read_depth_mm(&depth_path, Some((1280, 720)))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("expected a 1280x720 image, found 4x3"),
            "{error}"
        );
    }

    #[test]
    fn a_corrupt_png_names_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("000003.png");
        let mut bytes = Vec::new();
        RgbImage::new(8, 8)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("encode");
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, bytes).expect("write");
        let error = read_rgb(&path, None).unwrap_err().to_string();
        assert!(
            error.contains("000003.png") && error.contains("cannot decode"),
            "{error}"
        );
    }
}
