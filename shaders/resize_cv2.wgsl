// OpenCV 4.8 cv2.resize(INTER_LINEAR) of a packed RGB8 image straight into a normalised
// 1x3xHxW f32 tensor, integer-exact (the tables come from src/mask/coeffs/cv2.rs).
// One invocation per tensor element.

struct Params {
    src_width: u32,
    dst_width: u32,
    plane: u32,
    count: u32,
    area2: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
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

fn src_u8(row: u32, column: u32, channel: u32) -> u32 {
    let index = (row * params.src_width + column) * 3u + channel;
    return (src[index >> 2u] >> ((index & 3u) * 8u)) & 0xffu;
}

// The horizontal pass for one source row: S[x0] * a0 + S[x1] * a1 (exact).
fn row_value(row: u32, column: vec4<u32>, channel: u32) -> u32 {
    return src_u8(row, column.x, channel) * column.z + src_u8(row, column.y, channel) * column.w;
}

fn resized(x: u32, y: u32, channel: u32) -> u32 {
    let column = x_table[x];
    let row = y_table[y];
    if params.area2 != 0u {
        let sum = src_u8(row.x, column.x, channel) + src_u8(row.x, column.y, channel)
            + src_u8(row.y, column.x, channel) + src_u8(row.y, column.y, channel);
        return (sum + 2u) >> 2u;
    }
    let h0 = row_value(row.x, column, channel) >> 4u;
    let h1 = row_value(row.y, column, channel) >> 4u;
    return min((((row.z * h0) >> 16u) + ((row.w * h1) >> 16u) + 2u) >> 2u, 255u);
}

@compute @workgroup_size(256)
fn cv2_linear_tensor(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    let index = (group.y * groups.x + group.x) * WORKGROUP + local;
    if index >= params.count {
        return;
    }
    let channel = index / params.plane;
    let rest = index % params.plane;
    let value = resized(rest % params.dst_width, rest / params.dst_width, channel);
    tensor[index] = table[channel * 256u + value];
}
