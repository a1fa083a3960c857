// Settings of one node, from CLI flags (or their GOSSIP_* environment variables), validated with zod.

import { z } from 'zod';
import { LOG_LEVELS } from '../log.js';
import { type PeerAddress, parseHostPort } from '../protocol/address.js';
import { DEFAULT_MAX_LINE_BYTES } from '../protocol/framing.js';
import { MAX_NODE_ID } from '../protocol/limits.js';
import { DEFAULT_MAX_QUEUE } from './peer-link.js';

const portSchema = z.coerce.number().int().min(1).max(65_535);
const hostSchema = z.string().min(1).max(253);

/** `<id>@<host>:<port>`; the host may be a name, an IPv4 address or a bracketed IPv6 address. */
const peerSchema = z.string().transform((text, ctx): PeerAddress => {
  const at = text.indexOf('@');
  const idText = text.slice(0, at).trim();
  const id = Number(idText);
  const hostPort = parseHostPort(text.slice(at + 1));
  if (at === -1 || !/^\d+$/.test(idText) || id < 1 || id > MAX_NODE_ID || hostPort === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `peer "${text}" is not <id>@<host>:<port> (e.g. 2@127.0.0.1:7002)`,
    });
    return z.NEVER;
  }
  return { id, ...hostPort };
});

const peerListSchema = z
  .string()
  .default('')
  .transform((text) => text.split(',').filter((part) => part.trim() !== ''))
  .pipe(z.array(peerSchema));

/** A peer silent this long (no relay, no heartbeat) is declared failed. */
export const DEFAULT_FAILURE_TIMEOUT_MS = 1_500;
/** Heartbeat period on every peer link; several fit in one failure timeout. */
export const DEFAULT_HEARTBEAT_MS = 300;

export const nodeConfigSchema = z
  .object({
    id: z.coerce.number().int().min(1).max(MAX_NODE_ID),
    port: portSchema,
    host: hostSchema.default('127.0.0.1'),
    peers: peerListSchema,
    /** Nodes to join through when this node starts with no peers (`gossip add-node`). */
    join: peerListSchema,
    maxPeers: z.coerce.number().int().min(1).max(1024).default(3),
    failureTimeoutMs: z.coerce.number().int().min(200).max(600_000).default(DEFAULT_FAILURE_TIMEOUT_MS),
    heartbeatMs: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_HEARTBEAT_MS),
    /** The `host:port` other nodes use to reach this one (bind 0.0.0.0 in a container, advertise its name). */
    advertise: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined || text === '') return undefined;
        const hostPort = parseHostPort(text);
        if (hostPort === undefined) {
          ctx.addIssue({ code: 'custom', message: `--advertise "${text}" is not <host>:<port>` });
          return z.NEVER;
        }
        return hostPort;
      }),
    dataDir: z.string().min(1).optional(),
    logFile: z.string().min(1).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    maxLineBytes: z.coerce
      .number()
      .int()
      .min(256)
      .max(64 * 1024 * 1024)
      .default(DEFAULT_MAX_LINE_BYTES),
    maxQueue: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_MAX_QUEUE),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<number>();
    if (config.peers.length > config.maxPeers) {
      ctx.addIssue({
        code: 'custom',
        message: `${config.peers.length} peers given, above --max-peers ${config.maxPeers}`,
      });
    }
    if (config.heartbeatMs * 2 > config.failureTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        message: '--heartbeat-ms must be at most half of --failure-timeout-ms',
      });
    }
    for (const peer of config.peers) {
      if (peer.id === config.id)
        ctx.addIssue({ code: 'custom', message: `node ${config.id} cannot peer with itself` });
      if (seen.has(peer.id)) ctx.addIssue({ code: 'custom', message: `peer ${peer.id} is listed twice` });
      seen.add(peer.id);
    }
  });

export type NodeConfig = z.output<typeof nodeConfigSchema>;
