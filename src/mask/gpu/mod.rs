//! The GPU path: wgpu compute kernels (`shaders/*.wgsl`) that reproduce the CPU
//! reference exactly.
//!
//! Per call, the frame (and the depth map) are uploaded as packed bytes, one compute pass
//! runs the mask kernel and the tensor kernels, and one wait maps every result. The
//! device, pipelines, buffers and bind groups live across calls; buffers are made anew
//! only when a size (or a tensor spec) changes. All pixel arithmetic is integer, with
//! the tables from [`crate::mask::coeffs`]; tensors are looked up in the spec's
//! normalisation table, so results are bit-identical to the CPU on any device.

mod buffers;
mod context;
mod error;
mod fault;
mod mask_job;
mod pipelines;
mod readback;
mod tensor_job;
mod timing;
mod uniforms;

use std::time::Duration;

use image::RgbImage;

pub(crate) use error::GpuError;

use buffers::{reuse_or_make, storage, write_padded};
use context::GpuContext;
use mask_job::{MaskJob, MaskKey};
use pipelines::Pipelines;
use readback::map_and_read;
use tensor_job::{TensorJob, TensorKey};
use timing::Timing;

use super::{DepthInput, KeepRule, MaskOutput, TensorSpec};

/// The raw frame upload that depth-network tensors read.
struct RawFrame {
    size: (u32, u32),
    buffer: wgpu::Buffer,
}

/// Masking and tensor preparation on one GPU device.
pub(crate) struct GpuMasker {
    ctx: GpuContext,
    pipelines: Pipelines,
    timing: Option<Timing>,
    mask_job: Option<MaskJob>,
    /// Reads `mask_job.masked`: dropped whenever the mask job is rebuilt.
    pose_job: Option<TensorJob>,
    raw_frame: Option<RawFrame>,
    /// Reads `raw_frame.buffer`: dropped whenever that buffer is rebuilt.
    depth_job: Option<TensorJob>,
    last_pass_time: Option<Duration>,
}

impl GpuMasker {
    /// Opens a headless device (a software adapter only with `allow_software`) and
    /// builds the pipelines; with `timestamps`, measures every pass when the adapter can.
    pub fn new(allow_software: bool, timestamps: bool) -> Result<Self, GpuError> {
        let ctx = GpuContext::open(allow_software, timestamps)?;
        let pipelines = Pipelines::new(&ctx.device);
        let timing = ctx.timestamps.then(|| Timing::new(&ctx.device, &ctx.queue));
        ctx.fault.check()?;
        Ok(Self {
            ctx,
            pipelines,
            timing,
            mask_job: None,
            pose_job: None,
            raw_frame: None,
            depth_job: None,
            last_pass_time: None,
        })
    }

    /// The adapter's name.
    pub fn adapter_name(&self) -> &str {
        &self.ctx.adapter_name
    }

    /// The backend's name (Vulkan, Metal, Dx12, Gl).
    pub fn backend(&self) -> &str {
        &self.ctx.backend
    }

    /// Whether passes are timed with GPU timestamps.
    pub fn has_timestamps(&self) -> bool {
        self.timing.is_some()
    }

    /// The duration of the last compute pass by GPU timestamps, when available.
    pub fn last_pass_time(&self) -> Option<Duration> {
        self.last_pass_time
    }

    /// Destroys the device, as a driver reset would.
    pub fn destroy_device(&self) {
        self.ctx.device.destroy();
    }

