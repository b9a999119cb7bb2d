//! Which execution provider ONNX Runtime really placed a session's nodes on.
//!
//! Registering CUDA successfully does not mean the model runs there: ONNX Runtime may put
//! every node on the CPU. The graph-assignment record (C API `Session_GetEpGraphAssignmentInfo`,
//! enabled by the session option [`RECORD_ASSIGNMENT`]) says where each node went; `ort`
//! does not wrap it, so this module calls the C API directly.

use std::ffi::{CStr, c_char};
use std::ptr;

use ort::AsPointer;
use ort::session::Session;
use ort::sys::{OrtEpAssignedNode, OrtEpAssignedSubgraph, OrtStatusPtr};

/// Session configuration key that makes ONNX Runtime record node placement.
pub(crate) const RECORD_ASSIGNMENT: &str = "session.record_ep_graph_assignment_info";

/// Number of nodes per execution provider name, in ONNX Runtime's order, one entry per
/// provider.
pub(crate) fn node_placement(session: &Session) -> Result<Vec<(String, usize)>, String> {
    let api = ort::api();
    let mut subgraphs: *const *const OrtEpAssignedSubgraph = ptr::null();
    let mut count = 0usize;
    // SAFETY: the session pointer is valid for the lifetime of `session`; the out
    // parameters are valid locals. The returned array is owned by the session.
    check(unsafe {
        (api.Session_GetEpGraphAssignmentInfo)(session.ptr(), &mut subgraphs, &mut count)
    })?;
    if subgraphs.is_null() || count == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: ONNX Runtime returned `count` valid subgraph pointers at `subgraphs`.
    let subgraphs = unsafe { std::slice::from_raw_parts(subgraphs, count) };
    let mut placement: Vec<(String, usize)> = Vec::new();
    for &subgraph in subgraphs {
        let mut name: *const c_char = ptr::null();
        // SAFETY: `subgraph` comes from the array above and lives as long as the session.
        check(unsafe { (api.EpAssignedSubgraph_GetEpName)(subgraph, &mut name) })?;
        if name.is_null() {
            return Err("ONNX Runtime returned an unnamed execution provider".into());
        }
        // SAFETY: a non-null, NUL-terminated string owned by the session.
        let name = unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned();
        let mut nodes: *const *const OrtEpAssignedNode = ptr::null();
        let mut node_count = 0usize;
        // SAFETY: as above; the out parameters are valid locals.
        check(unsafe { (api.EpAssignedSubgraph_GetNodes)(subgraph, &mut nodes, &mut node_count) })?;
        match placement.iter_mut().find(|(ep, _)| *ep == name) {
            Some((_, total)) => *total += node_count,
            None => placement.push((name, node_count)),
        }
    }
    Ok(placement)
}

/// Turns an `OrtStatus` into a result, releasing it.
fn check(status: OrtStatusPtr) -> Result<(), String> {
    if status.0.is_null() {
        return Ok(());
    }
    let api = ort::api();
    // SAFETY: a non-null status returned by ONNX Runtime; its message is valid until the
    // status is released, which happens after the copy.
    let message = unsafe { CStr::from_ptr((api.GetErrorMessage)(status.0)) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: releasing the status we own exactly once.
    unsafe { (api.ReleaseStatus)(status.0) };
    Err(message)
}
