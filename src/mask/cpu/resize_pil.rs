//! Pillow 9.3 `Image.resize` for 8-bit images, bit for bit (see
//! `tests/fixtures/golden/resize/README.md`).

use image::{ImageBuffer, Pixel};

use crate::mask::coeffs::{PIL_HALF, PIL_PRECISION_BITS, PilFilter, PilTaps};

/// `Image.fromarray(src).resize((out_w, out_h), filter)` for gray or RGB images. An empty
/// source or target gives a black image of the target size.
pub fn resize_pil_u8<P: Pixel<Subpixel = u8>>(
    src: &ImageBuffer<P, Vec<u8>>,
    out_w: u32,
    out_h: u32,
    filter: PilFilter,
) -> ImageBuffer<P, Vec<u8>> {
    let (width, height) = src.dimensions();
    if width == 0 || height == 0 || out_w == 0 || out_h == 0 {
        return ImageBuffer::new(out_w, out_h);
    }
    let channels = usize::from(P::CHANNEL_COUNT);
    let x_taps = PilTaps::new(width, out_w, filter);
    let y_taps = PilTaps::new(height, out_h, filter);
    let (y_first, y_last) = y_taps.source_span();
    let intermediate = horizontal(src.as_raw(), width, channels, &x_taps, y_first..y_last);
    let out = vertical(&intermediate, out_w, channels, &y_taps, y_first);
    #[expect(
        clippy::expect_used,
        reason = "an invariant of the loops above, not of the input: they push out_w * out_h pixels"
    )]
    ImageBuffer::from_raw(out_w, out_h, out).expect("the output holds out_w * out_h pixels")
}

/// `clip8`: arithmetic shift by 22, then clamp to 0..=255.
fn clip8(accumulator: i32) -> u8 {
    (accumulator >> PIL_PRECISION_BITS).clamp(0, 255) as u8
}

/// The horizontal pass over the source rows `rows` (the only ones the vertical pass
/// reads), stored as uint8 like Pillow's intermediate image.
fn horizontal(
    src: &[u8],
    width: u32,
    channels: usize,
    taps: &PilTaps,
    rows: std::ops::Range<u32>,
) -> Vec<u8> {
    let out_w = taps.start.len();
    let row_len = width as usize * channels;
    let mut out = Vec::with_capacity(rows.len() * out_w * channels);
    for row in rows {
        let source = &src[row as usize * row_len..][..row_len];
        for index in 0..out_w {
            let start = taps.start[index] as usize;
            let weights = taps.weights_of(index);
            for channel in 0..channels {
                let accumulator = weights.iter().enumerate().fold(PIL_HALF, |acc, (i, &w)| {
                    acc + i32::from(source[(start + i) * channels + channel]) * w
                });
                out.push(clip8(accumulator));
            }
        }
    }
    out
}

/// The vertical pass; `y_first` is the first source row held in `intermediate`.
fn vertical(
    intermediate: &[u8],
    width: u32,
    channels: usize,
    taps: &PilTaps,
    y_first: u32,
) -> Vec<u8> {
    let row_len = width as usize * channels;
    let mut out = Vec::with_capacity(taps.start.len() * row_len);
    for index in 0..taps.start.len() {
        let start = (taps.start[index] - y_first) as usize;
        let weights = taps.weights_of(index);
        for column in 0..row_len {
            let accumulator = weights.iter().enumerate().fold(PIL_HALF, |acc, (i, &w)| {
                acc + i32::from(intermediate[(start + i) * row_len + column]) * w
            });
            out.push(clip8(accumulator));
        }
    }
    out
}
