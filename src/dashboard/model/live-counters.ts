// The dashboard's live counters: messages submitted per second (sliding window), relay lines per message,
// and the last-delivery hop of the newest message. Pure: fed with events, read with a clock value.

import type { FeedEvent } from './feed-events.js';
import type { MessageIndex, MessageSummary } from './message-index.js';

/** Messages per second are counted over this window. */
export const RATE_WINDOW_MS = 10_000;
/** Relays per message average over this many recent messages whose spread is over. */
const RELAY_SAMPLE = 20;
/** A message this old has finished spreading (for the relay average). */
const SETTLED_AFTER_MS = 1_000;

export interface CounterValues {
  messagesPerSecond: number;
  /** Relay lines sent per message, over recent settled messages; undefined before any. */
  relaysPerMessage: number | undefined;
  /** The newest message: how far and how long its last first delivery took. */
  newest: Pick<MessageSummary, 'id' | 'text' | 'reached' | 'last'> | undefined;
}

export class LiveCounters {
  /** Submission times inside the window, oldest first. */
  private readonly accepted: number[] = [];

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  observe(event: FeedEvent): void {
    if (event.event !== 'message.accepted') return;
    this.accepted.push(event.atMs);
    // Events from different nodes may arrive slightly out of order; keep the window sorted.
    for (let i = this.accepted.length - 1; i > 0 && (this.accepted[i - 1] ?? 0) > event.atMs; i -= 1) {
      this.accepted[i] = this.accepted[i - 1] as number;
      this.accepted[i - 1] = event.atMs;
    }
  }

  values(nowMs: number, index: MessageIndex): CounterValues {
    let expired = 0;
    while ((this.accepted[expired] ?? Number.POSITIVE_INFINITY) < nowMs - this.windowMs) expired += 1;
    this.accepted.splice(0, expired);
    const recent = index.recent(RELAY_SAMPLE * 4);
    const settled = recent.filter((message) => nowMs - message.submittedAtMs >= SETTLED_AFTER_MS);
    const sample = (settled.length > 0 ? settled : recent).slice(0, RELAY_SAMPLE);
    const newest = recent[0];
    return {
      messagesPerSecond: this.accepted.length / (this.windowMs / 1000),
      relaysPerMessage:
        sample.length === 0
          ? undefined
          : sample.reduce((sum, message) => sum + message.relayLines, 0) / sample.length,
      newest:
        newest === undefined
          ? undefined
          : { id: newest.id, text: newest.text, reached: newest.reached, last: newest.last },
    };
  }
}
