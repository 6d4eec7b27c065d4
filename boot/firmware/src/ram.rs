//! RAM of one job: the heap per phase (file, selection, run), the guest
//! memory, the deepest stack, and the cap on guest memory the heap can
//! honour. The last line (`RAM key=value ...`) is for scripts.

use crate::heap;

const PAGE: usize = 65536;

/// Heap a run takes besides guest memory: the store and instance, wasmi's
/// value and call stacks (≈ 7 KiB measured), the input and result copies.
pub const RUN_MARGIN: usize = 24 << 10;

/// First estimate of an eagerly compiled module's heap per byte of its
/// WASM segment (measured on the solver kernels: 5.0, and 3.2 with
/// `indirect-dispatch`); checked after selection (see `job::prepare`).
pub const COMPILED_PER_WASM_BYTE: usize = if cfg!(feature = "indirect-dispatch") {
    3
} else {
    5
};

/// The largest guest-memory cap (whole pages) a heap with `free` bytes can
/// honour. wasmi keeps linear memory in one `Vec` and grows it with
/// `try_reserve`, which at least doubles the capacity, so growing from
/// C−1 to C pages holds the old block (C−1) and the new one (2C−2) at
/// once: 3C−3 pages. Instantiating takes C. A cap above this would let
/// the allocator fail first, and wasmi then answers `memory.grow` with −1
/// instead of stopping the module at the cap.
pub fn safe_memory_cap(free: usize) -> u64 {
    let pages = free.saturating_sub(RUN_MARGIN) / PAGE;
    (pages.min((pages + 3) / 3) * PAGE) as u64
}

/// Heap figures of one job, phase by phase.
pub struct Phases {
    start_live: usize,
    file: usize,
    open_peak: usize,
    select_peak: usize,
    after_select: usize,
    run_peak: usize,
    guest_memory: usize,
    /// How far the job got: 1 opened, 2 selected, 3 ran.
    reached: u8,
}

impl Phases {
    pub fn start() -> Phases {
        heap::reset_peak();
        Phases {
            start_live: heap::stats().live,
            file: 0,
            open_peak: 0,
            select_peak: 0,
            after_select: 0,
            run_peak: 0,
            guest_memory: 0,
            reached: 0,
        }
    }
    /// The file is read and parsed.
    pub fn opened(&mut self) {
        let s = heap::stats();
        self.file = s.live - self.start_live;
        self.open_peak = s.peak;
        self.reached = 1;
    }
    /// Selection ended in a refusal with this heap peak.
    pub fn selected_peak(&mut self, peak: usize) {
        self.select_peak = peak;
        self.reached = 2;
    }
    /// The solver is selected and compiled (`job::prepare` starts the window).
    pub fn selected(&mut self) {
        let s = heap::stats();
        self.select_peak = s.peak;
        self.after_select = s.live;
        self.reached = 2;
    }
    pub fn run_starts(&mut self) {
        heap::reset_peak();
    }
    /// The run ended (`executed`: the module was instantiated); its
    /// largest block is then the guest's linear memory.
    pub fn ran(&mut self, executed: bool) {
        let s = heap::stats();
        self.run_peak = s.peak;
        if executed {
            self.guest_memory = s.largest;
            self.reached = 3;
        }
    }
    pub fn peak(&self) -> usize {
        self.open_peak.max(self.select_peak).max(self.run_peak)
    }
}

pub fn report(p: &Phases) {
    let l = heap::layout();
    let (stack, overflow) = heap::stack_used();
    let now = heap::stats();
    use core::fmt::Write;
    let mut line = alloc::string::String::new();
    let _ = write!(line, "  heap: file {} B", p.file);
    match p.reached {
        0 | 1 => {}
        2 => {
            let _ = write!(line, " | selection peak {} B", p.select_peak);
        }
        _ => {
            let _ = write!(
                line,
                " | selection peak {} B, then {} B | run peak {} B",
                p.select_peak, p.after_select, p.run_peak
            );
        }
    }
    println!(
        "{line} | job peak {} B | {} B live after, {} failed allocations",
        p.peak(),
        now.live,
        now.failed
    );
    if p.reached == 3 {
        println!(
            "  guest memory {} B (the run's largest heap block: wasmi's linear memory)",
            p.guest_memory
        );
    }
    println!(
        "  stack deepest {stack} B of {} B{}",
        l.stack_top - l.stack_bottom,
        if overflow {
            " (OVERFLOWED into the heap)"
        } else {
            ""
        }
    );
    println!(
        "RAM heap_peak={} file={} select_peak={} run_peak={} guest_memory={} stack={} static={} total={} ram={}",
        p.peak(),
        p.file,
        p.select_peak,
        p.run_peak,
        p.guest_memory,
        stack,
        l.static_bytes,
        l.static_bytes + p.peak() + stack,
        l.ram
    );
}
