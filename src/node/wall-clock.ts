// A node's clock: ms since the epoch with sub-millisecond resolution, read as the monotonic clock plus an
// epoch offset. Node's `performance.timeOrigin` is that offset, read from two clocks at process start; a process
// preempted between the two reads keeps the skew for life, and many nodes starting at once on a few cores do get
// preempted: one of 40 processes started together on the 2-core development machine had a timeOrigin 74.5 ms
// late, which put every arrival it recorded 74.5 ms late (docs/BENCHMARKS.md). So the offset is checked
// against Date.now() when first read, and replaced when they disagree.

/** Readings of Date.now() - performance.now() taken to check the offset (a few microseconds, no hot loop). */
const SAMPLES = 16;

/**
 * The epoch time, in ms, at which performance.now() was 0: `origin` (performance.timeOrigin) when Date.now()
 * agrees with it, else Date.now()'s own estimate, within half a ms. Date.now() is read first and floored to the
 * ms, and a preemption between the two reads only makes a sample smaller: the largest sample is at most the
 * true offset and, unless every sample was preempted, at most a ms below it.
 */
export function measureClockOffset(origin = performance.timeOrigin): number {
  let floor = Number.NEGATIVE_INFINITY;
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const wall = Date.now();
    const monotonic = performance.now();
    if (wall - monotonic > floor) floor = wall - monotonic;
  }
  const agrees = origin >= floor - 0.05 && origin <= floor + 1.05;
  return agrees ? origin : floor + 0.5;
}

let offset: number | undefined;

/** Now, in ms since the epoch: monotonic between readings; the offset is checked once per process. */
export function wallClock(): number {
  offset ??= measureClockOffset();
  return offset + performance.now();
}
