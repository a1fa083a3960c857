// Starts real `gossip node` processes for a test and tears every one of them down afterwards, by pid.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { askLine } from './raw.js';
import { waitFor } from './wait-for.js';

export const GOSSIP_BIN = fileURLToPath(new URL('../../bin/gossip.js', import.meta.url));

export interface NodeSpec {
  id: number;
  port: number;
  peers: Array<{ id: number; port: number }>;
  extraArgs?: string[];
}

export interface StartedNode {
  id: number;
  port: number;
  logFile: string;
  kill(signal: NodeJS.Signals): void;
  running(): boolean;
  /** Settles when the process exits. */
  exited: Promise<{ exitCode: number | undefined; stderr: string }>;
}

/** Tracks the daemons and temp dirs of one test file; call cleanup() in afterEach/afterAll. */
export class DaemonPool {
  private readonly nodes: StartedNode[] = [];
  private dir: string | undefined;

  async tempDir(): Promise<string> {
    this.dir ??= await mkdtemp(path.join(os.tmpdir(), 'gossip-test-'));
    return this.dir;
  }

  async start(spec: NodeSpec, { waitReady = true } = {}): Promise<StartedNode> {
    const dir = await this.tempDir();
    const logFile = path.join(dir, `node-${spec.id}-${spec.port}.log`);
    const peers = spec.peers.map((peer) => `${peer.id}@127.0.0.1:${peer.port}`).join(',');
    const args = ['node', '--id', String(spec.id), '--port', String(spec.port), '--log-file', logFile];
    if (peers !== '') args.push('--peers', peers);
    const child = execa(process.execPath, [GOSSIP_BIN, ...args, ...(spec.extraArgs ?? [])], {
      reject: false,
    });
    const node: StartedNode = {
      id: spec.id,
      port: spec.port,
      logFile,
      kill: (signal) => child.kill(signal),
      running: () => child.exitCode === null,
      exited: child.then((result) => ({ exitCode: result.exitCode, stderr: String(result.stderr) })),
    };
    this.nodes.push(node);
    // Generous: on a loaded 2-core machine a Node.js process can take seconds to start.
    if (waitReady)
      await waitFor(() => askLine(spec.port, '/HEALTH:'), {
        timeoutMs: 20_000,
        what: `node ${spec.id} to answer`,
      });
    return node;
  }

  /** Waits until every given node reports all of its links up. */
  async waitLinksUp(nodes: readonly StartedNode[]): Promise<void> {
    for (const node of nodes) {
      await waitFor(
        async () => {
          const health = (await askLine(node.port, '/HEALTH:')) as { links: { up: number; total: number } };
          return health.links.up === health.links.total;
        },
        { what: `links of node ${node.id}` },
      );
    }
  }

  async logLines(node: StartedNode): Promise<Array<Record<string, unknown>>> {
    const text = await readFile(node.logFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async cleanup(): Promise<void> {
    for (const node of this.nodes.splice(0)) {
      if (node.running()) node.kill('SIGKILL');
      await node.exited;
    }
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Ring 1-2-...-n-1 on consecutive ports after base. */
export function ringSpecs(n: number, base: number): NodeSpec[] {
  return Array.from({ length: n }, (_, index) => {
    const id = index + 1;
    const prev = ((id + n - 2) % n) + 1;
    const next = (id % n) + 1;
    return { id, port: base + id, peers: [prev, next].map((peer) => ({ id: peer, port: base + peer })) };
  });
}
