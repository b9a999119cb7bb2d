// Depth-range masking of an RGB8 frame (SHARP spec section 3), integer-exact.
//
// One invocation handles 4 pixels, i.e. 12 bytes = 3 u32 words of the masked frame.
// The frame and depth maps arrive as raw bytes packed little-endian into u32 words
// (the frame's last word zero-padded). The depth at each frame pixel is sampled with
// the integer tables the CPU computed (src/mask/coeffs), so the result equals the CPU
// reference bit for bit:
//   MODE_CV2_LINEAR: 8-bit inverse depth, OpenCV INTER_LINEAR fixed point,
//   MODE_CV2_AREA2: 8-bit inverse depth, OpenCV's INTER_AREA path for an exact
//                   factor-2 shrink,
//   MODE_NEAREST_U16: uint16 millimetres, nearest neighbour (tables hold the source
//                   index).

struct Params {
    frame_width: u32,
    pixels: u32,
    depth_width: u32,
    mode: u32,
    keep_lo: u32,
    keep_hi: u32,
    drop_zero: u32,
    words: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> frame: array<u32>;
@group(0) @binding(2) var<storage, read> depth: array<u32>;
// Per frame column: (source index 0, source index 1, weight 0, weight 1).
@group(0) @binding(3) var<storage, read> x_table: array<vec4<u32>>;
// Per frame row: the same for rows.
@group(0) @binding(4) var<storage, read> y_table: array<vec4<u32>>;
@group(0) @binding(5) var<storage, read_write> masked: array<u32>;
@group(0) @binding(6) var<storage, read_write> kept_total: atomic<u32>;

var<workgroup> kept_in_group: atomic<u32>;

const WORKGROUP: u32 = 256u;
const MODE_CV2_LINEAR: u32 = 0u;
const MODE_CV2_AREA2: u32 = 1u;
const MODE_NEAREST_U16: u32 = 2u;
// The bytes of pixel k (0..3) of a 4-pixel group within its 3 words.
const PIXEL_BYTES = array<vec3<u32>, 4>(
    vec3<u32>(0x00ffffffu, 0u, 0u),
    vec3<u32>(0xff000000u, 0x0000ffffu, 0u),
    vec3<u32>(0u, 0xffff0000u, 0x000000ffu),
    vec3<u32>(0u, 0u, 0xffffff00u),
);

fn depth_u8(index: u32) -> u32 {
    return (depth[index >> 2u] >> ((index & 3u) * 8u)) & 0xffu;
}

fn depth_u16(index: u32) -> u32 {
    return (depth[index >> 1u] >> ((index & 1u) * 16u)) & 0xffffu;
}

// OpenCV's horizontal pass for one source row: S[x0] * a0 + S[x1] * a1 (exact).
fn cv2_row(row: u32, column: vec4<u32>) -> u32 {
    let base = row * params.depth_width;
    return depth_u8(base + column.x) * column.z + depth_u8(base + column.y) * column.w;
}

fn depth_at(x: u32, y: u32) -> u32 {
    let column = x_table[x];
    let row = y_table[y];
    if params.mode == MODE_NEAREST_U16 {
        return depth_u16(row.x * params.depth_width + column.x);
    }
    if params.mode == MODE_CV2_AREA2 {
        let top = row.x * params.depth_width;
        let bottom = row.y * params.depth_width;
        let sum = depth_u8(top + column.x) + depth_u8(top + column.y)
            + depth_u8(bottom + column.x) + depth_u8(bottom + column.y);
        return (sum + 2u) >> 2u;
    }
    // MODE_CV2_LINEAR
    let h0 = cv2_row(row.x, column) >> 4u;
    let h1 = cv2_row(row.y, column) >> 4u;
    return min((((row.z * h0) >> 16u) + ((row.w * h1) >> 16u) + 2u) >> 2u, 255u);
}

fn keeps(value: u32) -> bool {
    let measured = params.drop_zero == 0u || value != 0u;
    return measured && params.keep_lo <= value && value <= params.keep_hi;
}

@compute @workgroup_size(256)
fn mask_frame(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
    @builtin(local_invocation_index) local: u32,
) {
    if local == 0u {
        atomicStore(&kept_in_group, 0u);
    }
    workgroupBarrier();
    let quad = (group.y * groups.x + group.x) * WORKGROUP + local;
    let first = quad * 4u;
    if first < params.pixels {
        var bits = vec3<u32>(0u);
        var kept = 0u;
        var x = first % params.frame_width;
        var y = first / params.frame_width;
        for (var k = 0u; k < 4u && first + k < params.pixels; k++) {
            if keeps(depth_at(x, y)) {
                bits |= PIXEL_BYTES[k];
                kept += 1u;
            }
            x += 1u;
            if x == params.frame_width {
                x = 0u;
                y += 1u;
            }
        }
        for (var j = 0u; j < 3u; j++) {
            let word = quad * 3u + j;
            if word < params.words {
                masked[word] = frame[word] & bits[j];
            }
        }
        if kept != 0u {
            atomicAdd(&kept_in_group, kept);
        }
    }
    workgroupBarrier();
    if local == 0u {
        let total = atomicLoad(&kept_in_group);
        if total != 0u {
            atomicAdd(&kept_total, total);
        }
    }
}
