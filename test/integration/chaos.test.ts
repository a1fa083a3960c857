// `gossip chaos` end to end: a short seeded run with every fault kind on a network it starts itself, a
// valid verdict, its history checked again to the same verdict, and every process it started gone.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAOS_FAULTS, type HistoryRecord } from '../../src/chaos/history.js';
import { isAlive } from '../../src/network/processes.js';
import { gossip } from '../helpers/cli.js';
import { NetworkPool } from '../helpers/network.js';
import { allocatePortRange } from '../helpers/ports.js';

const pool = new NetworkPool();
// stop-network in every home: a safety net should the run itself fail to stop its network.
afterAll(() => pool.cleanup());

/** The schedule of seed 5 over 10 s on 8 nodes has every kind of fault (the schedule's unit test pins it). */
const SEED = '5';

interface Report {
  valid: boolean;
  violations: Array<{ text: string }>;
  figures: {
    acknowledged: number;
    submitted: number;
    faults: Record<string, number>;
    deliveries: { expected: number; held: number };
    converged: { ok: boolean };
  };
}

describe('gossip chaos', () => {
  it('runs every fault kind on 8 nodes, finds the history valid, and stops what it started', async () => {
    const home = await pool.home();
    // 8 nodes, and room for the ones it adds.
    const basePort = await allocatePortRange(12);
    const historyFile = path.join(home, 'history.ndjson');
    const args = ['chaos', '--start', '-n', '8', '--base-port', String(basePort), '--duration', '10'];
    const run = await gossip(
      [...args, '--rate', '10', '--seed', SEED, '--history', historyFile, '--json'],
      home,
    );
    const report = JSON.parse(run.stdout || '{}') as Report;
    expect(report.violations ?? run.stderr, run.stderr).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(report.valid).toBe(true);
    for (const kind of CHAOS_FAULTS) expect(report.figures.faults[kind], kind).toBeGreaterThan(0);
    expect(report.figures.submitted).toBe(100);
    // Most submissions find their node up; the few sent to a node as it stops may go unanswered.
    expect(report.figures.acknowledged).toBeGreaterThan(80);
    expect(report.figures.deliveries.held).toBe(report.figures.deliveries.expected);
    expect(report.figures.converged.ok).toBe(true);

    // The history file says the same when checked again, with no network at all.
    const again = await gossip(['chaos', '--check', historyFile, '--json'], home);
    expect(again.exitCode, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as Report).figures).toEqual(report.figures);

    // Every node process it ever ran (started, restarted, added) is gone, and so is the network's state.
    const records = (await readFile(historyFile, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as HistoryRecord);
    const pids = records.flatMap((record) =>
      record.type === 'process' || record.type === 'alive' ? [record.pid] : [],
    );
    expect(pids.length).toBeGreaterThan(8);
    expect(pids.filter(isAlive)).toEqual([]);
    expect((await gossip(['status'], home)).exitCode).toBe(3);
  });
});
