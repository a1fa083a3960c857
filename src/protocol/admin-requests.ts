// The requests an operator (the CLI) sends a node to change its overlay: `/REMOVE` a node, `/SPLICE` a new
// node in, and put `/FAULT`s on links or a `/PARTITION` in force.

import { parseHostPort } from './address.js';
import { parseFaultSpec } from './fault-spec.js';
import { MAX_NODE_ID } from './limits.js';
import { fail, nodeIdArg, splitOnce } from './request-args.js';
import type { ParseResult, Request } from './request-types.js';

/** Most nodes one /PARTITION may cut a node off from. */
const MAX_CUT = 4_096;

/** `/REMOVE:<node id>` */
export function parseRemove(args: string): ParseResult {
  const nodeId = nodeIdArg(args);
  if (nodeId === undefined)
    return fail('BAD_ARGUMENT', `expected /REMOVE:<node-id from 1 to ${MAX_NODE_ID}>`);
  return { ok: true, request: { type: 'remove', nodeId } };
}

/** `/SPLICE:<old peer id>|<new node id>|<host>:<port>`: the new node takes this node's link to the old peer. */
export function parseSplice(args: string): ParseResult {
  const [oldText = '', idText = '', where = '', ...rest] = args.split('|');
  const old = nodeIdArg(oldText);
  const nodeId = nodeIdArg(idText);
  const hostPort = parseHostPort(where);
  if (
    old === undefined ||
    nodeId === undefined ||
    hostPort === undefined ||
    rest.length > 0 ||
    old === nodeId
  )
    return fail('BAD_ARGUMENT', 'expected /SPLICE:<old peer id>|<new node id>|<host>:<port>');
  return { ok: true, request: { type: 'splice', old, peer: { id: nodeId, ...hostPort } } };
}

/** `/FAULT:<peer id | *>|<spec>`: the fault of what this node sends to that peer (or on every link). */
export function parseFault(args: string): ParseResult {
  const [targetText, spec] = splitOnce(args, '|');
  const target = targetText === '*' ? '*' : nodeIdArg(targetText);
  if (target === undefined || spec === undefined)
    return fail(
      'BAD_ARGUMENT',
      'expected /FAULT:<peer id | *>|<delay=<ms>,jitter=<ms>,loss=<%>,rate=<kB/s>,down | clear>',
    );
  const parsed = parseFaultSpec(spec);
  if (!parsed.ok) return fail('BAD_ARGUMENT', `bad fault: ${parsed.problem}`);
  const request: Request = { type: 'fault', target, fault: parsed.fault };
  if (parsed.seed !== undefined) request.seed = parsed.seed;
  return { ok: true, request };
}

/** `/PARTITION:<id>,<id>,...`: the nodes this node is cut off from; empty heals. */
export function parsePartition(args: string): ParseResult {
  const parts = args === '' ? [] : args.split(',');
  const cut = parts.map(nodeIdArg);
  if (parts.length > MAX_CUT || cut.some((id) => id === undefined))
    return fail(
      'BAD_ARGUMENT',
      `expected /PARTITION:<node id>,<node id>,... (at most ${MAX_CUT}), or nothing to heal`,
    );
  return { ok: true, request: { type: 'partition', cut: cut as number[] } };
}
