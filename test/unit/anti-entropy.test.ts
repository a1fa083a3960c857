import { describe, expect, it } from 'vitest';
import {
  ANTI_ENTROPY_INTERVAL_MS,
  ANTI_ENTROPY_MAX_INTERVAL_MS,
  buildSyncPage,
  nextSyncInterval,
  SYNC_PAGE_BYTES,
  SYNC_PAGE_MESSAGES,
} from '../../src/node/anti-entropy.js';
import { arrivalOf } from '../../src/node/arrival.js';
import { MessageStore } from '../../src/node/message-store.js';

const BASE_NS = 1_795_426_696_500_612_060n;
const SELF = { id: 4, epoch: 1_700_000_000_000 };

/** Fills a store with `count` messages m<i>_<ns>, ns increasing, first path [origin, ..., 4]. */
function fill(count: number, text = (i: number) => `m${i}`): MessageStore {
  const store = new MessageStore();
  for (let i = 0; i < count; i += 1) {
    const originNs = BASE_NS + BigInt(i);
    const origin = 1 + (i % 3);
    store.add(
      { id: `${text(i)}_${originNs}`, origin, relays: 1 + (i % 2) },
      arrivalOf([origin, 7, SELF.id], 1_000 + i, 'relay'),
    );
  }
  return store;
}

const page = (
  store: MessageStore,
  from: number,
  {
    epoch = SELF.epoch,
    requester = undefined as number | undefined,
    helloSeq = undefined as number | undefined,
  } = {},
) => buildSyncPage(store, { from, epoch, requester, helloSeq }, SELF);

/** Records that `peer` relayed message `id` to us. */
function relayedBy(store: MessageStore, id: string, peer: number): void {
  store.get(id)?.counts.addArrival(peer);
}

describe('buildSyncPage', () => {
  it('serves everything from 0 in arrival order, with first path and relays', () => {
    const store = fill(3);
    // A later path must not replace the first one in the page.
    const first = store.get(`m0_${BASE_NS}`);
    if (first !== undefined) store.addPath(first, arrivalOf([9, SELF.id], 5_000, 'relay'));
    expect(page(store, 0)).toEqual({
      node: SELF.id,
      epoch: SELF.epoch,
      next: 3,
      more: false,
      messages: [
        { id: `m0_${BASE_NS}`, relays: 1, path: [1, 7, 4] },
        { id: `m1_${BASE_NS + 1n}`, relays: 2, path: [2, 7, 4] },
        { id: `m2_${BASE_NS + 2n}`, relays: 1, path: [3, 7, 4] },
      ],
    });
  });

  it('serves only what follows the cursor', () => {
    const reply = page(fill(5), 3);
    expect(reply.messages.map((m) => m.id)).toEqual([`m3_${BASE_NS + 3n}`, `m4_${BASE_NS + 4n}`]);
    expect(reply.next).toBe(5);
    expect(reply.more).toBe(false);
  });

  it('pages a long store: every message exactly once, in order', () => {
    const total = SYNC_PAGE_MESSAGES * 2 + 37;
    const store = fill(total);
    const seen: string[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const reply = page(store, cursor);
      pages += 1;
      expect(reply.messages.length).toBeLessThanOrEqual(SYNC_PAGE_MESSAGES);
      expect(reply.next).toBe(cursor + reply.messages.length);
      seen.push(...reply.messages.map((m) => m.id));
      cursor = reply.next;
      if (!reply.more) break;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(cursor).toBe(total);
    expect(seen).toEqual(Array.from({ length: total }, (_, seq) => store.at(seq)?.id));
    expect(new Set(seen).size).toBe(total);
  });

  it('restarts from 0 when the cursor belongs to another epoch', () => {
    const reply = page(fill(4), 3, { epoch: SELF.epoch - 1 });
    expect(reply.messages).toHaveLength(4);
    expect(reply.next).toBe(4);
    expect(reply.epoch).toBe(SELF.epoch);
  });

  it('returns nothing, with next = length, for a cursor beyond the end', () => {
    const reply = page(fill(4), 99);
    expect(reply).toEqual({ node: SELF.id, epoch: SELF.epoch, next: 4, more: false, messages: [] });
  });

  it('returns nothing from an empty store', () => {
    expect(page(new MessageStore(), 0)).toMatchObject({ next: 0, more: false, messages: [] });
  });

  it('skips what the requester relayed to us, yet moves next past it', () => {
    const store = fill(4);
    relayedBy(store, `m1_${BASE_NS + 1n}`, 8);
    relayedBy(store, `m3_${BASE_NS + 3n}`, 8);
    relayedBy(store, `m2_${BASE_NS + 2n}`, 5); // from someone else: the requester lacks it
    const reply = page(store, 0, { requester: 8 });
    expect(reply.messages.map((m) => m.id)).toEqual([`m0_${BASE_NS}`, `m2_${BASE_NS + 2n}`]);
    expect(reply.next).toBe(4);
    expect(reply.more).toBe(false);
    // Without a known requester nothing is skipped.
    expect(page(store, 0).messages).toHaveLength(4);
  });

  it('skips messages whose path ran through the requester, but only those that arrived since its HELLO', () => {
    // fill() paths are [origin, 7, 4]: every message passed through node 7.
    const store = fill(4);
    expect(page(store, 0, { requester: 7, helloSeq: 2 }).messages.map((m) => m.id)).toEqual([
      `m0_${BASE_NS}`,
      `m1_${BASE_NS + 1n}`,
    ]);
    // Before its HELLO the requester may have been another life of it (restarted without a journal).
    expect(page(store, 0, { requester: 7 }).messages).toHaveLength(4);
    expect(page(store, 0, { requester: 9, helloSeq: 0 }).messages).toHaveLength(4);
  });

  it('moves next past a tail of skipped messages, so the requester does not ask again', () => {
    const store = fill(3);
    for (let i = 1; i < 3; i += 1) relayedBy(store, `m${i}_${BASE_NS + BigInt(i)}`, 8);
    const reply = page(store, 1, { requester: 8 });
    expect(reply).toMatchObject({ next: 3, more: false, messages: [] });
  });

  it('splits pages of huge ids at the byte cap', () => {
    const big = 'x'.repeat(200_000);
    const store = fill(12, (i) => `${big}${i}`);
    const seen: string[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const reply = page(store, cursor);
      pages += 1;
      const idBytes = reply.messages.reduce((sum, m) => sum + m.id.length, 0);
      // The cap is checked before each message, so a page overshoots by at most one message.
      expect(idBytes).toBeLessThan(SYNC_PAGE_BYTES + 200_100);
      expect(reply.messages.length).toBeGreaterThan(0);
      seen.push(...reply.messages.map((m) => m.id));
      cursor = reply.next;
      if (!reply.more) break;
      expect(pages).toBeLessThan(12);
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(cursor).toBe(12);
  });
});

describe('nextSyncInterval', () => {
  it('doubles after each empty page up to the cap, and drops back to the minimum on news', () => {
    const intervals = [ANTI_ENTROPY_INTERVAL_MS];
    for (let i = 0; i < 6; i += 1) intervals.push(nextSyncInterval(intervals.at(-1) ?? 0, 0, false));
    expect(intervals).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000]);
    expect(ANTI_ENTROPY_MAX_INTERVAL_MS).toBe(8_000);
    expect(nextSyncInterval(8_000, 3, false)).toBe(ANTI_ENTROPY_INTERVAL_MS);
    expect(nextSyncInterval(8_000, 0, true)).toBe(ANTI_ENTROPY_INTERVAL_MS);
  });
});
