//! The buffers and bind groups that turn a packed RGB8 buffer into a network input
//! tensor for one (source size, spec) pair.

use super::buffers::{
    bind_group, dispatch_linear, staging, storage, storage_init, uniform_init, words_to_bytes,
};
use super::context::GpuContext;
use super::error::GpuError;
use super::mask_job::cv2_table;
use super::pipelines::Pipelines;
use super::uniforms::{Cv2ResizeParams, PilResizeParams};
use crate::mask::coeffs::{PilFilter, PilTaps, cv2_plan};
use crate::mask::{ResizeKind, TensorSpec};
use bytemuck::Zeroable;

/// What the buffers depend on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TensorKey {
    /// Source width and height.
    pub source: (u32, u32),
    /// The tensor's spec.
    pub spec: TensorSpec,
}

/// One kernel launch of the job.
struct Launch {
    pipeline: Kernel,
    bind_group: wgpu::BindGroup,
    invocations: u32,
}

#[derive(Clone, Copy)]
enum Kernel {
    Cv2,
    PilHorizontal,
    PilVertical,
}

/// Everything a tensor needs on the GPU, kept while the key stays the same.
pub(crate) struct TensorJob {
    pub key: TensorKey,
    tensor: wgpu::Buffer,
    staging: wgpu::Buffer,
    launches: Vec<Launch>,
}

impl TensorJob {
    /// Allocates the buffers for `key`, reading the packed RGB bytes in `source`.
    pub fn new(
        ctx: &GpuContext,
        pipelines: &Pipelines,
        source: &wgpu::Buffer,
        key: TensorKey,
    ) -> Result<Self, GpuError> {
        let device = &ctx.device;
        let spec = &key.spec;
        let tensor_bytes = 4 * spec.len() as u64;
        ctx.check_size("tensor", tensor_bytes)?;
        let table: Vec<u8> = spec
            .normalization_table()
            .iter()
            .flatten()
            .flat_map(|value| value.to_le_bytes())
            .collect();
        let table = storage_init(device, "normalisation table", &table);
        let tensor = storage(device, "tensor", tensor_bytes);
        let launches = match spec.resize {
            ResizeKind::Cv2Linear => {
                vec![cv2_launch(device, pipelines, source, &table, &tensor, &key)]
            }
            ResizeKind::PilBicubic => pil_launches(
                ctx,
                pipelines,
                source,
                &table,
                &tensor,
                &key,
                PilFilter::Bicubic,
            )?,
            ResizeKind::PilBilinear => pil_launches(
                ctx,
                pipelines,
                source,
                &table,
                &tensor,
                &key,
                PilFilter::Bilinear,
            )?,
        };
        Ok(Self {
            key,
            staging: staging(device, "tensor readback", tensor_bytes),
            tensor,
            launches,
        })
    }

    /// Records the job's dispatches (in order; wgpu orders the passes' buffer accesses).
    pub fn dispatch(&self, pass: &mut wgpu::ComputePass<'_>, pipelines: &Pipelines) {
        for launch in &self.launches {
            pass.set_pipeline(match launch.pipeline {
                Kernel::Cv2 => &pipelines.cv2_tensor,
                Kernel::PilHorizontal => &pipelines.pil_horizontal,
                Kernel::PilVertical => &pipelines.pil_vertical,
            });
            pass.set_bind_group(0, &launch.bind_group, &[]);
            dispatch_linear(pass, launch.invocations);
        }
    }

    /// Copies the tensor into the readback buffer (after the pass).
    pub fn copy_out(&self, encoder: &mut wgpu::CommandEncoder) {
        encoder.copy_buffer_to_buffer(&self.tensor, 0, &self.staging, 0, self.tensor.size());
    }

    /// The readback buffer, to be mapped.
    pub fn staging(&self) -> &wgpu::Buffer {
        &self.staging
    }

    /// The tensor from the mapped readback buffer.
    pub fn read(&self, mapped: &[u8]) -> Result<Vec<f32>, GpuError> {
        let bytes = mapped.get(..4 * self.key.spec.len()).ok_or_else(|| {
            GpuError::Readback("the tensor readback is shorter than the tensor".into())
        })?;
        Ok(bytemuck::pod_collect_to_vec(bytes))
    }
}

