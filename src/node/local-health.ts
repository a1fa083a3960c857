// Local health, after Lifeguard (Dadgar et al., 2018; memberlist's "awareness"): a node whose own timers run
// late is short of CPU, and its peers, on the same machine or under the same load, likely are too. Their
// silence is then no proof of failure, so the timeouts that judge them stretch while this node is slow, and
// shrink back once its timers run on time again. Pure: the tick at the edge feeds it times.

/** A tick this much later than due counts as a sign of local trouble. */
const LATE_MS = 50;
/** Highest score: timeouts stretch to (1 + MAX_SCORE) times their setting. */
export const MAX_SCORE = 8;
/** On-time ticks in a row that take one point off the score. */
const RECOVERY_TICKS = 10;

export class LocalHealth {
  private score = 0;
  private onTime = 0;
  private lastMs: number | undefined;

  constructor(private readonly tickMs: number) {}

  /** A tick ran at `nowMs`. */
  observe(nowMs: number): void {
    const late = this.lastMs === undefined ? 0 : nowMs - this.lastMs - this.tickMs;
    this.lastMs = nowMs;
    if (late > LATE_MS) {
      // A point per LATE_MS * 4 of lateness: a load that arrives at once stretches the timeouts at once.
      this.score = Math.min(MAX_SCORE, this.score + Math.ceil(late / (LATE_MS * 4)));
      this.onTime = 0;
    } else if (this.score > 0 && ++this.onTime >= RECOVERY_TICKS) {
      this.score -= 1;
      this.onTime = 0;
    }
  }

  /** What failure timeouts are multiplied by now: 1 while healthy. */
  get multiplier(): number {
    return 1 + this.score;
  }
}
