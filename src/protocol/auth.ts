// The cluster-authentication line, `/AUTH:<who>|<to>|<unix-ms>|<nonce>|<hmac>`, and its answer
// `{"auth": {"node": <to>, "proof": "<hmac>"}}`. Both MACs are HMAC-SHA256 under the cluster key, over
// newline-joined fields (no field may hold a newline), each with its own label so one can never pass for
// the other. A connection authenticates once; the lines after it carry no MAC.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeLine } from './encode.js';

/** Who opens the connection: a node id (`5`) or a tool (`cli`). */
export const AUTH_WHO = /^[A-Za-z0-9._-]{1,64}$/;
/** 128 random bits, in hex, per connection. */
export const AUTH_NONCE = /^[0-9a-f]{16,128}$/;
const HEX_MAC = /^[0-9a-f]{64}$/;
const AUTH_LABEL = 'gossip-auth-v1';
const PROOF_LABEL = 'gossip-auth-proof-v1';

export interface AuthFields {
  /** Who is speaking: a node id or a tool name. */
  who: string;
  /** The node this line is for: a line captured on its way to one node is useless at another. */
  to: number;
  /** Wall-clock ms since the epoch when it was made; nodes accept it only within a window. */
  atMs: number;
  nonce: string;
}

export interface AuthLine extends AuthFields {
  mac: string;
}

export function authMac(key: Buffer, fields: AuthFields): string {
  return hmacHex(key, [AUTH_LABEL, fields.who, String(fields.to), String(fields.atMs), fields.nonce]);
}

/** The node's answer: it knows the key too, so a stranger cannot pose as a peer and feed us replies. */
export function authProof(key: Buffer, fields: Pick<AuthFields, 'who' | 'to' | 'nonce'>): string {
  return hmacHex(key, [PROOF_LABEL, fields.who, String(fields.to), fields.nonce]);
}

function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh `/AUTH` line (with its newline) for a connection from `who` to node `to`. */
export function encodeAuth(
  key: Buffer,
  who: string,
  to: number,
  atMs = Date.now(),
): { line: string; nonce: string } {
  const fields: AuthFields = { who, to, atMs: Math.floor(atMs), nonce: newNonce() };
  const mac = authMac(key, fields);
  return {
    line: `/AUTH:${fields.who}|${fields.to}|${fields.atMs}|${fields.nonce}|${mac}\n`,
    nonce: fields.nonce,
  };
}

/** An `/AUTH` line from `who` to node `to`, and the check that tells that node's answer from anything else. */
export function offerAuth(
  key: Buffer,
  who: string,
  to: number,
  atMs = Date.now(),
): { line: string; check(reply: string): boolean } {
  const { line, nonce } = encodeAuth(key, who, to, atMs);
  return { line, check: (reply) => checkAuthReply(key, reply, { who, to, nonce }) };
}

export function encodeAuthReply(node: number, proof: string): string {
  return encodeLine({ auth: { node, proof } });
}

/** Compares two hex MACs in constant time; anything malformed is simply unequal. */
export function macEquals(expected: string, given: string): boolean {
  if (!HEX_MAC.test(given) || expected.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

/** Checks a node's answer to our `/AUTH` line (the first line it sends back). */
export function checkAuthReply(
  key: Buffer,
  line: string,
  sent: Pick<AuthFields, 'who' | 'to' | 'nonce'>,
): boolean {
  if (!line.startsWith('{"auth"')) return false;
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    return false;
  }
  const auth = (reply as { auth?: { node?: unknown; proof?: unknown } }).auth;
  if (auth?.node !== sent.to || typeof auth.proof !== 'string') return false;
  return macEquals(authProof(key, sent), auth.proof);
}

function hmacHex(key: Buffer, parts: readonly string[]): string {
  return createHmac('sha256', key).update(parts.join('\n')).digest('hex');
}
