// Pillow 9.3 Image.resize (BICUBIC / BILINEAR) of a packed RGB8 image into a normalised
// 1x3xHxW f32 tensor, integer-exact, in Pillow's two passes: horizontal into a uint8
// intermediate (stored one value per u32, rounded and clipped like Pillow's), then
// vertical. The weights come from src/mask/coeffs/pil.rs. One invocation per pixel:
// its three channels share the tap reads.

struct Params {
    src_width: u32,
    dst_width: u32,
    // First source row the vertical pass reads; the intermediate starts there.
    y_first: u32,
    // Pixels in the intermediate: rows * dst_width.
    intermediate_pixels: u32,
    // Output pixels: dst_width * dst_height.
    plane: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

const WORKGROUP: u32 = 256u;
const HALF: i32 = 2097152; // 1 << 21
const PRECISION_BITS: u32 = 22u;

@group(0) @binding(0) var<uniform> params: Params;
// Horizontal pass.
@group(0) @binding(1) var<storage, read> src: array<u32>;
// Per output column: (first source column, taps, offset into x_weights, unused).
@group(0) @binding(2) var<storage, read> x_taps: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> x_weights: array<i32>;
@group(0) @binding(4) var<storage, read_write> intermediate: array<u32>;
// Vertical pass.
@group(0) @binding(5) var<storage, read> intermediate_in: array<u32>;
// Per output row: (first intermediate row, taps, offset into y_weights, unused).
@group(0) @binding(6) var<storage, read> y_taps: array<vec4<u32>>;
@group(0) @binding(7) var<storage, read> y_weights: array<i32>;
// table[channel * 256 + value]: the spec's normalisation, computed on the CPU.
@group(0) @binding(8) var<storage, read> table: array<f32>;
@group(0) @binding(9) var<storage, read_write> tensor: array<f32>;

fn linear_index(group: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
    return (group.y * groups.x + group.x) * WORKGROUP + local;
}

fn clip8(accumulator: i32) -> u32 {
    return u32(clamp(accumulator >> PRECISION_BITS, 0, 255));
}

fn src_u8(index: u32) -> i32 {
    return i32((src[index >> 2u] >> ((index & 3u) * 8u)) & 0xffu);
}

@compute @workgroup_size(256)
fn pil_horizontal(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    let pixel = linear_index(group, groups, local);
    if pixel >= params.intermediate_pixels {
        return;
    }
    let row = params.y_first + pixel / params.dst_width;
    let tap = x_taps[pixel % params.dst_width];
    let base = (row * params.src_width + tap.x) * 3u;
    var accumulator = vec3<i32>(HALF);
    for (var i = 0u; i < tap.y; i++) {
        let byte = base + i * 3u;
        let source = vec3<i32>(src_u8(byte), src_u8(byte + 1u), src_u8(byte + 2u));
        accumulator += source * x_weights[tap.z + i];
    }
    intermediate[pixel * 3u] = clip8(accumulator.x);
    intermediate[pixel * 3u + 1u] = clip8(accumulator.y);
    intermediate[pixel * 3u + 2u] = clip8(accumulator.z);
}

@compute @workgroup_size(256)
fn pil_vertical(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    let pixel = linear_index(group, groups, local);
    if pixel >= params.plane {
        return;
    }
    let tap = y_taps[pixel / params.dst_width];
    let stride = params.dst_width * 3u;
    let base = tap.x * stride + (pixel % params.dst_width) * 3u;
    var accumulator = vec3<i32>(HALF);
    for (var i = 0u; i < tap.y; i++) {
        let at = base + i * stride;
        let source = vec3<i32>(
            i32(intermediate_in[at]),
            i32(intermediate_in[at + 1u]),
            i32(intermediate_in[at + 2u]),
        );
        accumulator += source * y_weights[tap.z + i];
    }
    tensor[pixel] = table[clip8(accumulator.x)];
    tensor[params.plane + pixel] = table[256u + clip8(accumulator.y)];
    tensor[2u * params.plane + pixel] = table[512u + clip8(accumulator.z)];
}
