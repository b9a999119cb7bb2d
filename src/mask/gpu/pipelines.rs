//! The compute pipelines, built once per device from `shaders/*.wgsl`.

/// Every kernel; bind group layouts come from the shaders (`layout: None`).
pub(crate) struct Pipelines {
    /// `mask.wgsl`: `mask_frame`.
    pub mask: wgpu::ComputePipeline,
    /// `resize_cv2.wgsl`: `cv2_linear_tensor`.
    pub cv2_tensor: wgpu::ComputePipeline,
    /// `resize_pil.wgsl`: `pil_horizontal`.
    pub pil_horizontal: wgpu::ComputePipeline,
    /// `resize_pil.wgsl`: `pil_vertical`.
    pub pil_vertical: wgpu::ComputePipeline,
}

impl Pipelines {
    /// Compiles the shaders for `device`. Errors surface through the device's fault sink.
    pub fn new(device: &wgpu::Device) -> Self {
        let mask = device.create_shader_module(wgpu::include_wgsl!("../../../shaders/mask.wgsl"));
        let cv2 =
            device.create_shader_module(wgpu::include_wgsl!("../../../shaders/resize_cv2.wgsl"));
        let pil =
            device.create_shader_module(wgpu::include_wgsl!("../../../shaders/resize_pil.wgsl"));
        Self {
            mask: pipeline(device, &mask, "mask_frame"),
            cv2_tensor: pipeline(device, &cv2, "cv2_linear_tensor"),
            pil_horizontal: pipeline(device, &pil, "pil_horizontal"),
            pil_vertical: pipeline(device, &pil, "pil_vertical"),
        }
    }
}

fn pipeline(
    device: &wgpu::Device,
    module: &wgpu::ShaderModule,
    entry_point: &str,
) -> wgpu::ComputePipeline {
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry_point),
        layout: None,
        module,
        entry_point: Some(entry_point),
        compilation_options: Default::default(),
        cache: None,
    })
}
