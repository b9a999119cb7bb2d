//! The buffers and bind group of the mask kernel for one (frame size, depth map) shape.

use image::RgbImage;

use super::buffers::{
    bind_group, dispatch_linear, padded, staging, storage, storage_init, uniform, words_to_bytes,
    write_padded,
};
use super::context::GpuContext;
use super::error::GpuError;
use super::pipelines::Pipelines;
use super::uniforms::MaskParams;
use crate::mask::coeffs::{Cv2Axis, cv2_plan, nearest_axis};
use crate::mask::{DepthInput, DepthUnit, KeepRule};

/// What the buffers depend on; a different key means new buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MaskKey {
    frame: (u32, u32),
    depth: (u32, u32),
    unit: DepthUnit,
}

impl MaskKey {
    /// The key for masking a frame of `frame` size with `depth`.
    pub fn new(frame: (u32, u32), depth: &DepthInput<'_>) -> Self {
        Self {
            frame,
            depth: depth.dimensions(),
            unit: depth.unit(),
        }
    }

    /// Frame width and height.
    pub fn frame(&self) -> (u32, u32) {
        self.frame
    }
}

/// Sampling modes of `mask.wgsl` (same names there).
const MODE_CV2_LINEAR: u32 = 0;
const MODE_CV2_AREA2: u32 = 1;
const MODE_NEAREST_U16: u32 = 2;

/// Everything the mask kernel binds, kept while the shape stays the same.
pub(crate) struct MaskJob {
    pub key: MaskKey,
    frame: wgpu::Buffer,
    depth: wgpu::Buffer,
    params: wgpu::Buffer,
    /// The masked frame, packed RGB bytes; the pose tensor reads it.
    pub masked: wgpu::Buffer,
    kept: wgpu::Buffer,
    staging: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    mode: u32,
}

impl MaskJob {
    /// Allocates the buffers for `key` and uploads its sampling tables.
    pub fn new(ctx: &GpuContext, pipelines: &Pipelines, key: MaskKey) -> Result<Self, GpuError> {
        let device = &ctx.device;
        let (width, height) = key.frame;
        let (depth_width, depth_height) = key.depth;
        let frame_bytes = 3 * u64::from(width) * u64::from(height);
        let value_bytes = match key.unit {
            DepthUnit::InverseDepth8 => 1,
            DepthUnit::Millimetres => 2,
        };
        ctx.check_size("frame", frame_bytes)?;
        ctx.check_size(
            "depth map",
            value_bytes * u64::from(depth_width) * u64::from(depth_height),
        )?;
        let (mode, x_table, y_table) = match key.unit {
            DepthUnit::InverseDepth8 => {
                let plan = cv2_plan(depth_width, depth_height, width, height);
                let mode = if plan.area2 {
                    MODE_CV2_AREA2
                } else {
                    MODE_CV2_LINEAR
                };
                (mode, cv2_table(&plan.x), cv2_table(&plan.y))
            }
            DepthUnit::Millimetres => (
                MODE_NEAREST_U16,
                nearest_table(&nearest_axis(depth_width, width)),
                nearest_table(&nearest_axis(depth_height, height)),
            ),
        };
        let frame = storage(device, "mask frame", frame_bytes);
        let depth = storage(
            device,
            "mask depth",
            value_bytes * u64::from(depth_width) * u64::from(depth_height),
        );
        let x_table = storage_init(device, "mask x table", &x_table);
        let y_table = storage_init(device, "mask y table", &y_table);
        let params = uniform(device, "mask params", size_of::<MaskParams>() as u64);
        let masked = storage(device, "masked frame", frame_bytes);
        let kept = storage(device, "kept count", 4);
        let staging = staging(device, "mask readback", padded(frame_bytes) + 4);
        let layout = pipelines.mask.get_bind_group_layout(0);
        let bind_group = bind_group(
            device,
            "mask",
            &layout,
            &[
                (0, &params),
                (1, &frame),
                (2, &depth),
                (3, &x_table),
                (4, &y_table),
                (5, &masked),
                (6, &kept),
            ],
        );
        Ok(Self {
            key,
            frame,
            depth,
            params,
            masked,
            kept,
            staging,
            bind_group,
            mode,
        })
    }