fn cv2_launch(
    device: &wgpu::Device,
    pipelines: &Pipelines,
    source: &wgpu::Buffer,
    table: &wgpu::Buffer,
    tensor: &wgpu::Buffer,
    key: &TensorKey,
) -> Launch {
    let (width, height) = key.source;
    let spec = &key.spec;
    let plan = cv2_plan(width, height, spec.width, spec.height);
    let plane = spec.width * spec.height;
    let params = Cv2ResizeParams {
        src_width: width,
        dst_width: spec.width,
        plane,
        area2: u32::from(plan.area2),
    };
    let params = uniform_init(device, "cv2 params", bytemuck::bytes_of(&params));
    let x_table = storage_init(device, "cv2 x table", &cv2_table(&plan.x));
    let y_table = storage_init(device, "cv2 y table", &cv2_table(&plan.y));
    let layout = pipelines.cv2_tensor.get_bind_group_layout(0);
    let bind_group = bind_group(
        device,
        "cv2 tensor",
        &layout,
        &[
            (0, &params),
            (1, source),
            (2, &x_table),
            (3, &y_table),
            (4, table),
            (5, tensor),
        ],
    );
    Launch {
        pipeline: Kernel::Cv2,
        bind_group,
        invocations: plane,
    }
}

fn pil_launches(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    source: &wgpu::Buffer,
    table: &wgpu::Buffer,
    tensor: &wgpu::Buffer,
    key: &TensorKey,
    filter: PilFilter,
) -> Result<Vec<Launch>, GpuError> {
    let device = &ctx.device;
    let (width, height) = key.source;
    let spec = &key.spec;
    let x_taps = PilTaps::new(width, spec.width, filter);
    let y_taps = PilTaps::new(height, spec.height, filter);
    let (y_first, y_last) = y_taps.source_span();
    let intermediate_pixels = u64::from(y_last - y_first) * u64::from(spec.width);
    let intermediate_bytes = 4 * 3 * intermediate_pixels;
    ctx.check_size("resize intermediate", intermediate_bytes)?;
    // Within the u32 byte limit just checked.
    let intermediate_pixels = intermediate_pixels as u32;
    let plane = spec.width * spec.height;
    let params = PilResizeParams {
        src_width: width,
        dst_width: spec.width,
        y_first,
        intermediate_pixels,
        plane,
        ..PilResizeParams::zeroed()
    };
    let params = uniform_init(device, "pil params", bytemuck::bytes_of(&params));
    let intermediate = storage(device, "pil intermediate", intermediate_bytes);
    let x_meta = storage_init(device, "pil x taps", &taps_table(&x_taps, 0));
    let x_weights = storage_init(
        device,
        "pil x weights",
        bytemuck::cast_slice(&x_taps.weights),
    );
    let y_meta = storage_init(device, "pil y taps", &taps_table(&y_taps, y_first));
    let y_weights = storage_init(
        device,
        "pil y weights",
        bytemuck::cast_slice(&y_taps.weights),
    );
    let horizontal = bind_group(
        device,
        "pil horizontal",
        &pipelines.pil_horizontal.get_bind_group_layout(0),
        &[
            (0, &params),
            (1, source),
            (2, &x_meta),
            (3, &x_weights),
            (4, &intermediate),
        ],
    );
    let vertical = bind_group(
        device,
        "pil vertical",
        &pipelines.pil_vertical.get_bind_group_layout(0),
        &[
            (0, &params),
            (5, &intermediate),
            (6, &y_meta),
            (7, &y_weights),
            (8, table),
            (9, tensor),
        ],
    );
    Ok(vec![
        Launch {
            pipeline: Kernel::PilHorizontal,
            bind_group: horizontal,
            invocations: intermediate_pixels,
        },
        Launch {
            pipeline: Kernel::PilVertical,
            bind_group: vertical,
            invocations: plane,
        },
    ])
}

/// Pillow taps as `vec4<u32>(first index - shift, taps, weight offset, 0)`.
fn taps_table(taps: &PilTaps, shift: u32) -> Vec<u8> {
    let words: Vec<u32> = (0..taps.start.len())
        .flat_map(|i| [taps.start[i] - shift, taps.len[i], taps.offset[i], 0])
        .collect();
    words_to_bytes(&words)
}
