// The network state file: which nodes run where, under which pids, in which topology.
// Validated with zod when read, written atomically (temp file + rename).

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { GossipError } from '../errors.js';
import { STOP_RULES, STRATEGIES } from '../node/strategies/strategy-config.js';
import type { HomePaths } from './home.js';

export const nodeEntrySchema = z.object({
  id: z.number().int().positive(),
  pid: z.number().int().positive(),
  host: z.string(),
  port: z.number().int().positive(),
  peers: z.array(z.number().int().positive()),
  logFile: z.string(),
  outputFile: z.string(),
  dataDir: z.string(),
  startedAt: z.string(),
  removed: z.boolean().default(false),
  /** The port of --host where it serves Prometheus metrics (start-network --metrics-base-port). */
  metricsPort: z.number().int().positive().optional(),
});

export const networkStateSchema = z.object({
  version: z.literal(1),
  startedAt: z.string(),
  topology: z.object({
    description: z.string(),
    seed: z.number().int(),
    maxPeers: z.number().int(),
    edges: z.array(z.tuple([z.number().int(), z.number().int()])),
    diameter: z.number().nullable(),
  }),
  relays: z.number().int().positive(),
  basePort: z.number().int(),
  /** Each node on its own address (start-network --hosts), all on one port. */
  hostsMode: z.boolean().default(false),
  logLevel: z.string().default('info'),
  /** The cluster key file every node was started with (absolute); absent for a network without a key. */
  clusterKeyFile: z.string().optional(),
  /**
   * Mutual TLS (start-network --tls): where the certificates are (absolute paths). Node N's are
   * node-N.crt and node-N.key in `dir`; the CLI dials with the client certificate.
   */
  tls: z
    .object({
      dir: z.string(),
      ca: z.string(),
      caKey: z.string(),
      clientCert: z.string(),
      clientKey: z.string(),
    })
    .optional(),
  /** Node N serves Prometheus metrics on this + N (start-network --metrics-base-port); absent: off. */
  metricsBasePort: z.number().int().positive().optional(),
  /** Nodes may listen beyond loopback without a key (start-network --insecure). */
  insecure: z.boolean().default(false),
  /** The dissemination strategy every node runs (start-network --strategy); absent: flood. */
  strategy: z
    .object({
      name: z.enum(STRATEGIES),
      fanout: z.number().int().positive(),
      roundMs: z.number().int().positive(),
      stop: z.enum(STOP_RULES),
      stopAfter: z.number().int().positive(),
      repair: z.boolean(),
    })
    .optional(),
  /** The fault every link starts with (start-network --delay ...), as the wire spells it; restarted nodes too. */
  faults: z.string().optional(),
  nodes: z.array(nodeEntrySchema),
});

export type NodeEntry = z.output<typeof nodeEntrySchema>;
export type NetworkState = z.output<typeof networkStateSchema>;

export async function readState(paths: HomePaths): Promise<NetworkState | undefined> {
  let text: string;
  try {
    text = await readFile(paths.stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GossipError('GOSSIP_ERR_STATE', `cannot read ${paths.stateFile}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(paths, 'it is not valid JSON');
  }
  const parsed = networkStateSchema.safeParse(json);
  if (!parsed.success) throw corrupt(paths, parsed.error.issues[0]?.message ?? 'unexpected content');
  return parsed.data;
}

/** Reads the state, or explains how to start a network. */
export async function requireState(paths: HomePaths): Promise<NetworkState> {
  const state = await readState(paths);
  if (state === undefined) {
    throw new GossipError(
      'GOSSIP_ERR_NO_NETWORK',
      `no network is running (no state in ${paths.home}); start one with: gossip start-network`,
    );
  }
  return state;
}

export async function writeState(paths: HomePaths, state: NetworkState): Promise<void> {
  await mkdir(paths.home, { recursive: true });
  const temp = `${paths.stateFile}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, paths.stateFile);
}

export async function removeState(paths: HomePaths): Promise<void> {
  await rm(paths.stateFile, { force: true });
}

function corrupt(paths: HomePaths, why: string): GossipError {
  return new GossipError(
    'GOSSIP_ERR_STATE',
    `the state file ${paths.stateFile} is damaged (${why}); stop any nodes by hand and delete it`,
  );
}