    /// Masks `rgb` (non-empty) with `depth` (non-empty) under `rule`; with `pose_spec`
    /// also makes the pose tensor from the masked frame.
    pub fn mask(
        &mut self,
        rgb: &RgbImage,
        depth: &DepthInput<'_>,
        rule: KeepRule,
        pose_spec: Option<&TensorSpec>,
    ) -> Result<MaskOutput, GpuError> {
        self.ctx.fault.check()?;
        let key = MaskKey::new(rgb.dimensions(), depth);
        let (ctx, pipelines) = (&self.ctx, &self.pipelines);
        // The pose job binds the mask job's output: a new mask job needs a new one.
        if self.mask_job.as_ref().is_none_or(|job| job.key != key) {
            self.pose_job = None;
        }
        let mask_job = reuse_or_make(
            &mut self.mask_job,
            |job| job.key == key,
            || MaskJob::new(ctx, pipelines, key),
        )?;
        let pose_job = match pose_spec {
            Some(spec) => {
                let key = TensorKey {
                    source: key.frame(),
                    spec: *spec,
                };
                Some(&*reuse_or_make(
                    &mut self.pose_job,
                    |job| job.key == key,
                    || TensorJob::new(ctx, pipelines, &mask_job.masked, key),
                )?)
            }
            None => None,
        };
        mask_job.upload(&ctx.queue, rgb, depth, rule);
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        mask_job.clear_counter(&mut encoder);
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("mask"),
                timestamp_writes: self.timing.as_ref().map(Timing::writes),
            });
            mask_job.dispatch(&mut pass, pipelines);
            if let Some(job) = pose_job {
                job.dispatch(&mut pass, pipelines);
            }
        }
        mask_job.copy_out(&mut encoder);
        let mut buffers = vec![mask_job.staging()];
        if let Some(job) = pose_job {
            job.copy_out(&mut encoder);
            buffers.push(job.staging());
        }
        if let Some(timing) = &self.timing {
            timing.copy_out(&mut encoder);
            buffers.push(timing.staging());
        }
        ctx.queue.submit([encoder.finish()]);
        let timing = self.timing.as_ref();
        let (output, pass_time) = map_and_read(ctx, &buffers, |mapped| {
            let (masked, kept_pixels) = mask_job.read(mapped[0])?;
            let pose_input = pose_job.map(|job| job.read(mapped[1])).transpose()?;
            let pass_time = timing.and_then(|timing| mapped.last().and_then(|m| timing.read(m)));
            Ok((
                MaskOutput {
                    masked,
                    kept_pixels,
                    pose_input,
                },
                pass_time,
            ))
        })?;
        self.last_pass_time = pass_time;
        Ok(output)
    }

    /// The 1x3xHxW tensor of `rgb` (non-empty) under `spec` (non-empty).
    pub fn tensor(&mut self, rgb: &RgbImage, spec: &TensorSpec) -> Result<Vec<f32>, GpuError> {
        self.ctx.fault.check()?;
        let size = rgb.dimensions();
        // The depth job binds the raw frame buffer: a new buffer needs a new job.
        if self
            .raw_frame
            .as_ref()
            .is_none_or(|frame| frame.size != size)
        {
            self.depth_job = None;
        }
        let (ctx, pipelines) = (&self.ctx, &self.pipelines);
        let raw_frame = reuse_or_make(
            &mut self.raw_frame,
            |frame| frame.size == size,
            || {
                let bytes = 3 * u64::from(size.0) * u64::from(size.1);
                ctx.check_size("frame", bytes)?;
                Ok::<_, GpuError>(RawFrame {
                    size,
                    buffer: storage(&ctx.device, "raw frame", bytes),
                })
            },
        )?;
        let key = TensorKey {
            source: size,
            spec: *spec,
        };
        let job = &*reuse_or_make(
            &mut self.depth_job,
            |job| job.key == key,
            || TensorJob::new(ctx, pipelines, &raw_frame.buffer, key),
        )?;
        write_padded(&ctx.queue, &raw_frame.buffer, rgb.as_raw());
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("tensor"),
                timestamp_writes: self.timing.as_ref().map(Timing::writes),
            });
            job.dispatch(&mut pass, pipelines);
        }
        job.copy_out(&mut encoder);
        let mut buffers = vec![job.staging()];
        if let Some(timing) = &self.timing {
            timing.copy_out(&mut encoder);
            buffers.push(timing.staging());
        }
        ctx.queue.submit([encoder.finish()]);
        let timing = self.timing.as_ref();
        let (tensor, pass_time) = map_and_read(ctx, &buffers, |mapped| {
            let pass_time = timing.and_then(|timing| mapped.last().and_then(|m| timing.read(m)));
            Ok((job.read(mapped[0])?, pass_time))
        })?;
        self.last_pass_time = pass_time;
        Ok(tensor)
    }
}
