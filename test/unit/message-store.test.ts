import { describe, expect, it } from 'vitest';
import { type Arrival, arrivalOf, decodeArrival, type StoredPath } from '../../src/node/arrival.js';
import { compareByClock, MessageStore, type StoredMessage } from '../../src/node/message-store.js';
import { RelayCounts } from '../../src/node/relay-policy.js';
import { formatMessageId } from '../../src/protocol/message-id.js';

const at = (path: number[], atMs = 1_000, via: StoredPath['via'] = 'relay'): Arrival =>
  arrivalOf(path, atMs, via);

function addMessage(store: MessageStore, text: string, originNs: bigint, path = [1, 2]) {
  const id = formatMessageId(text, originNs);
  return store.add({ id, origin: path[0] ?? 1, relays: 1 }, at(path));
}

const ids = (store: MessageStore, filter: 'unread' | 'read' | 'all'): string[] =>
  store.select(filter).map((m) => m.id);

describe('arrivals, one string each', () => {
  it('keep the path, the time and the way of every arrival, as decoded', () => {
    for (const via of ['origin', 'relay', 'catch-up', 'push', 'pull'] as const) {
      const path = [1, 14, 12, 40_000, 9];
      expect(decodeArrival(arrivalOf(path, 1_765_142_236_123.456, via))).toEqual({
        path,
        atMs: 1_765_142_236_123.456,
        via,
      });
    }
    expect(decodeArrival(arrivalOf([3], 0, 'origin'))).toEqual({ path: [3], atMs: 0, via: 'origin' });
  });

  it('answer which nodes a message passed through, hop by whole hop', () => {
    const store = new MessageStore();
    const message = store.add({ id: 'a_1', origin: 12, relays: 1 }, arrivalOf([12, 3, 45], 1, 'relay'));
    store.addPath(message, arrivalOf([12, 7, 45], 2, 'relay'));
    expect([12, 3, 7, 45].map((id) => message.passedThrough(id))).toEqual([true, true, true, true]);
    // Not a hop: digits of a hop (1, 2, 4, 5), hops run together (123), or a node on no path.
    expect([1, 2, 4, 5, 123, 9].map((id) => message.passedThrough(id))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(message.firstPath()).toEqual([12, 3, 45]);
  });
});

describe('MessageStore: add and addPath', () => {
  it('starts empty', () => {
    const store = new MessageStore();
    expect(store.size).toBe(0);
    expect(store.length).toBe(0);
    expect(store.select('all')).toEqual([]);
    expect(store.get('x_1')).toBeUndefined();
  });

  it('stores a new message unread with its first path', () => {
    const store = new MessageStore();
    const first = at([1, 14, 10], 1234, 'relay');
    const stored = store.add({ id: 'Hi_5', origin: 1, relays: 2 }, first);
    expect(stored).toMatchObject({
      id: 'Hi_5',
      origin: 1,
      relays: 2,
      clock: 0,
      seq: 0,
      paths: [decodeArrival(first)],
    });
    expect(stored.counts).toEqual(new RelayCounts());
    // Text and origin time are read from the id.
    expect([stored.text, stored.originNs]).toEqual(['Hi', 5n]);
    expect(store.isRead(stored)).toBe(false);
    expect(store.get('Hi_5')).toBe(stored);
    expect(store.size).toBe(1);
  });

  it('appends further paths in arrival order', () => {
    const store = new MessageStore();
    const message = addMessage(store, 'Hello World', 10n, [1, 10]);
    store.addPath(message, at([1, 14, 12, 4, 9, 10], 2_000));
    store.addPath(message, at([1, 3, 10], 3_000, 'catch-up'));
    expect(store.get(message.id)?.paths.map((p) => p.path)).toEqual([
      [1, 10],
      [1, 14, 12, 4, 9, 10],
      [1, 3, 10],
    ]);
    expect(store.get(message.id)?.paths.map((p) => p.via)).toEqual(['relay', 'relay', 'catch-up']);
    expect(store.size).toBe(1);
    expect(store.length).toBe(1);
  });

  it('keeps messages apart', () => {
    const store = new MessageStore();
    const a = addMessage(store, 'a', 1n);
    const b = addMessage(store, 'b', 2n);
    store.addPath(a, at([1, 3]));
    expect(store.get(a.id)?.paths).toHaveLength(2);
    expect(store.get(b.id)?.paths).toHaveLength(1);
  });
});

describe('MessageStore: select and read state', () => {
  it('orders by origin time, not by arrival or id', () => {
    const store = new MessageStore();
    addMessage(store, 'third', 300n);
    addMessage(store, 'first', 100n);
    addMessage(store, 'second', 200n);
    expect(store.select('all').map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  it('compares origin times as bigints, beyond 2^53 and across digit counts', () => {
    const store = new MessageStore();
    addMessage(store, 'b', 9_007_199_254_740_993n);
    addMessage(store, 'a', 9_007_199_254_740_992n);
    addMessage(store, 'z', 99n);
    addMessage(store, 'y', 100n);
    expect(store.select('all').map((m) => m.text)).toEqual(['z', 'y', 'a', 'b']);
  });

  it('breaks ties in origin time by id', () => {
    const store = new MessageStore();
    addMessage(store, 'm', 7n);
    addMessage(store, 'c', 7n);
    addMessage(store, 'x', 7n);
    expect(store.select('all').map((m) => m.text)).toEqual(['c', 'm', 'x']);
  });

  it('selects unread, read and all', () => {
    const store = new MessageStore();
    addMessage(store, 'old', 1n);
    expect(ids(store, 'unread')).toEqual(['old_1']);
    expect(ids(store, 'read')).toEqual([]);
    expect(store.markAllRead()).toBe(true);
    addMessage(store, 'new', 2n);
    expect(ids(store, 'unread')).toEqual(['new_2']);
    expect(ids(store, 'read')).toEqual(['old_1']);
    expect(ids(store, 'all')).toEqual(['old_1', 'new_2']);
  });

  it('markAllRead marks every message read and reports whether anything changed', () => {
    const store = new MessageStore();
    expect(store.markAllRead()).toBe(false);
    addMessage(store, 'a', 1n);
    addMessage(store, 'b', 2n);
    expect(store.markAllRead()).toBe(true);
    expect(ids(store, 'unread')).toEqual([]);
    expect(ids(store, 'read')).toEqual(['a_1', 'b_2']);
    expect(store.markAllRead()).toBe(false);
  });

  it('a new path for a read message does not make it unread', () => {
    const store = new MessageStore();
    const message = addMessage(store, 'a', 1n);
    store.markAllRead();
    store.addPath(message, at([1, 4, 2]));
    expect(ids(store, 'unread')).toEqual([]);
    expect(store.select('read')[0]?.paths).toHaveLength(2);
  });

  it('select returns a fresh array each time', () => {
    const store = new MessageStore();
    addMessage(store, 'a', 1n);
    const first = store.select('all');
    first.length = 0;
    expect(store.select('all')).toHaveLength(1);
  });
});

describe('MessageStore: listings read while messages arrive (replies written a piece at a time)', () => {
  it('lists what was there when asked, in Lamport order, whatever arrives meanwhile', () => {
    const store = new MessageStore();
    for (const ns of [10n, 30n, 50n]) addMessage(store, `m${ns}`, ns);
    const listing = store.listing('all');
    const walk = listing.messages[Symbol.iterator]();
    expect(walk.next().value?.text).toBe('m10');
    // Before, between and after the cursor: none of them is listed, and nothing is listed twice.
    addMessage(store, 'before', 5n);
    addMessage(store, 'between', 20n);
    addMessage(store, 'after', 60n);
    const rest: string[] = [];
    for (let next = walk.next(); next.done !== true; next = walk.next()) rest.push(next.value.text);
    expect(rest).toEqual(['m30', 'm50']);
    expect(store.select('all').map((m) => m.text)).toEqual([
      'before',
      'm10',
      'between',
      'm30',
      'm50',
      'after',
    ]);
  });

  it('keeps the read state of the moment it was asked, though everything is marked read at once', () => {
    const store = new MessageStore();
    addMessage(store, 'old', 1n);
    store.markAllRead();
    addMessage(store, 'new', 2n);
    const unread = store.listing('unread');
    const all = store.listing('all');
    store.markAllRead();
    expect([...unread.messages].map((m) => m.text)).toEqual(['new']);
    expect([...all.messages].map((m) => [m.text, all.isRead(m)])).toEqual([
      ['old', true],
      ['new', false],
    ]);
    expect(ids(store, 'unread')).toEqual([]);
  });

  it('keeps Lamport order on messages that arrive out of order, over many inserts', () => {
    const store = new MessageStore();
    let seed = 7;
    for (let index = 0; index < 500; index += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const id = formatMessageId(`m${index}`, BigInt(seed));
      store.add({ id, origin: 1, relays: 1, clock: seed % 17 }, at([1]));
    }
    const listed = store.select('all');
    expect(listed).toHaveLength(500);
    for (let index = 1; index < listed.length; index += 1) {
      expect(compareByClock(listed[index - 1] as StoredMessage, listed[index] as StoredMessage)).toBeLessThan(
        0,
      );
    }
  });
});

describe('MessageStore: find (behind /LOOKUP)', () => {
  it('finds by exact id or exact text, every text match in origin order, and nothing read changes', () => {
    const store = new MessageStore();
    addMessage(store, 'Hello', 30n);
    addMessage(store, 'Hello', 10n);
    addMessage(store, 'Hello there', 20n);
    expect([...store.find('Hello')].map((m) => m.id)).toEqual(['Hello_10', 'Hello_30']);
    expect([...store.find('Hello_30')].map((m) => m.id)).toEqual(['Hello_30']);
    expect([...store.find('hello')]).toEqual([]);
    expect([...store.find('Hell')]).toEqual([]);
    expect(ids(store, 'unread')).toHaveLength(3);
  });

  it('a text that looks like another message id finds both, once each', () => {
    const store = new MessageStore();
    addMessage(store, 'x', 5n);
    addMessage(store, 'x_5', 9n);
    expect([...store.find('x_5')].map((m) => m.id)).toEqual(['x_5', 'x_5_9']);
  });
});

describe('MessageStore: arrival sequence', () => {
  it('numbers messages in first-arrival order and lists them from a sequence number', () => {
    const store = new MessageStore();
    const late = addMessage(store, 'late', 300n);
    addMessage(store, 'early', 100n);
    store.addPath(late, at([1, 5]));
    addMessage(store, 'mid', 200n);
    expect(store.length).toBe(3);
    expect([0, 1, 2].map((seq) => store.at(seq)?.text)).toEqual(['late', 'early', 'mid']);
    expect(store.at(3)).toBeUndefined();
    expect(store.at(99)).toBeUndefined();
  });
});
