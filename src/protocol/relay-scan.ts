// The fast path of the hottest line a node reads, `/RELAY:<relays>|["<id>",[<path>]<,<clock>>]`: one pass
// over its characters that checks what JSON.parse and the checks after it would, without building the JSON
// array, and keeps the id's JSON text (so a relay forwards it as it came) and the path's text (so the line
// on is that text plus this node). Only the compact spelling our nodes write takes this path; anything else
// (spaces, escapes in the id, an oddity) answers undefined and goes the slow, general way, which also finds
// the right error for a bad line.

import { MAX_NODE_ID, MAX_PATH_LENGTH } from './limits.js';

/** A relay line's parts, as scanned. */
export interface ScannedRelay {
  relays: number;
  /** The id's JSON text, quotes included, as it came on the line. */
  idJson: string;
  id: string;
  /** The path's hops, and its text as it came (`1,14,12`). */
  path: number[];
  pathText: string;
  clock: number | undefined;
}

const QUOTE = 34;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
const ZERO = 48;
const NINE = 57;
const HOPS: number[] = [];

/**
 * Scans the arguments of a /RELAY line (after `/RELAY:`); undefined when they are not in the compact form
 * (the caller then parses them the general way). Checks framing, relays as digits, the id's JSON string, the
 * path's hops (node ids, at most MAX_PATH_LENGTH) and the clock's digits; the caller checks the values.
 */
export function scanRelay(args: string): ScannedRelay | undefined {
  const bar = args.indexOf('|');
  if (bar < 1 || bar > 9) return undefined;
  const relays = digitsValue(args, 0, bar);
  if (relays === undefined || args.charCodeAt(bar + 1) !== OPEN || args.charCodeAt(bar + 2) !== QUOTE)
    return undefined;
  const idStart = bar + 2;
  let at = args.indexOf('"', idStart + 1);
  // An escape: the general way decides. (A raw control character fails the text check after this scan,
  // which sends the line the general way too, where JSON.parse refuses it.)
  const backslash = args.indexOf('\\', idStart + 1);
  if (at === -1 || (backslash !== -1 && backslash < at)) return undefined;
  if (args.charCodeAt(at + 1) !== COMMA || args.charCodeAt(at + 2) !== OPEN) return undefined;
  const idJson = args.slice(idStart, at + 1);
  const pathStart = at + 3;
  // Hops gather in one array reused line after line (never shortened: that would free its room); the path
  // handed on is an exact copy (a new array pushed to would carry room for 16 more hops).
  let hops = 0;
  let hop = 0;
  let digits = 0;
  for (at = pathStart; at < args.length; at += 1) {
    const code = args.charCodeAt(at);
    if (code >= ZERO && code <= NINE) {
      // No leading zeros (not JSON), and never past the highest node id.
      if ((digits === 0 && code === ZERO) || digits === 5) return undefined;
      hop = hop * 10 + (code - ZERO);
      digits += 1;
    } else if (code === COMMA || code === CLOSE) {
      if (digits === 0 || hop > MAX_NODE_ID || hops === MAX_PATH_LENGTH) return undefined;
      HOPS[hops] = hop;
      hops += 1;
      hop = 0;
      digits = 0;
      if (code === CLOSE) break;
    } else return undefined;
  }
  if (at >= args.length) return undefined;
  const pathText = args.slice(pathStart, at);
  const rest = at + 1;
  let clock: number | undefined;
  if (args.charCodeAt(rest) === COMMA) {
    clock = digitsValue(args, rest + 1, args.length - 1);
    if (clock === undefined) return undefined;
  } else if (rest !== args.length - 1) return undefined;
  if (args.charCodeAt(args.length - 1) !== CLOSE) return undefined;
  return { relays, idJson, id: idJson.slice(1, -1), path: HOPS.slice(0, hops), pathText, clock };
}

/** The value of 1..16 decimal digits from `start` to `end` with no leading zero (but "0"), else undefined. */
function digitsValue(text: string, start: number, end: number): number | undefined {
  const length = end - start;
  if (length < 1 || length > 16 || (length > 1 && text.charCodeAt(start) === ZERO)) return undefined;
  let value = 0;
  for (let at = start; at < end; at += 1) {
    const code = text.charCodeAt(at);
    if (code < ZERO || code > NINE) return undefined;
    value = value * 10 + (code - ZERO);
  }
  return value;
}
