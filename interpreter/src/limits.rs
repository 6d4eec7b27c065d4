//! Hard limits of a run and the wasmi resource limiter that enforces the
//! memory and table caps (denied growth traps, with a flag so the error
//! says "memory limit" rather than a generic trap).

use rvf_spec::sandbox::limits;
use wasmi::ResourceLimiter;
use wasmi_core::LimiterError;

/// Limits of one run. Every run is bounded by fuel and memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Fuel budget (wasmi charges about one unit per Wasm operator).
    pub fuel: u64,
    /// Linear memory cap in bytes.
    pub max_memory_bytes: u64,
    /// Maximum call depth.
    pub max_recursion: usize,
    /// Maximum table elements.
    pub max_table_elements: u32,
    /// Largest module accepted (bytes).
    pub max_module_bytes: usize,
    /// Largest result a module may hand back (bytes).
    pub max_result_bytes: u64,
}

pub const DEFAULT_FUEL: u64 = limits::FUEL;
pub const DEFAULT_MAX_MEMORY: u64 = limits::MAX_MEMORY_BYTES;

/// The spec's default limits (`rvf_spec::sandbox::limits`, which every
/// host uses).
impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: limits::FUEL,
            max_memory_bytes: limits::MAX_MEMORY_BYTES,
            max_recursion: limits::MAX_RECURSION,
            max_table_elements: limits::MAX_TABLE_ELEMENTS,
            max_module_bytes: limits::MAX_MODULE_BYTES,
            max_result_bytes: limits::MAX_RESULT_BYTES,
        }
    }
}

/// Enforces `Limits` on growth; remembers whether a cap was hit.
#[derive(Debug)]
pub struct Limiter {
    pub max_memory: usize,
    pub max_table: usize,
    pub memory_denied: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        if desired > self.max_memory {
            self.memory_denied = true;
            return Err(LimiterError::ResourceLimiterDeniedAllocation);
        }
        Ok(true)
    }
    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        if desired > self.max_table {
            return Err(LimiterError::ResourceLimiterDeniedAllocation);
        }
        Ok(true)
    }
    fn instances(&self) -> usize {
        1
    }
    fn tables(&self) -> usize {
        4
    }
    fn memories(&self) -> usize {
        1
    }
}
