// Settings of one node, from CLI flags (or their GOSSIP_* environment variables), validated with zod.

import { z } from 'zod';
import { LOG_LEVELS } from '../log.js';
import { DEFAULT_MAX_LINE_BYTES } from '../protocol/framing.js';
import { MAX_NODE_ID } from '../protocol/limits.js';
import { DEFAULT_MAX_QUEUE, type PeerAddress } from './peer-link.js';

const portSchema = z.coerce.number().int().min(1).max(65_535);
const hostSchema = z.string().min(1).max(253);

/** `<id>@<host>:<port>`; the host may be a name, an IPv4 address or a bracketed IPv6 address. */
const PEER_PATTERN = /^(\d+)@(\[[^\]]+\]|[^:@\s]+):(\d+)$/;

const peerSchema = z.string().transform((text, ctx): PeerAddress => {
  const match = PEER_PATTERN.exec(text.trim());
  const id = Number(match?.[1]);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(id) || id < 1 || id > MAX_NODE_ID || port < 1 || port > 65_535) {
    ctx.addIssue({
      code: 'custom',
      message: `peer "${text}" is not <id>@<host>:<port> (e.g. 2@127.0.0.1:7002)`,
    });
    return z.NEVER;
  }
  return { id, host: (match[2] ?? '').replace(/^\[|\]$/g, ''), port };
});

export const nodeConfigSchema = z
  .object({
    id: z.coerce.number().int().min(1).max(MAX_NODE_ID),
    port: portSchema,
    host: hostSchema.default('127.0.0.1'),
    peers: z
      .string()
      .default('')
      .transform((text) => text.split(',').filter((part) => part.trim() !== ''))
      .pipe(z.array(peerSchema)),
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
    for (const peer of config.peers) {
      if (peer.id === config.id)
        ctx.addIssue({ code: 'custom', message: `node ${config.id} cannot peer with itself` });
      if (seen.has(peer.id)) ctx.addIssue({ code: 'custom', message: `peer ${peer.id} is listed twice` });
      seen.add(peer.id);
    }
  });

export type NodeConfig = z.output<typeof nodeConfigSchema>;
