//! Buffer helpers: creation with the right usages, padded uploads, dispatch sizing.

use wgpu::util::DeviceExt;

/// Invocations per workgroup of every kernel (`@workgroup_size(256)`).
const WORKGROUP: u32 = 256;
/// Most workgroups per dispatch dimension that every device allows.
const MAX_GROUPS_PER_DIMENSION: u32 = 65_535;

/// `bytes` rounded up to whole u32 words (and at least one word: bindings may not be
/// empty).
pub(crate) fn padded(bytes: u64) -> u64 {
    bytes.div_ceil(4).max(1) * 4
}

/// A storage buffer of `bytes` (padded) that can be written from the CPU and copied out.
pub(crate) fn storage(device: &wgpu::Device, label: &str, bytes: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: padded(bytes),
        usage: wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_DST
            | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    })
}

/// A read-only storage buffer holding `data` (tables written once).
pub(crate) fn storage_init(device: &wgpu::Device, label: &str, data: &[u8]) -> wgpu::Buffer {
    let contents: &[u8] = if data.is_empty() { &[0; 4] } else { data };
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents,
        usage: wgpu::BufferUsages::STORAGE,
    })
}

/// A uniform buffer of `bytes`, rewritten per call.
pub(crate) fn uniform(device: &wgpu::Device, label: &str, bytes: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: padded(bytes),
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// A buffer the CPU reads results from.
pub(crate) fn staging(device: &wgpu::Device, label: &str, bytes: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: padded(bytes),
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// Writes `bytes` at the start of `buffer`, the last partial word padded with zeros
/// (queue writes must be whole words), without allocating.
pub(crate) fn write_padded(queue: &wgpu::Queue, buffer: &wgpu::Buffer, bytes: &[u8]) {
    let whole = bytes.len() & !3;
    if whole > 0 {
        queue.write_buffer(buffer, 0, &bytes[..whole]);
    }
    if whole < bytes.len() {
        let mut tail = [0_u8; 4];
        tail[..bytes.len() - whole].copy_from_slice(&bytes[whole..]);
        queue.write_buffer(buffer, whole as u64, &tail);
    }
}

/// u32 words as bytes (little-endian, as WGSL reads them).
pub(crate) fn words_to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_le_bytes()).collect()
}

/// Dispatches enough 256-wide workgroups for `count` invocations, as a 2D grid so that
/// large images stay under the per-dimension limit. The kernels rebuild the linear index
/// from `workgroup_id` and `num_workgroups`.
pub(crate) fn dispatch_linear(pass: &mut wgpu::ComputePass<'_>, count: u32) {
    let groups = count.div_ceil(WORKGROUP);
    if groups == 0 {
        return;
    }
    let x = groups.min(MAX_GROUPS_PER_DIMENSION);
    pass.dispatch_workgroups(x, groups.div_ceil(x), 1);
}

/// A bind group of whole buffers at bindings given in order.
pub(crate) fn bind_group(
    device: &wgpu::Device,
    label: &str,
    layout: &wgpu::BindGroupLayout,
    entries: &[(u32, &wgpu::Buffer)],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry<'_>> = entries
        .iter()
        .map(|(binding, buffer)| wgpu::BindGroupEntry {
            binding: *binding,
            resource: buffer.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout,
        entries: &entries,
    })
}

/// A uniform buffer holding `data` (parameters fixed for the buffer's lifetime).
pub(crate) fn uniform_init(device: &wgpu::Device, label: &str, data: &[u8]) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: data,
        usage: wgpu::BufferUsages::UNIFORM,
    })
}

/// Returns the value in `slot` when `matches` accepts it, else replaces it with `make()`.
pub(crate) fn reuse_or_make<T, E>(
    slot: &mut Option<T>,
    matches: impl FnOnce(&T) -> bool,
    make: impl FnOnce() -> Result<T, E>,
) -> Result<&mut T, E> {
    if slot.as_ref().is_some_and(|value| !matches(value)) {
        *slot = None;
    }
    match slot {
        Some(value) => Ok(value),
        None => Ok(slot.insert(make()?)),
    }
}
