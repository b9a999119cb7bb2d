//! Mapping a submission's result buffers with one wait.

use std::sync::mpsc;

use super::context::GpuContext;
use super::error::GpuError;

/// Maps every buffer in `buffers` for reading after the last submission, waiting once,
/// and hands their contents to `read`; unmaps them afterwards. Any failure recorded by
/// the device's fault sink in the meantime makes this an error, even when the mapping
/// itself succeeded (the results could be garbage).
pub(crate) fn map_and_read<T>(
    ctx: &GpuContext,
    buffers: &[&wgpu::Buffer],
    read: impl FnOnce(&[&[u8]]) -> Result<T, GpuError>,
) -> Result<T, GpuError> {
    let (sender, receiver) = mpsc::channel();
    // Dropped below so that only the callbacks hold senders.
    for (index, buffer) in buffers.iter().enumerate() {
        let sender = sender.clone();
        buffer.map_async(wgpu::MapMode::Read, .., move |result| {
            // The receiver lives until every callback has run or been given up on; a
            // failed send only means we gave up.
            let _ = sender.send((index, result));
        });
    }
    drop(sender);
    let mut mapped = vec![false; buffers.len()];
    // A failure the fault sink saw (device lost, validation error) explains a failed
    // mapping better than the mapping's own error.
    let result = wait_and_read(ctx, buffers, &receiver, &mut mapped, read)
        .map_err(|error| ctx.fault.check().err().unwrap_or(error));
    for (buffer, mapped) in buffers.iter().zip(mapped) {
        if mapped {
            buffer.unmap();
        }
    }
    result
}

fn wait_and_read<T>(
    ctx: &GpuContext,
    buffers: &[&wgpu::Buffer],
    receiver: &mpsc::Receiver<(usize, Result<(), wgpu::BufferAsyncError>)>,
    mapped: &mut [bool],
    read: impl FnOnce(&[&[u8]]) -> Result<T, GpuError>,
) -> Result<T, GpuError> {
    ctx.device.poll(wgpu::PollType::wait_indefinitely())?;
    let mut failure = None;
    while let Ok((index, result)) = receiver.try_recv() {
        match result {
            Ok(()) => mapped[index] = true,
            Err(error) => failure = Some(GpuError::Readback(error.to_string())),
        }
    }
    if let Some(error) = failure {
        return Err(error);
    }
    if mapped.contains(&false) {
        return Err(GpuError::Readback(
            "a buffer mapping never completed".into(),
        ));
    }
    ctx.fault.check()?;
    let views = buffers
        .iter()
        .map(|buffer| {
            buffer
                .get_mapped_range(..)
                .map_err(|error| GpuError::Readback(error.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let slices: Vec<&[u8]> = views.iter().map(|view| &view[..]).collect();
    read(&slices)
}
