//! The `rvf` host functions of the solver ABI, served from caller-supplied
//! byte arrays (`ArraySource`). Each copies a bounds-checked range into
//! guest memory and returns a negative code on any bad request; none can
//! panic the host. Counters record calls, rows and bytes served.

use crate::limits::Limiter;
use rvf_spec::abi::status;
use rvf_spec::sandbox::{self, export, import, limits, ValType, IMPORT_MODULE};
use rvf_spec::source::ArraySource;
use wasmi::{Caller, Extern, Linker, Memory};

/// A hook run before the first bulk read of each array (the loader uses it
/// to verify the segment hash before serving a whole array).
pub type BulkReadCheck<'a> = &'a mut dyn FnMut(u32) -> bool;

/// What the host served during a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostStats {
    pub calls: u64,
    pub rows_served: u64,
    pub bytes_served: u64,
    pub refused: u64,
}

/// Per-run host state (the `T` of the wasmi `Store`).
pub struct HostState<'a> {
    pub source: ArraySource<'a>,
    pub bulk_check: Option<BulkReadCheck<'a>>,
    pub checked: u32,
    pub limiter: Limiter,
    pub stats: HostStats,
    /// The instance's exported memory, set once after instantiation so
    /// that host calls need no export lookup.
    pub memory: Option<Memory>,
}

impl crate::run::Imports for HostState<'_> {
    fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }
    fn set_memory(&mut self, memory: Memory) {
        self.memory = Some(memory);
    }
    fn define(linker: &mut Linker<Self>) -> Result<(), wasmi::Error> {
        define(linker)
    }
}

/// The spec's value types as wasmi's, at compile time (`N` must be
/// `types.len()`, or the build fails).
pub(crate) const fn val_types<const N: usize>(types: &[ValType]) -> [wasmi::ValType; N] {
    assert!(types.len() == N);
    let mut out = [wasmi::ValType::I32; N];
    let mut i = 0;
    while i < N {
        out[i] = match types[i] {
            ValType::I32 => wasmi::ValType::I32,
            ValType::I64 => wasmi::ValType::I64,
        };
        i += 1;
    }
    out
}

/// Rows `$i` of a spec signature table (`rvf_spec::sandbox::Signature`s),
/// with wasmi's value types, built at compile time.
macro_rules! wasmi_signatures {
    ($table:path; $($i:literal),* $(,)?) => {
        [$((
            $table[$i].0,
            &$crate::host::val_types::<{ $table[$i].1.len() }>($table[$i].1),
            &$crate::host::val_types::<{ $table[$i].2.len() }>($table[$i].2),
        )),*]
    };
}
pub(crate) use wasmi_signatures;

/// Imports the ABI allows: (name, params, results) in wasm value types,
/// from the spec (`rvf_spec::sandbox::IMPORTS`; its length is this
/// table's, so a row left out does not build).
pub const IMPORTS: [(&str, &[wasmi::ValType], &[wasmi::ValType]); sandbox::IMPORTS.len()] =
    wasmi_signatures!(sandbox::IMPORTS; 0, 1, 2, 3);

fn memory(caller: &Caller<'_, HostState<'_>>) -> Option<Memory> {
    match caller.data().memory {
        Some(m) => Some(m),
        None => caller
            .get_export(export::MEMORY)
            .and_then(Extern::into_memory),
    }
}

fn write(caller: &mut Caller<'_, HostState<'_>>, dst: u32, bytes: &[u8]) -> bool {
    let Some(mem) = memory(caller) else {
        return false;
    };
    let ok = mem.write(&mut *caller, dst as usize, bytes).is_ok();
    if ok {
        caller.data_mut().stats.bytes_served += bytes.len() as u64;
    }
    ok
}

fn refuse<T>(caller: &mut Caller<'_, HostState<'_>>, code: T) -> T {
    caller.data_mut().stats.refused += 1;
    code
}

