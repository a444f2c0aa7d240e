//! Background work that must not delay requests runs at a lower CPU priority.

/// Lowers the calling thread's CPU priority to `niceness` (0 is the default, 19 the lowest):
/// when the cores are contended, the scheduler gives request threads the CPU whenever they
/// want it and this thread the rest, so on an idle machine the work is as fast as before.
/// On Linux the niceness is per thread (setpriority(2), NPTL), and threads this one starts
/// inherit it.
#[allow(unsafe_code)]
pub fn yield_to_requests(niceness: i32) {
    // SAFETY: setpriority takes no pointers; `who` 0 is the calling thread.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, niceness) };
}
