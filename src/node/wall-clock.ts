// A node's clock: ms since the epoch with sub-millisecond resolution, read as the monotonic clock plus an
// offset measured when the node starts. Not `performance.timeOrigin`: Node reads it from two clocks at process
// start, and a process preempted between the two reads keeps the skew for life. Many nodes starting at once on
// a few cores do get preempted: one of 40 processes started together on the 2-core development machine had a
// timeOrigin 74.5 ms late, which put every arrival it recorded 74.5 ms late (docs/BENCHMARKS.md).

/** How long measureClockOffset samples: at least one tick of Date.now(), with room for a preemption. */
const SAMPLE_MS = 3;

/**
 * The epoch time, in ms, at which performance.now() was 0: the largest Date.now() - performance.now() over a
 * few ms. Date.now() is read first and is floored to the ms, and a preemption between the two reads only makes
 * a sample smaller; so no sample is above the true offset, and those taken just after Date.now() ticks are
 * within microseconds of it.
 */
export function measureClockOffset(sampleMs = SAMPLE_MS): number {
  let best = Number.NEGATIVE_INFINITY;
  const end = performance.now() + sampleMs;
  for (;;) {
    const wall = Date.now();
    const monotonic = performance.now();
    if (wall - monotonic > best) best = wall - monotonic;
    if (monotonic >= end) return best;
  }
}

let offset: number | undefined;

/** Now, in ms since the epoch: monotonic between readings; the offset is measured once per process. */
export function wallClock(): number {
  offset ??= measureClockOffset();
  return offset + performance.now();
}
