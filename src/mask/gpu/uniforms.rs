//! The kernels' `Params` uniforms as `#[repr(C)]` Pod structs, one per shader, so a
//! uniform is filled by name instead of by position in an array of words. A test holds
//! each struct's member names, offsets and size to the WGSL declaration (parsed by naga),
//! so the two cannot drift apart.

use bytemuck::{Pod, Zeroable};

/// `Params` of `shaders/mask.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct MaskParams {
    /// Frame width in pixels.
    pub frame_width: u32,
    /// Frame pixels (width * height).
    pub pixels: u32,
    /// Depth map width in pixels.
    pub depth_width: u32,
    /// How the depth map is brought to the frame's size (`MODE_*` in the shader).
    pub mode: u32,
    /// Smallest kept depth value, in the map's unit.
    pub keep_lo: u32,
    /// Largest kept depth value, in the map's unit.
    pub keep_hi: u32,
    /// 1 when a depth value of 0 (unmeasured) is dropped whatever the range.
    pub drop_zero: u32,
    /// Words of the packed frame (its bytes / 4, rounded up).
    pub words: u32,
}

/// `Params` of `shaders/resize_cv2.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct Cv2ResizeParams {
    /// Source width in pixels.
    pub src_width: u32,
    /// Tensor width in pixels.
    pub dst_width: u32,
    /// Output pixels (dst_width * dst_height).
    pub plane: u32,
    /// 1 for OpenCV's INTER_AREA path (exact factor-2 shrink).
    pub area2: u32,
}

/// `Params` of `shaders/resize_pil.wgsl`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct PilResizeParams {
    /// Source width in pixels.
    pub src_width: u32,
    /// Tensor width in pixels.
    pub dst_width: u32,
    /// First source row the vertical pass reads.
    pub y_first: u32,
    /// Pixels in the intermediate (rows * dst_width).
    pub intermediate_pixels: u32,
    /// Output pixels (dst_width * dst_height).
    pub plane: u32,
    /// Padding to 16 bytes, as uniform structs are laid out.
    pub _pad0: u32,
    /// Padding.
    pub _pad1: u32,
    /// Padding.
    pub _pad2: u32,
}

#[cfg(test)]
mod tests {
    use std::mem::{offset_of, size_of};

    use super::*;

    /// A Rust struct's members as (name, byte offset), and its size.
    struct RustLayout {
        shader: &'static str,
        source: &'static str,
        members: Vec<(&'static str, usize)>,
        size: usize,
    }

    macro_rules! layout {
        ($shader:literal, $ty:ty, [$($member:ident),* $(,)?]) => {
            RustLayout {
                shader: $shader,
                source: include_str!(concat!("../../../shaders/", $shader)),
                members: vec![$((stringify!($member), offset_of!($ty, $member))),*],
                size: size_of::<$ty>(),
            }
        };
    }

    fn rust_layouts() -> Vec<RustLayout> {
        vec![
            layout!(
                "mask.wgsl",
                MaskParams,
                [
                    frame_width,
                    pixels,
                    depth_width,
                    mode,
                    keep_lo,
                    keep_hi,
                    drop_zero,
                    words,
                ]
            ),
            layout!(
                "resize_cv2.wgsl",
                Cv2ResizeParams,
                [src_width, dst_width, plane, area2]
            ),
            layout!(
                "resize_pil.wgsl",
                PilResizeParams,
                [
                    src_width,
                    dst_width,
                    y_first,
                    intermediate_pixels,
                    plane,
                    _pad0,
                    _pad1,
                    _pad2,
                ]
            ),
        ]
    }

    /// The WGSL struct `Params` as (name, byte offset), and its size, by naga's layouter.
    fn shader_layout(name: &str, source: &str) -> (Vec<(String, usize)>, usize) {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|error| panic!("{name}: {}", error.emit_to_string(source)));
        let params = module
            .types
            .iter()
            .find(|(_, ty)| ty.name.as_deref() == Some("Params"))
            .unwrap_or_else(|| panic!("{name} declares no struct Params"));
        let naga::TypeInner::Struct { members, span } = &params.1.inner else {
            panic!("{name}: Params is not a struct");
        };
        let members = members
            .iter()
            .map(|member| {
                let member_name = member.name.clone().unwrap_or_default();
                (member_name, member.offset as usize)
            })
            .collect();
        (members, *span as usize)
    }

    #[test]
    fn uniform_structs_match_the_shader_layouts() {
        for rust in rust_layouts() {
            let (members, size) = shader_layout(rust.shader, rust.source);
            let rust_members: Vec<(String, usize)> = rust
                .members
                .iter()
                .map(|(name, offset)| ((*name).to_owned(), *offset))
                .collect();
            assert_eq!(
                rust_members, members,
                "{}: Params members (name, offset)",
                rust.shader
            );
            assert_eq!(rust.size, size, "{}: Params size", rust.shader);
        }
    }
}
