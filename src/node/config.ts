// Settings of one node, from CLI flags (or their GOSSIP_* environment variables), validated with zod.

import { z } from 'zod';
import { LOG_LEVELS } from '../log.js';
import { type PeerAddress, parseHostPort } from '../protocol/address.js';
import { DEFAULT_MAX_LINE_BYTES } from '../protocol/framing.js';
import { MAX_NODE_ID, MAX_TEXT_BYTES, MAX_TEXT_BYTES_LIMIT } from '../protocol/limits.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PATHS,
  DEFAULT_MAX_REPLY_BUFFER_BYTES,
  DEFAULT_MAX_REQUESTS_PER_SECOND,
} from './limits.js';
import { DEFAULT_MAX_QUEUE, DEFAULT_MAX_QUEUE_BYTES } from './peer-link.js';

const portSchema = z.coerce.number().int().min(1).max(65_535);
/** A variable set to the empty string counts as unset (`-e GOSSIP_CLUSTER_KEY_FILE=` clears an image's value). */
const optionalText = z
  .string()
  .optional()
  .transform((text) => (text === '' ? undefined : text));
const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
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
    maxQueueBytes: count(64 * 1024, 16 * 1024 ** 3, DEFAULT_MAX_QUEUE_BYTES),
    /** Default: 16 KiB, or a quarter of --max-line-bytes if that is less. */
    maxTextBytes: z.coerce.number().int().min(1).max(MAX_TEXT_BYTES_LIMIT).optional(),
    maxConnections: count(1, 1_000_000, DEFAULT_MAX_CONNECTIONS),
    idleTimeoutMs: count(100, 86_400_000, DEFAULT_IDLE_TIMEOUT_MS),
    maxRequestsPerSecond: count(1, 10_000_000, DEFAULT_MAX_REQUESTS_PER_SECOND),
    maxReplyBufferBytes: count(16 * 1024, 1024 ** 3, DEFAULT_MAX_REPLY_BUFFER_BYTES),
    maxPaths: count(1, 1_000_000, DEFAULT_MAX_PATHS),
    /** A file holding the cluster key (what secrets managers mount); an empty value means none. */
    clusterKeyFile: optionalText,
    /** The cluster key itself, from GOSSIP_CLUSTER_KEY only (a flag value would show in `ps`). */
    clusterKey: optionalText,
    /** Allow a non-loopback bind without a cluster key. */
    insecure: z.boolean().default(false),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<number>();
    if (config.peers.length > config.maxPeers) {
      ctx.addIssue({
        code: 'custom',
        message: `${config.peers.length} peers given, above --max-peers ${config.maxPeers}`,
      });
    }
    if (config.maxTextBytes !== undefined && config.maxTextBytes * 4 > config.maxLineBytes) {
      // A relay line carries the text JSON-escaped (up to twice as long) plus its path.
      ctx.addIssue({
        code: 'custom',
        message: `--max-text-bytes ${config.maxTextBytes} needs --max-line-bytes of at least ${config.maxTextBytes * 4}`,
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
  })
  .transform((config) => ({
    ...config,
    maxTextBytes: config.maxTextBytes ?? Math.min(MAX_TEXT_BYTES, Math.floor(config.maxLineBytes / 4)),
  }));

export type NodeConfig = z.output<typeof nodeConfigSchema>;
