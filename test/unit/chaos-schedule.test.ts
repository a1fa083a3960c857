// The chaos nemesis schedule: a pure function of seed, options and node set (the same seed gives the same
// schedule), which uses only the kinds asked for and stays conservative enough for the cluster to converge.

import { describe, expect, it } from 'vitest';
import { CHAOS_FAULTS, type ChaosFault, type NemesisStep } from '../../src/chaos/history.js';
import { describeStep, planSchedule, type ScheduleOptions } from '../../src/chaos/schedule.js';

const EIGHT = [1, 2, 3, 4, 5, 6, 7, 8];
const options = (seed: number, extra: Partial<ScheduleOptions> = {}): ScheduleOptions => ({
  seed,
  durationMs: 15_000,
  faults: CHAOS_FAULTS,
  nodes: EIGHT,
  nextId: 9,
  ...extra,
});
const injected = (steps: NemesisStep[]): Set<ChaosFault> =>
  new Set(steps.filter((step) => step.action === 'inject').map((step) => step.kind));

/** Plays a schedule and throws at the first step that breaks a rule of the nemesis. */
function replay(steps: readonly NemesisStep[], { nodes, nextId, durationMs }: ScheduleOptions): void {
  const live = new Set(nodes);
  const down = new Set<number>();
  const removed = new Set<number>();
  const open = new Map<number, NemesisStep>();
  let next = nextId;
  let lastAt = 0;
  const fail = (step: NemesisStep, why: string): never => {
    throw new Error(`${describeStep(step)} at ${step.atMs} ms: ${why}`);
  };
  for (const step of steps) {
    if (step.atMs < lastAt) fail(step, 'out of order');
    lastAt = step.atMs;
    if (step.atMs > durationMs) fail(step, 'after the end of the run');
    const node = step.nodes[0] ?? 0;
    const inForce = [...open.values()].map((other) => other.kind);
    if (step.action === 'lift') {
      if (open.get(step.fault)?.kind !== step.kind) fail(step, 'lifts a fault that is not in force');
      open.delete(step.fault);
      down.delete(node);
      continue;
    }
    switch (step.kind) {
      case 'kill':
      case 'stop':
        if (!live.has(node) || down.has(node)) fail(step, 'not an up node');
        down.add(node);
        if (2 * down.size >= live.size) fail(step, `${down.size} of ${live.size} nodes down`);
        break;
      case 'partition': {
        if (inForce.includes('partition')) fail(step, 'a second partition');
        const groups = step.groups ?? [];
        const members = groups.flat().sort((a, b) => a - b);
        if (groups.length < 2 || groups.some((group) => group.length === 0)) fail(step, 'not two groups');
        if (members.join() !== [...live].sort((a, b) => a - b).join())
          fail(step, 'groups are not the live nodes');
        break;
      }
      case 'loss':
      case 'delay':
        if (inForce.includes('loss') || inForce.includes('delay')) fail(step, 'a second link fault');
        if (!(step.everyLink === true ? step.nodes.length === 0 : live.has(node))) fail(step, 'bad target');
        if (!/^(loss=\d+,seed=\d+|delay=\d+,jitter=\d+)$/.test(step.spec ?? ''))
          fail(step, `spec ${step.spec}`);
        break;
      case 'remove':
        if (open.size > 0) fail(step, `removal while ${inForce.join(', ')} in force`);
        if (!live.has(node)) fail(step, 'not a live node');
        live.delete(node);
        removed.add(node);
        if (live.size < Math.max(3, Math.ceil(nodes.length * 0.6))) fail(step, 'too few nodes left');
        break;
      case 'restart':
        if (!removed.delete(node)) fail(step, 'not a removed node');
        if (inForce.includes('partition')) fail(step, 'started into a partition');
        live.add(node);
        break;
      case 'add':
        if (node !== next) fail(step, `expected new node ${next}`);
        if (inForce.includes('stop')) fail(step, 'added while a node is stopped');
        if (inForce.includes('partition')) fail(step, 'started into a partition');
        next += 1;
        live.add(node);
        break;
    }
    if (['kill', 'stop', 'partition', 'loss', 'delay'].includes(step.kind)) open.set(step.fault, step);
  }
  if (open.size > 0) throw new Error(`never lifted: ${[...open.values()].map(describeStep).join(', ')}`);
}

describe('the chaos schedule', () => {
  it('is a pure function of the seed, the options and the node set', () => {
    expect(planSchedule(options(7))).toEqual(planSchedule(options(7)));
    expect(planSchedule(options(7))).not.toEqual(planSchedule(options(8)));
    expect(planSchedule(options(7))).not.toEqual(
      planSchedule(options(7, { nodes: [1, 2, 3, 4, 5, 6, 7, 9] })),
    );
    expect(planSchedule(options(7))).not.toEqual(planSchedule(options(7, { durationMs: 30_000 })));
  });

  it('keeps its rules for many seeds, node counts and durations: a minority down, one partition, calm removals', () => {
    for (let seed = 0; seed < 300; seed += 1) {
      const n = 4 + (seed % 13);
      const plan = options(seed, {
        nodes: Array.from({ length: n }, (_, index) => index + 1),
        nextId: n + 1,
        durationMs: 5_000 + (seed % 7) * 5_000,
      });
      expect(() => replay(planSchedule(plan), plan), `seed ${seed}`).not.toThrow();
    }
  });

  it('gives every fault kind within 15 s on 8 nodes for nearly every seed, and for the suite run (seed 5, 10 s)', () => {
    const seeds = Array.from({ length: 100 }, (_, seed) => seed);
    const complete = seeds.filter(
      (seed) => injected(planSchedule(options(seed))).size === CHAOS_FAULTS.length,
    );
    expect(complete.length).toBeGreaterThanOrEqual(95);
    expect([...injected(planSchedule(options(5, { durationMs: 10_000 })))].sort()).toEqual(
      [...CHAOS_FAULTS].sort(),
    );
  });

  it('uses only the kinds asked for; a restart needs a removal before it', () => {
    const steps = planSchedule(options(5, { faults: ['partition', 'loss'] }));
    expect([...injected(steps)].sort()).toEqual(['loss', 'partition']);
    expect(injected(planSchedule(options(5, { faults: ['restart'] }))).size).toBe(0);
    const withRemove = planSchedule(options(5, { faults: ['restart', 'remove'] }));
    expect(withRemove.find((step) => step.kind === 'restart')?.nodes).toEqual(
      withRemove.find((step) => step.kind === 'remove')?.nodes,
    );
  });

  it('describes its steps for people', () => {
    const step = (kind: ChaosFault, extra: Partial<NemesisStep> = {}): NemesisStep => ({
      atMs: 0,
      fault: 1,
      action: 'inject',
      kind,
      nodes: [5],
      ...extra,
    });
    expect(describeStep(step('kill'))).toBe('kill node 5 (SIGKILL)');
    expect(describeStep(step('kill', { action: 'lift' }))).toBe('restart killed node 5');
    expect(describeStep(step('partition', { groups: [[1, 2], [3]] }))).toBe('partition {1,2} | {3}');
    expect(describeStep(step('loss', { spec: 'loss=12,seed=4', everyLink: true, nodes: [] }))).toBe(
      'loss 12% on every link',
    );
    expect(describeStep(step('delay', { spec: 'delay=100,jitter=20', everyLink: false }))).toBe(
      "delay 100±20 ms on node 5's links",
    );
  });
});
