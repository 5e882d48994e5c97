//! The loaded registry's heap footprint, measured with a counting allocator.
//!
//! This counts bytes, not time, so it is deterministic. The only `unsafe` in
//! the project is here: a global allocator must be declared `unsafe impl`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter only observes the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the pointer came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn the_loaded_registry_holds_under_5_mb() {
    let before = LIVE.load(Ordering::Relaxed);
    let loaded = minewatch_registry::load_embedded().expect("data/ loads");
    let after = LIVE.load(Ordering::Relaxed);
    let bytes = after.saturating_sub(before);
    println!("loaded registry: {bytes} bytes on the heap");
    assert!(bytes < 5 * 1024 * 1024, "{bytes} bytes");
    assert_eq!(loaded.registry.current_states().count(), 197);
}
