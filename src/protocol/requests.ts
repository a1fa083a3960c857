// Parses one request line (`<COMMAND>:<args>`) into a typed request (request-types.ts), checking every
// field: the one place where a node validates what arrives on its port. Written by hand rather than with zod:
// this runs for every relay line a node receives, and zod cost 15% of a busy node's CPU and 13 MiB of its
// resident memory (see docs/BENCHMARKS.md); test/unit/requests.test.ts pins every rule and error code.
// Only the first `:` and the first `|` are separators; a message text may contain both. Each command's
// parser lives with its kind: message-, listing-, membership- and admin-requests.ts.

import { parseFault, parsePartition, parseRemove, parseSplice } from './admin-requests.js';
import { parseListing, parseLookup, parseMessages } from './listing-requests.js';
import {
  parseAuth,
  parseGossipLine,
  parseHello,
  parseProve,
  parseVerify,
  parseWalk,
} from './membership-requests.js';
import { parseCarried, parseNew, parsePull, parseSync, scannedRelay } from './message-requests.js';
import { fail } from './request-args.js';
import { DEFAULT_LIMITS, type ParseResult, type RequestLimits } from './request-types.js';

const RELAY_PREFIX = '/RELAY:';

function parseRelay(args: string, limits: RequestLimits): ParseResult {
  return scannedRelay(args, limits) ?? parseCarried(args, limits, 'relay');
}

/** A parser for a node's limits; `parseRequest` uses the defaults. */
export function createRequestParser(limits: RequestLimits): (line: string) => ParseResult {
  return (line) => parseWith(line, limits);
}

export function parseRequest(line: string): ParseResult {
  return parseWith(line, DEFAULT_LIMITS);
}

function parseWith(line: string, limits: RequestLimits): ParseResult {
  // The line a busy node reads most, first, without making a string of its command.
  if (line.startsWith(RELAY_PREFIX)) return parseRelay(line.slice(RELAY_PREFIX.length), limits);
  const colon = line.indexOf(':');
  const command = colon === -1 ? line : line.slice(0, colon);
  const args = colon === -1 ? '' : line.slice(colon + 1);
  switch (command) {
    case '/NEW':
      return parseNew(args, limits);
    case '/RELAY':
      return parseRelay(args, limits);
    case '/PUSH':
      return parseCarried(args, limits, 'push');
    case '/PULL':
      return parsePull(args);
    case '/GET':
      return parseListing(args);
    case '/MESSAGES':
      return parseMessages(args);
    case '/LOOKUP':
      return parseLookup(args);
    case '/EVENTS':
      return { ok: true, request: { type: 'events' } };
    case '/PEERS':
      return { ok: true, request: { type: 'peers' } };
    case '/REMOVE':
      return parseRemove(args);
    case '/HELLO':
      return parseHello(args);
    case '/VERIFY':
      return parseVerify(args);
    case '/PROVE':
      return parseProve(args);
    case '/LEAVE':
      return { ok: true, request: { type: 'leave' } };
    case '/SPLICE':
      return parseSplice(args);
    case '/FAULT':
      return parseFault(args);
    case '/PARTITION':
      return parsePartition(args);
    case '/FAULTS':
      return { ok: true, request: { type: 'faults' } };
    case '/GOSSIP':
      return parseGossipLine(args);
    case '/MEMBERS':
      return { ok: true, request: { type: 'members' } };
    case '/WALK':
      return parseWalk(args);
    case '/PING':
      return { ok: true, request: { type: 'ping' } };
    case '/SYNC':
      return parseSync(args);
    case '/STATS':
      return { ok: true, request: { type: 'stats' } };
    case '/HEALTH':
      return { ok: true, request: { type: 'health' } };
    case '/AUTH':
      return parseAuth(args);
    default:
      return fail('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(command.slice(0, 32))}`);
  }
}
