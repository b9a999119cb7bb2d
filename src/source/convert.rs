//! Camera pixel formats to RGB.
//!
//! MJPEG goes through the `image` crate's JPEG decoder. YUYV and NV12 are converted here
//! by hand: `image` has no YUV decoders, and nokhwa's own conversion sits behind its
//! `decoding` feature, which builds mozjpeg (C) that we do not otherwise need. The
//! conversion is BT.601 with limited ("studio") range, what UVC webcams send, in the
//! usual 8-bit fixed-point form (coefficients times 256, rounded):
//!
//! ```text
//! c = Y - 16, d = U - 128, e = V - 128
//! R = (298 c + 409 e + 128) >> 8
//! G = (298 c - 100 d - 208 e + 128) >> 8
//! B = (298 c + 516 d + 128) >> 8      (each clamped to 0..=255)
//! ```

use image::RgbImage;
use serde::{Deserialize, Serialize};

/// How a camera lays out the pixels of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PixelFormat {
    /// Motion JPEG: every frame a JPEG image.
    Mjpeg,
    /// Packed 4:2:2 `Y0 U Y1 V`, two pixels in four bytes.
    Yuyv,
    /// Planar Y, then interleaved `U V` at half resolution in both directions.
    Nv12,
    /// 8-bit luminance.
    Gray,
    /// Packed 8-bit RGB.
    Rgb,
    /// Packed 8-bit BGR.
    Bgr,
}

impl PixelFormat {
    /// Short name for menus and messages.
    pub fn label(self) -> &'static str {
        match self {
            PixelFormat::Mjpeg => "MJPEG",
            PixelFormat::Yuyv => "YUYV",
            PixelFormat::Nv12 => "NV12",
            PixelFormat::Gray => "GRAY",
            PixelFormat::Rgb => "RGB",
            PixelFormat::Bgr => "BGR",
        }
    }

    /// Bytes an uncompressed frame of `width` x `height` must have (`None` for MJPEG).
    pub fn frame_bytes(self, width: u32, height: u32) -> Option<usize> {
        let pixels = width as usize * height as usize;
        match self {
            PixelFormat::Mjpeg => None,
            PixelFormat::Yuyv => Some(pixels * 2),
            PixelFormat::Nv12 => {
                Some(pixels + 2 * (width.div_ceil(2) * height.div_ceil(2)) as usize)
            }
            PixelFormat::Gray => Some(pixels),
            PixelFormat::Rgb | PixelFormat::Bgr => Some(pixels * 3),
        }
    }
}

/// Why a frame could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The buffer does not have the size the format and resolution require.
    #[error("{format} frame of {width}x{height} needs {expected} bytes, got {actual}")]
    WrongSize {
        /// Pixel format label.
        format: &'static str,
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
        /// Bytes required.
        expected: usize,
        /// Bytes received.
        actual: usize,
    },
    /// YUYV needs an even width.
    #[error("YUYV frame width {0} is odd")]
    OddWidth(u32),
    /// The JPEG data could not be decoded.
    #[error("MJPEG frame could not be decoded: {0}")]
    Jpeg(#[from] image::ImageError),
    /// The decoded JPEG does not have the size the camera announced.
    #[error("MJPEG frame is {actual_width}x{actual_height}, the camera announced {width}x{height}")]
    JpegSize {
        /// Announced width.
        width: u32,
        /// Announced height.
        height: u32,
        /// Decoded width.
        actual_width: u32,
        /// Decoded height.
        actual_height: u32,
    },
}

