//! Which execution provider ONNX Runtime really placed a session's nodes on.
//!
//! Registering CUDA successfully does not mean the model runs there: ONNX Runtime may put
//! every node on the CPU. The graph-assignment record (C API `Session_GetEpGraphAssignmentInfo`,
//! enabled by the session option [`RECORD_ASSIGNMENT`]) says where each node went; `ort`
//! does not wrap it, so this module calls the C API directly.
//!
//! The record also tells how many shape reads (`Shape`, `Size` nodes) survived ONNX
//! Runtime's load-time constant folding: each starts a chain of small integer nodes that runs
//! on every call, on the host when CUDA runs the rest of the model.

use std::ffi::{CStr, c_char};
use std::ptr;

use ort::AsPointer;
use ort::session::Session;
use ort::sys::{OrtEpAssignedNode, OrtEpAssignedSubgraph, OrtStatusPtr};

/// Session configuration key that makes ONNX Runtime record node placement.
pub(crate) const RECORD_ASSIGNMENT: &str = "session.record_ep_graph_assignment_info";

/// Operator types that read a tensor's shape at run time.
const SHAPE_READS: [&str; 2] = ["Shape", "Size"];

/// The nodes ONNX Runtime gave one execution provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderNodes {
    /// ONNX Runtime's name of the provider (`CUDAExecutionProvider`, `CPUExecutionProvider`).
    pub provider: String,
    /// Nodes it runs.
    pub nodes: usize,
    /// Of those, the shape reads (`Shape`, `Size`) left after constant folding.
    pub shape_reads: usize,
}

/// The nodes per execution provider, in ONNX Runtime's order, one entry per provider.
pub(crate) fn node_placement(session: &Session) -> Result<Vec<ProviderNodes>, PlacementError> {
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
    let mut placement: Vec<ProviderNodes> = Vec::new();
    for &subgraph in subgraphs {
        let mut name: *const c_char = ptr::null();
        // SAFETY: `subgraph` comes from the array above and lives as long as the session.
        check(unsafe { (api.EpAssignedSubgraph_GetEpName)(subgraph, &mut name) })?;
        if name.is_null() {
            return Err(PlacementError::Unnamed("execution provider"));
        }
        // SAFETY: a non-null, NUL-terminated string owned by the session.
        let name = unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned();
        let mut nodes: *const *const OrtEpAssignedNode = ptr::null();
        let mut node_count = 0usize;
        // SAFETY: as above; the out parameters are valid locals.
        check(unsafe { (api.EpAssignedSubgraph_GetNodes)(subgraph, &mut nodes, &mut node_count) })?;
        let shape_reads = if nodes.is_null() {
            0
        } else {
            // SAFETY: ONNX Runtime returned `node_count` valid node pointers at `nodes`.
            let nodes = unsafe { std::slice::from_raw_parts(nodes, node_count) };
            let mut reads = 0;
            for &node in nodes {
                if SHAPE_READS.contains(&operator_type(node)?.as_str()) {
                    reads += 1;
                }
            }
            reads
        };
        match placement.iter_mut().find(|entry| entry.provider == name) {
            Some(entry) => {
                entry.nodes += node_count;
                entry.shape_reads += shape_reads;
            }
            None => placement.push(ProviderNodes {
                provider: name,
                nodes: node_count,
                shape_reads,
            }),
        }
    }
    Ok(placement)
}

/// The operator type of one assigned node (`Conv`, `Shape`, ...).
fn operator_type(node: *const OrtEpAssignedNode) -> Result<String, PlacementError> {
    let api = ort::api();
    let mut op: *const c_char = ptr::null();
    // SAFETY: `node` comes from the session's assignment record and lives as long as the
    // session; the out parameter is a valid local.
    check(unsafe { (api.EpAssignedNode_GetOperatorType)(node, &mut op) })?;
    if op.is_null() {
        return Err(PlacementError::Unnamed("node operator type"));
    }
    // SAFETY: a non-null, NUL-terminated string owned by the session.
    Ok(unsafe { CStr::from_ptr(op) }.to_string_lossy().into_owned())
}

/// Turns an `OrtStatus` into a result, releasing it.
fn check(status: OrtStatusPtr) -> Result<(), PlacementError> {
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
    Err(PlacementError::Status(message))
}

/// Why the node placement could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlacementError {
    /// ONNX Runtime returned an error status.
    #[error("ONNX Runtime could not report the node placement: {0}")]
    Status(String),
    /// ONNX Runtime returned a null name.
    #[error("ONNX Runtime returned an unnamed {0}")]
    Unnamed(&'static str),
}
