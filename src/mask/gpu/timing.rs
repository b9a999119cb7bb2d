//! GPU timestamps around the compute pass (when the adapter has `TIMESTAMP_QUERY`).

use std::time::Duration;

use super::buffers::staging;

/// Two timestamps (start and end of the pass) and where they are read back.
pub(crate) struct Timing {
    queries: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    staging: wgpu::Buffer,
    period_ns: f32,
}

/// Bytes of two resolved timestamps.
const BYTES: u64 = 2 * wgpu::QUERY_SIZE as u64;

impl Timing {
    /// Query set and buffers on a device opened with `TIMESTAMP_QUERY`.
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        Self {
            queries: device.create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("mask pass timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count: 2,
            }),
            resolve: device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("timestamp resolve"),
                size: BYTES,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            }),
            staging: staging(device, "timestamp readback", BYTES),
            period_ns: queue.get_timestamp_period(),
        }
    }

    /// The pass's timestamp writes.
    pub fn writes(&self) -> wgpu::ComputePassTimestampWrites<'_> {
        wgpu::ComputePassTimestampWrites {
            query_set: &self.queries,
            beginning_of_pass_write_index: Some(0),
            end_of_pass_write_index: Some(1),
        }
    }

    /// Resolves the timestamps into the readback buffer (after the pass).
    pub fn copy_out(&self, encoder: &mut wgpu::CommandEncoder) {
        encoder.resolve_query_set(&self.queries, 0..2, &self.resolve, 0);
        encoder.copy_buffer_to_buffer(&self.resolve, 0, &self.staging, 0, BYTES);
    }

    /// The readback buffer, to be mapped.
    pub fn staging(&self) -> &wgpu::Buffer {
        &self.staging
    }

    /// The pass duration from the mapped readback buffer.
    pub fn read(&self, mapped: &[u8]) -> Option<Duration> {
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(mapped.get(..BYTES as usize)?);
        let elapsed = ticks.get(1)?.checked_sub(*ticks.first()?)?;
        Some(Duration::from_nanos(
            (elapsed as f64 * f64::from(self.period_ns)) as u64,
        ))
    }
}
