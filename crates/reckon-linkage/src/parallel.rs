//! Work split over the machine's cores in consecutive ranges, results in order.

/// Threads to use: the machine's cores.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// A scoped thread's result, or its panic passed on.
pub(crate) fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `work(start, range)` on `threads` consecutive ranges of `items` at once, `start` being
/// the range's first index; the results in range order.
pub(crate) fn over_ranges<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(part, range)| scope.spawn(move || work(part * chunk, range)))
            .collect();
        handles.into_iter().map(join).collect()
    })
}
