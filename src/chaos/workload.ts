// The client workload of `gossip chaos`: `rate` messages a second, each to a random node that is up, for
// the length of the run; every submission is recorded with its acknowledgement (the id the node answered)
// or its failure. Bounded: at most rate x duration messages, at most MAX_IN_FLIGHT waiting at once.

import { setTimeout as sleep } from 'node:timers/promises';
import { submitMessage } from '../client/node-client.js';
import { createPrng, pick } from '../topology/prng.js';
import type { ChaosCluster } from './cluster.js';
import type { HistoryRecord } from './history.js';

/** Submissions that may wait for their answer at once; beyond, a slot is skipped (and recorded as failed). */
const MAX_IN_FLIGHT = 64;
/** A node that has not acknowledged by then counts as not having acknowledged. */
const SUBMIT_TIMEOUT_MS = 3_000;

export interface WorkloadOptions {
  seed: number;
  rate: number;
  durationMs: number;
  cluster: ChaosCluster;
  record: (record: HistoryRecord) => void;
  signal: AbortSignal;
}

/** Resolves once the last submission was answered (or gave up). */
export async function runWorkload(options: WorkloadOptions): Promise<void> {
  const { rate, durationMs, cluster, record, signal } = options;
  const random = createPrng(options.seed ^ 0x776f726b);
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const startMs = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let seq = 1; seq <= total && !signal.aborted; seq += 1) {
    const dueMs = startMs + ((seq - 1) * 1000) / rate;
    if (dueMs > Date.now()) await sleep(dueMs - Date.now(), undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    const up = cluster.up();
    const text = `chaos-${options.seed}-${seq}`;
    const atMs = Date.now();
    if (up.length === 0 || inFlight.size >= MAX_IN_FLIGHT) {
      // Sent nowhere (node 0): recorded so that the count of submissions is honest.
      const error = up.length === 0 ? 'no node is up' : `${MAX_IN_FLIGHT} submissions already waiting`;
      record({ type: 'submit', atMs, seq, node: 0, text, error });
      continue;
    }
    const target = pick(random, up);
    const submission = submitMessage(target, text, 1, SUBMIT_TIMEOUT_MS).then(
      ({ id }) => record({ type: 'submit', atMs, seq, node: target.id, text, ackAtMs: Date.now(), id }),
      (error: unknown) =>
        record({ type: 'submit', atMs, seq, node: target.id, text, error: (error as Error).message }),
    );
    inFlight.add(submission);
    void submission.finally(() => inFlight.delete(submission));
  }
  await Promise.all(inFlight);
}
