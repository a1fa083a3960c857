// Plays a message's replay: a position in ms after submission that advances with the clock (scaled: one
// ms of gossip lasts `scale` ms on screen), or moves one step at a time. The ordering of steps and the
// frame at a position come from the pure replay core.

import { fitScale, type ReplayStep, replaySteps, stepsDoneAt } from '../../propagation/replay.js';
import type { Arrival } from '../../propagation/tree.js';

/** "Fit" plays the whole spread in this long. */
export const FIT_PLAYBACK_MS = 4_000;

export interface PlayerState {
  steps: readonly ReplayStep[];
  /** Steps taken so far (the frame shows the first `done`). */
  done: number;
  positionMs: number;
  spanMs: number;
  playing: boolean;
}

export class ReplayPlayer {
  private steps: ReplayStep[] = [];
  private done = 0;
  private positionMs = 0;
  private playing = false;
  private speed: number | 'fit' = 'fit';
  private lastTick: number | undefined;

  constructor(private readonly changed: (state: PlayerState) => void) {}

  /** A new message: its steps from the start (the submission shown), playing if asked. */
  load(arrivals: readonly Arrival[], submittedAtMs: number, play: boolean): void {
    this.steps = replaySteps(arrivals, submittedAtMs);
    this.positionMs = 0;
    this.done = stepsDoneAt(this.steps, 0);
    this.playing = false;
    if (play) this.play();
    else this.emit();
  }

  /** More arrivals of the same message came in (it is still spreading): keep the position. */
  update(arrivals: readonly Arrival[], submittedAtMs: number): void {
    const atEnd = !this.playing && this.done === this.steps.length;
    this.steps = replaySteps(arrivals, submittedAtMs);
    this.done = atEnd
      ? this.steps.length
      : Math.min(stepsDoneAt(this.steps, this.positionMs), this.steps.length);
    if (atEnd) this.positionMs = this.span();
    this.emit();
  }

  play(): void {
    if (this.steps.length === 0) return;
    if (this.done >= this.steps.length) {
      this.positionMs = 0;
      this.done = stepsDoneAt(this.steps, 0);
    }
    this.playing = true;
    this.lastTick = undefined;
    requestAnimationFrame((now) => this.tick(now));
    this.emit();
  }

  pause(): void {
    this.playing = false;
    this.emit();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  stepForward(): void {
    this.playing = false;
    this.jumpTo(Math.min(this.done + 1, this.steps.length));
  }

  stepBack(): void {
    this.playing = false;
    this.jumpTo(Math.max(this.done - 1, 0));
  }

  restart(): void {
    this.playing = false;
    this.jumpTo(stepsDoneAt(this.steps, 0));
  }

  end(): void {
    this.playing = false;
    this.jumpTo(this.steps.length);
  }

  /** Moves to a moment of the spread (the position slider). */
  seek(positionMs: number): void {
    this.positionMs = Math.max(0, Math.min(positionMs, this.span()));
    this.done = stepsDoneAt(this.steps, this.positionMs);
    this.emit();
  }

  setSpeed(speed: number | 'fit'): void {
    this.speed = speed;
  }

  state(): PlayerState {
    return {
      steps: this.steps,
      done: this.done,
      positionMs: this.positionMs,
      spanMs: this.span(),
      playing: this.playing,
    };
  }

  private jumpTo(done: number): void {
    this.done = done;
    this.positionMs = done === 0 ? 0 : (this.steps[done - 1]?.afterMs ?? 0);
    this.emit();
  }

  private tick(now: number): void {
    if (!this.playing) return;
    if (this.lastTick !== undefined) {
      const scale = this.speed === 'fit' ? fitScale(this.steps, FIT_PLAYBACK_MS) : this.speed;
      this.positionMs += (now - this.lastTick) / scale;
    }
    this.lastTick = now;
    const done = stepsDoneAt(this.steps, this.positionMs);
    const finished = this.positionMs >= this.span();
    if (finished) {
      this.positionMs = this.span();
      this.playing = false;
    }
    this.done = done;
    this.emit();
    if (this.playing) requestAnimationFrame((next) => this.tick(next));
  }

  private span(): number {
    return this.steps[this.steps.length - 1]?.afterMs ?? 0;
  }

  private emit(): void {
    this.changed(this.state());
  }
}