/// Register the four `rvf` functions (`rvf_spec::sandbox::IMPORTS`).
pub fn define(linker: &mut Linker<HostState<'_>>) -> Result<(), wasmi::Error> {
    linker.func_wrap(
        IMPORT_MODULE,
        import::INFO,
        |mut caller: Caller<'_, HostState<'_>>, key: u32| -> i64 {
            caller.data_mut().stats.calls += 1;
            use rvf_spec::source::DataSource;
            let mut src = caller.data().source;
            src.info(key)
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        import::READ,
        |mut caller: Caller<'_, HostState<'_>>, array: u32, off: u64, len: u32, dst: u32| -> i32 {
            caller.data_mut().stats.calls += 1;
            let src = caller.data().source;
            // The whole range must exist in the array and fit in guest
            // memory before anything is written (never a partial read).
            let fits = memory(&caller).is_some_and(|m| {
                (dst as usize)
                    .checked_add(len as usize)
                    .is_some_and(|end| end <= m.data_size(&caller))
            });
            if src.range(array, off, len as u64).is_none() || !fits {
                return refuse(&mut caller, status::HOST_READ);
            }
            // Verify the array's segment before the first bulk read of it.
            let bit = 1u32 << (array.min(31));
            if caller.data().checked & bit == 0 {
                let ok = match caller.data_mut().bulk_check.as_mut() {
                    Some(check) => check(array),
                    None => true,
                };
                if !ok {
                    return refuse(&mut caller, status::HOST_READ);
                }
                caller.data_mut().checked |= bit;
            }
            let mut at = dst;
            for piece in src.range(array, off, len as u64).into_iter().flatten() {
                if !write(&mut caller, at, piece) {
                    return refuse(&mut caller, status::HOST_READ);
                }
                at = at.wrapping_add(piece.len() as u32);
            }
            status::OK
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        import::ROW,
        |mut caller: Caller<'_, HostState<'_>>,
         set: u32,
         u: u32,
         cols: u32,
         vals: u32,
         cap: u32|
         -> i64 {
            caller.data_mut().stats.calls += 1;
            let src = caller.data().source;
            let (c, v) = match src.row_bytes(set, u) {
                Ok(x) => x,
                Err(e) => return refuse(&mut caller, e as i64),
            };
            let n = c.len() / 4;
            if n > cap as usize {
                return n as i64;
            }
            caller.data_mut().stats.rows_served += 1;
            src.prefetch_pointers(c);
            if !write(&mut caller, cols, c) || (vals != 0 && !write(&mut caller, vals, v)) {
                return refuse(&mut caller, status::HOST_READ as i64);
            }
            n as i64
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        import::DEGREES,
        |mut caller: Caller<'_, HostState<'_>>, set: u32, ids: u32, n: u32, out: u32| -> i32 {
            caller.data_mut().stats.calls += 1;
            if n > limits::MAX_DEGREE_IDS {
                return refuse(&mut caller, status::BAD_PARAMS);
            }
            let Some(mem) = memory(&caller) else {
                return refuse(&mut caller, status::HOST_READ);
            };
            // Both ranges must lie in guest memory; the degrees are then
            // looked up and written in place, with no host allocation.
            let (data, state) = mem.data_and_store_mut(&mut caller);
            let len = n as usize * 4;
            let in_bounds = |at: u32| {
                (at as usize)
                    .checked_add(len)
                    .is_some_and(|end| end <= data.len())
            };
            if !in_bounds(ids) || !in_bounds(out) {
                state.stats.refused += 1;
                return status::HOST_READ;
            }
            let src = state.source;
            // Every id is read before any degree is written, even when a
            // guest passes overlapping ranges (then from a copy).
            let (ids_at, copy);
            if (ids as usize) < out as usize + len && (out as usize) < ids as usize + len {
                copy = data[ids as usize..ids as usize + len].to_vec();
                ids_at = None;
            } else {
                copy = alloc::vec::Vec::new();
                ids_at = Some(ids as usize);
            }
            for k in 0..n as usize {
                let id = match ids_at {
                    Some(base) => &data[base + 4 * k..base + 4 * k + 4],
                    None => &copy[4 * k..4 * k + 4],
                };
                let id = u32::from_le_bytes([id[0], id[1], id[2], id[3]]);
                match src.degree(set, id) {
                    Ok(d) => {
                        let to = out as usize + 4 * k;
                        data[to..to + 4].copy_from_slice(&d.to_le_bytes());
                    }
                    Err(e) => {
                        state.stats.refused += 1;
                        return e;
                    }
                }
            }
            state.stats.bytes_served += len as u64;
            status::OK
        },
    )?;
    Ok(())
}
