//! Opening a headless wgpu device for the masking kernels.

use super::error::GpuError;
use super::fault::Fault;

/// Storage buffers the busiest kernel binds at once (the mask kernel).
const STORAGE_BUFFERS_NEEDED: u32 = 6;
/// Invocations per workgroup of every kernel.
const WORKGROUP_SIZE: u32 = 256;

/// A device and queue with their error sink and a description of the adapter.
pub(crate) struct GpuContext {
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    /// Where every wgpu failure of this device ends up.
    pub fault: Fault,
    /// The adapter's name.
    pub adapter_name: String,
    /// The backend (Vulkan, Metal, ...), as text.
    pub backend: String,
    /// Whether GPU timestamps were enabled.
    pub timestamps: bool,
}

impl GpuContext {
    /// Finds an adapter without a window and opens a device on it. Software adapters
    /// (llvmpipe, WARP) are accepted only with `allow_software`. With `timestamps`,
    /// enables `TIMESTAMP_QUERY` when the adapter has it.
    pub fn open(allow_software: bool, timestamps: bool) -> Result<Self, GpuError> {
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
        // Vulkan, Metal, DX12 unless WGPU_BACKEND says otherwise: GL rarely has the compute
        // support the kernels need, and probing it headless logs EGL errors.
        descriptor.backends = wgpu::Backends::PRIMARY.with_env();
        let instance = wgpu::Instance::new(descriptor);
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            ..Default::default()
        }))?;
        let info = adapter.get_info();
        if info.device_type == wgpu::DeviceType::Cpu && !allow_software {
            return Err(GpuError::SoftwareOnly { adapter: info.name });
        }
        let limits = adapter.limits();
        let unsuitable = |reason: String| GpuError::Unsuitable {
            adapter: info.name.clone(),
            reason,
        };
        if !adapter
            .get_downlevel_capabilities()
            .flags
            .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        {
            return Err(unsuitable("no compute shaders".into()));
        }
        if limits.max_storage_buffers_per_shader_stage < STORAGE_BUFFERS_NEEDED
            || limits.max_compute_invocations_per_workgroup < WORKGROUP_SIZE
            || limits.max_compute_workgroup_size_x < WORKGROUP_SIZE
        {
            return Err(unsuitable(format!(
                "needs {STORAGE_BUFFERS_NEEDED} storage buffers and {WORKGROUP_SIZE}-wide workgroups"
            )));
        }
        let timestamps = timestamps && adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY);
        let required_features = if timestamps {
            wgpu::Features::TIMESTAMP_QUERY
        } else {
            wgpu::Features::empty()
        };
        let (device, queue) =
            pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
                label: Some("sharp-viewer masking"),
                required_features,
                required_limits: limits,
                ..Default::default()
            }))?;
        let fault = Fault::default();
        fault.watch(&device);
        Ok(Self {
            device,
            queue,
            fault,
            adapter_name: info.name,
            backend: info.backend.to_string(),
            timestamps,
        })
    }

    /// Fails when a buffer of `bytes` exceeds what the device can bind.
    pub fn check_size(&self, what: &'static str, bytes: u64) -> Result<(), GpuError> {
        let limits = self.device.limits();
        // Kernels index bytes with u32.
        let limit = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
            .min(u64::from(u32::MAX));
        if bytes > limit {
            return Err(GpuError::TooLarge { what, bytes, limit });
        }
        Ok(())
    }
}
