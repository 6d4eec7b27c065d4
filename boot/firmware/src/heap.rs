//! RAM accounting: a global allocator that wraps embedded-alloc's
//! linked-list heap and keeps the live total, its high-water mark and the
//! largest block; and stack painting (fill the unused stack with a pattern
//! at start, find the deepest overwritten word later).
//!
//! Layout (from memory.x): RAM = .data + .bss | heap | stack (`_fw_stack_size`
//! bytes below `_stack_start`).

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use embedded_alloc::LlffHeap;

pub struct Tracking {
    heap: LlffHeap,
    live: AtomicUsize,
    peak: AtomicUsize,
    largest: AtomicUsize,
    failed: AtomicUsize,
}

#[global_allocator]
static HEAP: Tracking = Tracking {
    heap: LlffHeap::empty(),
    live: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
    largest: AtomicUsize::new(0),
    failed: AtomicUsize::new(0),
};

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { self.heap.alloc(layout) };
        if p.is_null() {
            self.failed.fetch_add(1, Relaxed);
        } else {
            let live = self.live.load(Relaxed) + layout.size();
            self.live.store(live, Relaxed);
            self.peak.fetch_max(live, Relaxed);
            self.largest.fetch_max(layout.size(), Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { self.heap.dealloc(ptr, layout) };
        self.live.fetch_sub(layout.size(), Relaxed);
    }
    // `realloc` keeps the default (alloc, copy, free), so a growing
    // vector's old and new blocks both count towards the peak, as they
    // both occupy the heap at that moment.
}

/// Heap figures at one moment.
#[derive(Clone, Copy, Debug)]
pub struct HeapStats {
    pub live: usize,
    pub peak: usize,
    pub largest: usize,
    pub failed: usize,
}

pub fn stats() -> HeapStats {
    HeapStats {
        live: HEAP.live.load(Relaxed),
        peak: HEAP.peak.load(Relaxed),
        largest: HEAP.largest.load(Relaxed),
        failed: HEAP.failed.load(Relaxed),
    }
}

/// Start a new measuring window: the peak and the largest block restart
/// from what is live now.
pub fn reset_peak() {
    HEAP.peak.store(HEAP.live.load(Relaxed), Relaxed);
    HEAP.largest.store(0, Relaxed);
}

extern "C" {
    static __sheap: u8;
    static _stack_start: u8;
    static _fw_stack_size: u8;
}

const PAINT: u32 = 0xC0DE_57AC;

/// The RAM layout the linker produced.
#[derive(Clone, Copy, Debug)]
pub struct RamLayout {
    /// All RAM given to the firmware (`FW_RAM`).
    pub ram: usize,
    /// `.data` and `.bss`, from the start of RAM to the heap.
    pub static_bytes: usize,
    pub heap_start: usize,
    pub heap_size: usize,
    pub stack_bottom: usize,
    pub stack_top: usize,
}

const RAM: usize = {
    let b = env!("FW_RAM_BYTES").as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        n = n * 10 + (b[i] - b'0') as usize;
        i += 1;
    }
    n
};

/// Heap bytes not allocated now.
pub fn free() -> usize {
    layout().heap_size - stats().live
}

pub fn layout() -> RamLayout {
    // SAFETY: linker symbols; only their addresses are used.
    let (sheap, top, size) = unsafe {
        (
            &__sheap as *const u8 as usize,
            &_stack_start as *const u8 as usize,
            &_fw_stack_size as *const u8 as usize,
        )
    };
    let bottom = (top - size) & !7;
    RamLayout {
        ram: RAM,
        static_bytes: sheap - (top - RAM),
        heap_start: sheap,
        heap_size: bottom.saturating_sub(sheap),
        stack_bottom: bottom,
        stack_top: top,
    }
}

/// Give the heap its memory and paint the unused stack. Call once, first.
pub fn init() {
    let l = layout();
    // SAFETY: the region between .bss and the stack is ours and unused.
    unsafe { HEAP.heap.init(l.heap_start, l.heap_size) };
    let sp = crate::platform::stack_pointer();
    let mut p = l.stack_bottom;
    // Leave a margin below the current frame.
    while p + 4 <= sp.saturating_sub(256) {
        // SAFETY: unused stack memory, below every live frame.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Deepest stack use so far in bytes (the stack grows down from
/// `stack_top`), and whether the paint at the very bottom was overwritten
/// (the stack may then have run into the heap).
pub fn stack_used() -> (usize, bool) {
    let l = layout();
    let mut p = l.stack_bottom;
    // SAFETY: reads the painted region.
    while p < l.stack_top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    (l.stack_top - p, p == l.stack_bottom)
}
