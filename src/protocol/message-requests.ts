// The requests that move messages: a client's `/NEW`, and what peers send each other: `/RELAY` (with its
// fast path for the lines our nodes write), a strategy's `/PUSH` and `/PULL`, and anti-entropy's `/SYNC`.

import { CONTROL_CHARACTERS, MAX_RELAYS } from './limits.js';
import { carriedProblem, fitsText, MAX_CLOCK, relayCountProblem, textProblem } from './message-checks.js';
import { messageIdTextEnd } from './message-id.js';
import { scanRelay } from './relay-scan.js';
import { fail, splitOnce, wholeNumber } from './request-args.js';
import type { ParseResult, Request, RequestLimits } from './request-types.js';

/** Most entries in one digest: about 9 bytes each, well inside the default 64 KiB line cap. */
export const MAX_DIGEST_ENTRIES = 4_000;

export function parseNew(args: string, limits: RequestLimits): ParseResult {
  const [relaysText, text] = splitOnce(args, '|');
  if (text === undefined) return fail('MALFORMED_REQUEST', 'expected /NEW:<relays>|<text>');
  const relays = wholeNumber(relaysText, 9);
  const badRelays = relayCountProblem(relays);
  if (badRelays !== undefined || relays === undefined) return fail('BAD_RELAYS', badRelays ?? '');
  if (!fitsText(text, limits))
    return fail('TEXT_TOO_LONG', `message text is longer than ${limits.maxTextBytes} bytes`);
  const badText = textProblem(text);
  if (badText !== undefined) return fail('BAD_TEXT', badText);
  return { ok: true, request: { type: 'new', relays, text } };
}

/**
 * `/RELAY:<relays>|["<id>",[<path>]]`, the reference line (ours may add the message's Lamport clock third), and
 * `/PUSH:<relays>|["<id>",[<path>],<clock>]`, a strategy's push (the receiver answers whether it was news).
 */
export function parseCarried(args: string, limits: RequestLimits, type: 'relay' | 'push'): ParseResult {
  const command = type.toUpperCase();
  const clockRequired = type === 'push';
  const shape = clockRequired ? '["<id>", [<path>], <clock>]' : '["<id>", [<path>]]';
  const [relaysText, body] = splitOnce(args, '|');
  if (body === undefined) return fail('MALFORMED_REQUEST', `expected /${command}:<relays>|${shape}`);
  const relays = wholeNumber(relaysText, 9);
  const badRelays = relayCountProblem(relays);
  if (badRelays !== undefined || relays === undefined) return fail('BAD_RELAYS', badRelays ?? '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail('MALFORMED_REQUEST', `${command.toLowerCase()} body is not valid JSON`);
  }
  const lengthOk =
    Array.isArray(json) && (clockRequired ? json.length === 3 : json.length === 2 || json.length === 3);
  if (!lengthOk) return fail('BAD_PATH', `${command.toLowerCase()} body must be ${shape}`);
  // Each part is checked by carriedProblem before it is used as typed here.
  const [id, path, clock] = json as [string, number[], number | undefined];
  const problem = carriedProblem({ id, relays, path, clock }, limits, clockRequired);
  if (problem !== undefined) return { ok: false, error: problem };
  if (type === 'push') return { ok: true, request: { type, relays, id, path, clock: clock ?? 0 } };
  const request: Request = { type, relays, id, path, idJson: JSON.stringify(id), pathText: path.join(',') };
  if (clock !== undefined) request.clock = clock;
  return { ok: true, request };
}

/**
 * The fast path of /RELAY (relay-scan.ts): the compact line our nodes write, checked as parseCarried checks
 * it; undefined for any line it cannot take (the general way then parses it, and finds the error if any).
 */
export function scannedRelay(args: string, limits: RequestLimits): ParseResult | undefined {
  const scan = scanRelay(args);
  if (scan === undefined || scan.relays < 1 || scan.relays > MAX_RELAYS) return undefined;
  if (scan.clock !== undefined && scan.clock > MAX_CLOCK) return undefined;
  const textEnd = messageIdTextEnd(scan.id);
  if (textEnd === -1 || !idTextFits(scan.id, textEnd, limits) || CONTROL_CHARACTERS.test(scan.id))
    return undefined;
  const { relays, id, path, clock, idJson, pathText } = scan;
  const request: Request = { type: 'relay', relays, id, path, idJson, pathText };
  if (clock !== undefined) request.clock = clock;
  return { ok: true, request };
}

/**
 * fitsText and textProblem on the text of a well-formed id, read in place (no slice per relay): the text is
 * not empty (messageIdTextEnd saw to that), and its `_<digits>` suffix is ASCII and free of control characters.
 */
function idTextFits(id: string, textEnd: number, limits: RequestLimits): boolean {
  return (
    textEnd * 3 <= limits.maxTextBytes || Buffer.byteLength(id) - (id.length - textEnd) <= limits.maxTextBytes
  );
}

/** `/PULL:<pull|exchange>|<hash>,<hash>,...`: "here is what I hold (8-hex-digit hashes of ids); send me the rest". */
export function parsePull(args: string): ParseResult {
  const [mode, list] = splitOnce(args, '|');
  if ((mode !== 'pull' && mode !== 'exchange') || list === undefined)
    return fail('BAD_ARGUMENT', 'expected /PULL:<pull|exchange>|<hash>,<hash>,...');
  const digest = list === '' ? [] : list.split(',');
  if (digest.length > MAX_DIGEST_ENTRIES)
    return fail('BAD_ARGUMENT', `a digest holds at most ${MAX_DIGEST_ENTRIES} entries`);
  if (!digest.every((hash) => /^[0-9a-f]{8}$/.test(hash)))
    return fail('BAD_ARGUMENT', 'digest entries must be 8 lowercase hex digits');
  return { ok: true, request: { type: 'pull', exchange: mode === 'exchange', digest } };
}

/** `/SYNC:<from sequence>|<epoch>` */
export function parseSync(args: string): ParseResult {
  const [fromText = '', epochText = '0'] = args.split('|');
  const from = wholeNumber(fromText, 12);
  const epoch = /^\d{1,16}(\.\d+)?$/.test(epochText) ? Number(epochText) : undefined;
  if (from === undefined || epoch === undefined)
    return fail('BAD_ARGUMENT', 'expected /SYNC:<from sequence>|<epoch>');
  return { ok: true, request: { type: 'sync', from, epoch } };
}
