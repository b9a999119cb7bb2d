// OpenCV 4.8 cv2.resize(INTER_LINEAR) of a packed RGB8 image straight into a normalised
// 1x3xHxW f32 tensor, integer-exact (the tables come from src/mask/coeffs/cv2.rs).

struct Params {
    src_width: u32,
    dst_width: u32,
    // Output pixels: dst_width * dst_height.
    plane: u32,
    // 1 for OpenCV's INTER_AREA path (exact factor-2 shrink).
    area2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
// Per output column / row: (source index 0, source index 1, weight 0, weight 1).
@group(0) @binding(2) var<storage, read> x_table: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> y_table: array<vec4<u32>>;
// table[channel * 256 + value]: the spec's normalisation, computed on the CPU.
@group(0) @binding(4) var<storage, read> table: array<f32>;
@group(0) @binding(5) var<storage, read_write> tensor: array<f32>;

const WORKGROUP: u32 = 256u;

// Byte `channel` of source pixel (column, row).
fn src_u8(row: u32, column: u32, channel: u32) -> u32 {
    let index = (row * params.src_width + column) * 3u + channel;
    return (src[index >> 2u] >> ((index & 3u) * 8u)) & 0xffu;
}

// The horizontal pass for one source row: S[x0] * a0 + S[x1] * a1 (exact).
fn row_value(row: u32, column: vec4<u32>, channel: u32) -> u32 {
    return src_u8(row, column.x, channel) * column.z + src_u8(row, column.y, channel) * column.w;
}

fn resized(column: vec4<u32>, row: vec4<u32>, channel: u32) -> u32 {
    if params.area2 != 0u {
        let sum = src_u8(row.x, column.x, channel) + src_u8(row.x, column.y, channel)
            + src_u8(row.y, column.x, channel) + src_u8(row.y, column.y, channel);
        return (sum + 2u) >> 2u;
    }
    let h0 = row_value(row.x, column, channel) >> 4u;
    let h1 = row_value(row.y, column, channel) >> 4u;
    return min((((row.z * h0) >> 16u) + ((row.w * h1) >> 16u) + 2u) >> 2u, 255u);
}

// One invocation per output pixel: its three channels share the table reads.
@compute @workgroup_size(256)
fn cv2_linear_tensor(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    let pixel = (group.y * groups.x + group.x) * WORKGROUP + local;
    if pixel >= params.plane {
        return;
    }
    let column = x_table[pixel % params.dst_width];
    let row = y_table[pixel / params.dst_width];
    for (var channel = 0u; channel < 3u; channel++) {
        let value = resized(column, row, channel);
        tensor[channel * params.plane + pixel] = table[channel * 256u + value];
    }
}
