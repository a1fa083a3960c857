// Digests for pull and exchange rounds: a node names what it holds by a short hash of each message id, and
// its partner answers with what is missing. Lamport clock arithmetic lives here too (both are pure).

import { MAX_DIGEST_ENTRIES } from '../../protocol/message-requests.js';

/** An 8-hex-digit FNV-1a hash of a message id (32 bits: a collision only hides a message from one digest). */
export function digestEntry(id: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The digest a node sends: its most recent entries, at most MAX_DIGEST_ENTRIES. */
export function digestOf(entries: readonly string[]): readonly string[] {
  return entries.length <= MAX_DIGEST_ENTRIES ? entries : entries.slice(-MAX_DIGEST_ENTRIES);
}

/** The entries of `theirs` that `held` does not contain: what the partner has and we lack. */
export function lacking(theirs: readonly string[], held: { has(entry: string): boolean }): string[] {
  return theirs.filter((entry) => !held.has(entry));
}

/** Lamport: a local event (a submission) ticks the clock. */
export function tickClock(clock: number): number {
  return clock + 1;
}

/** Lamport: receiving a message stamped `received` moves the clock past it. */
export function mergeClock(clock: number, received: number): number {
  return Math.max(clock, received) + 1;
}
