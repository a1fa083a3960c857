// How a message arrived, as the store keeps it: one flat string per arrival (how, when, the path's text),
// with the few readings the node needs of it. Pure functions, no I/O.

/**
 * How a path reached this node: submitted here, relayed by a peer, pulled from a peer by catch-up, or pushed
 * or pulled by a dissemination strategy (see strategies/).
 */
export type ArrivalVia = 'origin' | 'relay' | 'catch-up' | 'push' | 'pull';

/** One arrival of a message, as readers see it. */
export interface StoredPath {
  readonly path: readonly number[];
  /** Arrival time, ms since the epoch on this machine's clock. */
  readonly atMs: number;
  readonly via: ArrivalVia;
}

/**
 * One arrival as the store keeps it: a single flat string `<via letter><atMs> <path text>`, e.g.
 * `r1765142236123.456 1,14,12`. A message holds one per path it came by, so this replaces an object, a
 * boxed number and an array of hops per arrival (about 150 bytes) with one string (about 48).
 */
export type Arrival = string;

const VIA_LETTERS: Record<ArrivalVia, string> = {
  origin: 'o',
  relay: 'r',
  'catch-up': 'c',
  push: 's',
  pull: 'l',
};
const VIA_OF_LETTER: Record<string, ArrivalVia> = Object.fromEntries(
  Object.entries(VIA_LETTERS).map(([via, letter]) => [letter, via as ArrivalVia]),
);
const COMMA = 44;

/** An arrival from a path's text (hops joined by commas, as relay lines spell them) and its time's, String(atMs). */
export function encodeArrival(pathText: string, atText: string, via: ArrivalVia): Arrival {
  // join, not a template: a template of parts is a tree of strings (and a part sliced from a line keeps the
  // whole line alive), where join copies them into one flat string that is all the store then keeps.
  return [VIA_LETTERS[via], atText, ' ', pathText].join('');
}

/** An arrival from a path's hops. */
export function arrivalOf(path: readonly number[], atMs: number, via: ArrivalVia): Arrival {
  return encodeArrival(path.join(','), String(atMs), via);
}

export function decodeArrival(arrival: Arrival): StoredPath {
  const space = arrival.indexOf(' ');
  return {
    path: arrivalHops(arrival),
    atMs: Number(arrival.slice(1, space)),
    via: VIA_OF_LETTER[arrival[0] ?? ''] ?? 'relay',
  };
}

/** The hops of an arrival's path. */
export function arrivalHops(arrival: Arrival): number[] {
  const hops: number[] = [];
  let hop = 0;
  for (let at = arrival.indexOf(' ') + 1; at < arrival.length; at += 1) {
    const code = arrival.charCodeAt(at);
    if (code === COMMA) {
      hops.push(hop);
      hop = 0;
    } else hop = hop * 10 + code - 48;
  }
  hops.push(hop);
  return hops;
}

/** Whether node `id` is a hop of the arrival's path, read in place. */
export function arrivalPasses(arrival: Arrival, id: number): boolean {
  let hop = 0;
  for (let at = arrival.indexOf(' ') + 1; at <= arrival.length; at += 1) {
    const code = at === arrival.length ? COMMA : arrival.charCodeAt(at);
    if (code === COMMA) {
      if (hop === id) return true;
      hop = 0;
    } else hop = hop * 10 + code - 48;
  }
  return false;
}
