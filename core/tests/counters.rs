//! The attach and detach counters are kept per thread (so the hot path shares nothing
//! between cores) and summed when read: what threads counted is all there after they exit,
//! and a reset starts every thread's count from zero. One test, alone in its process, so
//! no other test counts meanwhile.

use ctxbridge_core::scope::{reset_stats, stats};
use ctxbridge_core::{attach, capture, detach};

#[test]
fn threads_count_alone_and_every_count_is_read() {
    reset_stats();
    let cycles = 1_000;
    let workers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..cycles {
                    let token = attach(capture());
                    detach(&token).expect("in order");
                }
            })
        })
        .collect();
    // Counted while the threads run, and after they exit.
    let running = stats();
    for worker in workers {
        worker.join().unwrap();
    }
    let done = stats();
    assert!(running.attached <= done.attached);
    assert_eq!(done.attached, 4 * cycles);
    assert_eq!(done.detached, 4 * cycles);

    // A reset starts from zero for the threads that exited and for this one.
    reset_stats();
    assert_eq!(stats().attached, 0);
    let token = attach(capture());
    detach(&token).expect("in order");
    assert_eq!((stats().attached, stats().detached), (1, 1));
}
