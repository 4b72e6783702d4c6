//! A million attach/detach and capture/run cycles leave no memory behind.
//! Live heap bytes are counted by a wrapping allocator: a count, not a timing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

use ctxbridge_core::{attach, capture, detach, run_in, Baggage, Snapshot};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Only the measuring thread's allocations count: the test harness's own threads
    /// allocate whenever they like.
    static MEASURED: Cell<bool> = const { Cell::new(false) };
}

fn counts() -> bool {
    MEASURED.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counts() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counts() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const CYCLES: usize = 1_000_000;

#[test]
fn cycles_leave_live_heap_flat() {
    // One thread runs everything, so other tests' threads cannot move the count.
    std::thread::spawn(|| {
        MEASURED.with(|measured| measured.set(true));
        let mut baggage = Baggage::default();
        baggage.insert("tenant.id", "acme").unwrap();
        let snapshot = Snapshot::new(None, baggage);
        // Warm up thread-locals and the diagnostics before measuring.
        detach(&attach(snapshot.clone())).unwrap();
        run_in(&capture(), || ());
        let start = LIVE.load(Ordering::Relaxed);
        for _ in 0..CYCLES {
            let token = attach(snapshot.clone());
            detach(&token).unwrap();
        }
        let after_attach = LIVE.load(Ordering::Relaxed);
        for _ in 0..CYCLES {
            let captured = capture();
            run_in(&captured, || ());
        }
        let after_run = LIVE.load(Ordering::Relaxed);
        assert_eq!(after_attach - start, 0, "attach/detach left bytes live");
        assert_eq!(after_run - start, 0, "capture/run_in left bytes live");
    })
    .join()
    .unwrap();
}
