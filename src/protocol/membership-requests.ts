// The requests nodes say to each other to form and keep the overlay: the handshake (`/HELLO`, `/VERIFY`,
// `/PROVE`), the proof of the cluster key (`/AUTH`), repair walks (`/WALK`) and member gossip (`/GOSSIP`).

import { parseHostPort } from './address.js';
import { AUTH_NONCE, AUTH_WHO } from './auth.js';
import { MAX_NODE_ID } from './limits.js';
import { MAX_GOSSIP_ENTRIES, parseGossip } from './member-lines.js';
import { fail, nodeIdArg, splitOnce, wholeNumber } from './request-args.js';
import type { ParseResult } from './request-types.js';

/**
 * `/HELLO:<id>|<host>:<port>[|<flags>]`, flags `h` (home peer) and `j` (joining, let me in). The address is
 * required: it is where the node checks the claim back (see handshake.ts).
 */
export function parseHello(args: string): ParseResult {
  const [idText = '', where, flags = ''] = args.split('|');
  const nodeId = nodeIdArg(idText);
  const hostPort = where === undefined ? undefined : parseHostPort(where);
  if (nodeId === undefined || hostPort === undefined)
    return fail('BAD_ARGUMENT', `expected /HELLO:<node-id from 1 to ${MAX_NODE_ID}>|<host>:<port>[|<flags>]`);
  if (!/^[hj]{0,2}$/.test(flags)) return fail('BAD_ARGUMENT', 'HELLO flags must be h and/or j');
  return {
    ok: true,
    request: {
      type: 'hello',
      address: { id: nodeId, ...hostPort },
      home: flags.includes('h'),
      join: flags.includes('j'),
    },
  };
}

/** A handshake nonce: 128 random bits in hex. */
const NONCE = /^[0-9a-f]{32}$/;

/** `/VERIFY:<asker id>|<nonce>`: "if you are dialling node <asker>, say this nonce on that link". */
export function parseVerify(args: string): ParseResult {
  const [askerText = '', nonce = ''] = splitOnce(args, '|');
  const asker = nodeIdArg(askerText);
  if (asker === undefined || !NONCE.test(nonce))
    return fail('BAD_ARGUMENT', 'expected /VERIFY:<node id>|<32 hex digits>');
  return { ok: true, request: { type: 'verify', asker, nonce } };
}

/** `/PROVE:<nonce>`: the answer to a /VERIFY, on the link whose HELLO it checks. */
export function parseProve(nonce: string): ParseResult {
  if (!NONCE.test(nonce)) return fail('BAD_ARGUMENT', 'expected /PROVE:<32 hex digits>');
  return { ok: true, request: { type: 'prove', nonce } };
}

/** `/AUTH:<who>|<to>|<unix-ms>|<nonce>|<hmac>`; the MAC itself is checked by the node, which holds the key. */
export function parseAuth(args: string): ParseResult {
  const [who = '', toText = '', atText = '', nonce = '', mac = '', ...rest] = args.split('|');
  const to = nodeIdArg(toText);
  const atMs = wholeNumber(atText, 15);
  if (
    rest.length > 0 ||
    !AUTH_WHO.test(who) ||
    to === undefined ||
    atMs === undefined ||
    !AUTH_NONCE.test(nonce) ||
    !/^[0-9a-f]{64}$/.test(mac)
  ) {
    return fail('AUTH_FAILED', 'expected /AUTH:<who>|<node id>|<unix ms>|<hex nonce>|<hex hmac-sha256>');
  }
  return { ok: true, request: { type: 'auth', who, to, atMs, nonce, mac } };
}

/** `/WALK:<ttl>|<origin id>|<host>:<port>` */
export function parseWalk(args: string): ParseResult {
  const [ttlText = '', idText = '', where = ''] = args.split('|');
  const ttl = wholeNumber(ttlText, 2);
  const nodeId = nodeIdArg(idText);
  const hostPort = parseHostPort(where);
  if (ttl === undefined || ttl < 1 || ttl > 64 || nodeId === undefined || hostPort === undefined) {
    return fail('BAD_ARGUMENT', 'expected /WALK:<ttl 1-64>|<origin id>|<host>:<port>');
  }
  return { ok: true, request: { type: 'walk', ttl, origin: { id: nodeId, ...hostPort } } };
}

/** `/GOSSIP:[<entry>, ...]`: membership news and heartbeats from a peer (see member-lines.ts). */
export function parseGossipLine(body: string): ParseResult {
  const parsed = parseGossip(body);
  if (parsed === undefined)
    return fail('BAD_ARGUMENT', `expected /GOSSIP:[<member entry>, ...] (at most ${MAX_GOSSIP_ENTRIES})`);
  return { ok: true, request: { type: 'gossip', ...parsed } };
}