/// Converts one frame of `format` at `width` x `height` to RGB.
pub fn to_rgb(
    data: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
) -> Result<RgbImage, ConvertError> {
    if let Some(expected) = format.frame_bytes(width, height) {
        // Drivers may pad the buffer; only a short one is an error.
        if data.len() < expected {
            return Err(ConvertError::WrongSize {
                format: format.label(),
                width,
                height,
                expected,
                actual: data.len(),
            });
        }
    }
    let size = width as usize * height as usize;
    let image = match format {
        PixelFormat::Mjpeg => return decode_mjpeg(data, width, height),
        PixelFormat::Yuyv => yuyv_to_rgb(data, width, height)?,
        PixelFormat::Nv12 => nv12_to_rgb(data, width, height),
        PixelFormat::Gray => RgbImage::from_fn(width, height, |x, y| {
            let v = data[(y * width + x) as usize];
            image::Rgb([v, v, v])
        }),
        PixelFormat::Rgb => packed(width, height, data[..size * 3].to_vec(), format)?,
        PixelFormat::Bgr => {
            let mut rgb = data[..size * 3].to_vec();
            for pixel in rgb.chunks_exact_mut(3) {
                pixel.swap(0, 2);
            }
            packed(width, height, rgb, format)?
        }
    };
    Ok(image)
}

/// One BT.601 limited-range YUV sample to RGB (see the module documentation).
#[inline]
pub fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(u) - 128;
    let e = i32::from(v) - 128;
    let clamp = |value: i32| ((value + 128) >> 8).clamp(0, 255) as u8;
    [
        clamp(c + 409 * e),
        clamp(c - 100 * d - 208 * e),
        clamp(c + 516 * d),
    ]
}

fn yuyv_to_rgb(data: &[u8], width: u32, height: u32) -> Result<RgbImage, ConvertError> {
    if width % 2 == 1 {
        return Err(ConvertError::OddWidth(width));
    }
    let pairs = width as usize / 2 * height as usize;
    let mut rgb = Vec::with_capacity(pairs * 6);
    for quad in data[..pairs * 4].chunks_exact(4) {
        let (y0, u, y1, v) = (quad[0], quad[1], quad[2], quad[3]);
        rgb.extend_from_slice(&yuv_to_rgb(y0, u, v));
        rgb.extend_from_slice(&yuv_to_rgb(y1, u, v));
    }
    packed(width, height, rgb, PixelFormat::Yuyv)
}

/// Wraps converted RGB bytes, which must be exactly `width * height * 3`.
fn packed(
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    format: PixelFormat,
) -> Result<RgbImage, ConvertError> {
    let actual = rgb.len();
    RgbImage::from_raw(width, height, rgb).ok_or(ConvertError::WrongSize {
        format: format.label(),
        width,
        height,
        expected: width as usize * height as usize * 3,
        actual,
    })
}

fn nv12_to_rgb(data: &[u8], width: u32, height: u32) -> RgbImage {
    let w = width as usize;
    let chroma_stride = 2 * width.div_ceil(2) as usize;
    let (luma, chroma) = data.split_at(w * height as usize);
    RgbImage::from_fn(width, height, |x, y| {
        let (x, y) = (x as usize, y as usize);
        let c = (y / 2) * chroma_stride + (x / 2) * 2;
        image::Rgb(yuv_to_rgb(luma[y * w + x], chroma[c], chroma[c + 1]))
    })
}

fn decode_mjpeg(data: &[u8], width: u32, height: u32) -> Result<RgbImage, ConvertError> {
    let decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(data))?;
    let image = image::DynamicImage::from_decoder(decoder)?.into_rgb8();
    if image.dimensions() != (width, height) {
        return Err(ConvertError::JpegSize {
            width,
            height,
            actual_width: image.width(),
            actual_height: image.height(),
        });
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_buffers_are_errors_not_panics() {
        for format in [
            PixelFormat::Yuyv,
            PixelFormat::Nv12,
            PixelFormat::Gray,
            PixelFormat::Rgb,
            PixelFormat::Bgr,
        ] {
            let error = to_rgb(&[0; 5], 4, 2, format).unwrap_err();
            assert!(matches!(error, ConvertError::WrongSize { .. }), "{error}");
        }
        assert!(to_rgb(&[0; 5], 4, 2, PixelFormat::Mjpeg).is_err());
    }
}
