// One direction of a faulted link at the socket edge: every line this node writes to one peer (on its link,
// and in its replies on the peer's link) passes here. Lines that must wait are held in order under one
// timer, within the link's queue bounds; the fault can change or be cleared at any time (cleared: what
// waits leaves at once; down: what waits is dropped).

import type { LinkFault } from '../../protocol/fault-spec.js';
import { newShapingState, planLine } from './shaping.js';

export interface ShapedOutputOptions {
  random: () => number;
  now: () => number;
  /** Most lines and bytes waiting; beyond it a line is dropped like one from a full queue. */
  maxLines: number;
  maxBytes: number;
  /** A line was lost to the fault, or dropped because too much waits. */
  onDrop(reason: 'lost' | 'overflow'): void;
}

interface Waiting {
  leavesMs: number;
  line: string;
  deliver: (line: string) => void;
}

export class ShapedOutput {
  private readonly state = newShapingState();
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private fault: LinkFault,
    private readonly options: ShapedOutputOptions,
  ) {}

  get current(): LinkFault {
    return this.fault;
  }

  /** Lines waiting to leave. */
  get queued(): number {
    return this.waiting.length;
  }

  send(line: string, deliver: (line: string) => void): void {
    const now = this.options.now();
    const bytes = Buffer.byteLength(line);
    const leavesMs = planLine(this.fault, this.state, bytes, now, this.options.random);
    if (leavesMs === undefined) this.options.onDrop('lost');
    else if (leavesMs <= now && this.waiting.length === 0) deliver(line);
    else if (
      this.waiting.length >= this.options.maxLines ||
      this.waitingBytes + bytes > this.options.maxBytes
    )
      this.options.onDrop('overflow');
    else this.hold({ leavesMs, line, deliver }, bytes);
  }

  private hold(entry: Waiting, bytes: number): void {
    this.waiting.push(entry);
    this.waitingBytes += bytes;
    if (this.waiting.length === 1) this.schedule();
  }

  setFault(fault: LinkFault): void {
    this.fault = fault;
    if (fault.down) this.dropWaiting();
    else {
      // What waits leaves on the new terms' clock from now: no sooner than the new delay allows.
      for (const entry of this.waiting)
        entry.leavesMs = Math.min(entry.leavesMs, this.options.now() + fault.delayMs);
      this.release();
    }
  }

  close(): void {
    this.dropWaiting();
  }

  private dropWaiting(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = [];
    this.waitingBytes = 0;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const head = this.waiting[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => this.release(), Math.max(0, head.leavesMs - this.options.now()));
  }

  private release(): void {
    const now = this.options.now();
    let due = 0;
    while (due < this.waiting.length && (this.waiting[due]?.leavesMs ?? Number.POSITIVE_INFINITY) <= now)
      due += 1;
    const leaving = this.waiting.splice(0, due);
    for (const entry of leaving) {
      this.waitingBytes -= Buffer.byteLength(entry.line);
      entry.deliver(entry.line);
    }
    this.schedule();
  }
}