    fn frame_bytes(&self) -> u64 {
        3 * u64::from(self.key.frame.0) * u64::from(self.key.frame.1)
    }

    /// Writes this call's frame, depth map and rule.
    pub fn upload(
        &self,
        queue: &wgpu::Queue,
        rgb: &RgbImage,
        depth: &DepthInput<'_>,
        rule: KeepRule,
    ) {
        write_padded(queue, &self.frame, rgb.as_raw());
        match depth {
            DepthInput::Inverse8(map) => write_padded(queue, &self.depth, map.as_raw()),
            // u16 values as little-endian bytes, the layout the kernel unpacks (wgpu
            // targets are little-endian).
            DepthInput::Millimetres(map) => {
                write_padded(queue, &self.depth, bytemuck::cast_slice(map.as_raw()));
            }
        }
        let (width, height) = self.key.frame;
        // Sizes were checked against the u32 byte limit when the job was made.
        let params = MaskParams {
            frame_width: width,
            pixels: width * height,
            depth_width: self.key.depth.0,
            mode: self.mode,
            keep_lo: rule.lo,
            keep_hi: rule.hi,
            drop_zero: u32::from(rule.drop_zero),
            words: self.frame_bytes().div_ceil(4) as u32,
        };
        queue.write_buffer(&self.params, 0, bytemuck::bytes_of(&params));
    }

    /// Zeroes the kept-pixel counter (before the pass).
    pub fn clear_counter(&self, encoder: &mut wgpu::CommandEncoder) {
        encoder.clear_buffer(&self.kept, 0, None);
    }

    /// Records the mask dispatch.
    pub fn dispatch(&self, pass: &mut wgpu::ComputePass<'_>, pipelines: &Pipelines) {
        pass.set_pipeline(&pipelines.mask);
        pass.set_bind_group(0, &self.bind_group, &[]);
        let (width, height) = self.key.frame;
        dispatch_linear(pass, (width * height).div_ceil(4));
    }

    /// Copies the masked frame and the count into the readback buffer (after the pass).
    pub fn copy_out(&self, encoder: &mut wgpu::CommandEncoder) {
        let frame = padded(self.frame_bytes());
        encoder.copy_buffer_to_buffer(&self.masked, 0, &self.staging, 0, frame);
        encoder.copy_buffer_to_buffer(&self.kept, 0, &self.staging, frame, 4);
    }

    /// The readback buffer, to be mapped.
    pub fn staging(&self) -> &wgpu::Buffer {
        &self.staging
    }

    /// The masked frame and kept count from the mapped readback buffer.
    pub fn read(&self, mapped: &[u8]) -> Result<(RgbImage, usize), GpuError> {
        let bytes = self.frame_bytes() as usize;
        let frame = padded(bytes as u64) as usize;
        let short = || GpuError::Readback("the mask readback is shorter than the frame".into());
        let pixels = mapped.get(..bytes).ok_or_else(short)?.to_vec();
        let count = mapped.get(frame..frame + 4).ok_or_else(short)?;
        let kept = u32::from_le_bytes([count[0], count[1], count[2], count[3]]) as usize;
        let (width, height) = self.key.frame;
        let masked = RgbImage::from_raw(width, height, pixels).ok_or_else(short)?;
        Ok((masked, kept))
    }
}

/// OpenCV tables as `vec4<u32>(index0, index1, weight0, weight1)` per output index.
pub(crate) fn cv2_table(axis: &Cv2Axis) -> Vec<u8> {
    let words: Vec<u32> = (0..axis.index0.len())
        .flat_map(|i| {
            [
                axis.index0[i],
                axis.index1[i],
                axis.weight0[i],
                axis.weight1[i],
            ]
        })
        .collect();
    words_to_bytes(&words)
}

/// Nearest-neighbour tables in the same layout (only the first index is read).
fn nearest_table(indices: &[u32]) -> Vec<u8> {
    let words: Vec<u32> = indices.iter().flat_map(|&i| [i, i, 0, 0]).collect();
    words_to_bytes(&words)
}
