//! OpenCV 4.8 `cv2.resize(.., INTER_LINEAR)` for 8-bit images, bit for bit (see
//! `tests/fixtures/golden/resize/README.md`).

use image::{ImageBuffer, Pixel};

use crate::mask::coeffs::{Cv2Axis, cv2_plan};

/// `cv2.resize(src, (out_w, out_h))` for gray or RGB images. An empty source or target
/// gives a black image of the target size.
pub fn resize_cv2_linear_u8<P: Pixel<Subpixel = u8>>(
    src: &ImageBuffer<P, Vec<u8>>,
    out_w: u32,
    out_h: u32,
) -> ImageBuffer<P, Vec<u8>> {
    let (width, height) = src.dimensions();
    if width == 0 || height == 0 || out_w == 0 || out_h == 0 {
        return ImageBuffer::new(out_w, out_h);
    }
    let channels = usize::from(P::CHANNEL_COUNT);
    let plan = cv2_plan(width, height, out_w, out_h);
    let row_len = width as usize * channels;
    let source = |row: u32, column: u32, channel: usize| {
        u32::from(src.as_raw()[row as usize * row_len + column as usize * channels + channel])
    };
    let mut out = Vec::with_capacity(out_w as usize * out_h as usize * channels);
    if plan.area2 {
        for (&row0, &row1) in plan.y.index0.iter().zip(&plan.y.index1) {
            for (&col0, &col1) in plan.x.index0.iter().zip(&plan.x.index1) {
                for channel in 0..channels {
                    let sum = source(row0, col0, channel)
                        + source(row0, col1, channel)
                        + source(row1, col0, channel)
                        + source(row1, col1, channel);
                    out.push(((sum + 2) >> 2) as u8);
                }
            }
        }
    } else {
        let mut upper = vec![0_u32; out_w as usize * channels];
        let mut lower = vec![0_u32; out_w as usize * channels];
        for dy in 0..out_h as usize {
            horizontal(&source, plan.y.index0[dy], &plan.x, channels, &mut upper);
            horizontal(&source, plan.y.index1[dy], &plan.x, channels, &mut lower);
            let (b0, b1) = (plan.y.weight0[dy], plan.y.weight1[dy]);
            out.extend(upper.iter().zip(&lower).map(|(&h0, &h1)| {
                let value = (((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2;
                value.min(255) as u8
            }));
        }
    }
    #[expect(
        clippy::expect_used,
        reason = "an invariant of the loops above, not of the input: they push out_w * out_h pixels"
    )]
    ImageBuffer::from_raw(out_w, out_h, out).expect("the output holds out_w * out_h pixels")
}

/// One source row through the column weights: `H = S[x0] * a0 + S[x1] * a1` (exact).
fn horizontal(
    source: &impl Fn(u32, u32, usize) -> u32,
    row: u32,
    x: &Cv2Axis,
    channels: usize,
    out: &mut [u32],
) {
    for (dx, pixel) in out.chunks_exact_mut(channels).enumerate() {
        for (channel, value) in pixel.iter_mut().enumerate() {
            *value = source(row, x.index0[dx], channel) * x.weight0[dx]
                + source(row, x.index1[dx], channel) * x.weight1[dx];
        }
    }
}
