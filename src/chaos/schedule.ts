// The nemesis of `gossip chaos`: which fault, on which nodes, when, and when it is lifted. A pure function
// of the seed, the options and the node set, so a seed replays the same schedule. It simulates what it
// plans (who is down, removed, added; whether a partition or a link fault is in force) to stay conservative
// enough that the cluster can converge: fewer than half the live nodes down at once, one partition and one
// link fault at a time, no removal while anything else is in force (a node that leaves for good must have
// passed on what it holds), no node started into a partition whose groups it is not in, no node added
// while one is stopped (the splice would wait for it).

import { describeFault, parseFaultSpec } from '../protocol/fault-spec.js';
import { createPrng, pick, type Rng, shuffle } from '../topology/prng.js';
import type { ChaosFault, NemesisStep } from './history.js';

export interface ScheduleOptions {
  seed: number;
  durationMs: number;
  faults: readonly ChaosFault[];
  /** The live nodes when the run begins. */
  nodes: readonly number[];
  /** The id the next added node gets (one more than every id the network ever had). */
  nextId: number;
}

/** Faults begin after this, so the workload's first messages spread on a healthy network. */
export const WARMUP_MS = 1_000;
/** Time between two injections. */
const GAP_MS: readonly [number, number] = [400, 1_400];
/** How long a kill, partition or link fault lasts; a stop may end before failure detection (1.5 s) notices. */
const HOLD_MS: readonly [number, number] = [1_500, 4_000];
const STOP_HOLD_MS: readonly [number, number] = [800, 3_500];
/** Removals leave at least this share of the nodes the run began with (and at least 3). */
const MIN_LIVE_SHARE = 0.6;

interface Plan {
  readonly rng: Rng;
  readonly options: ScheduleOptions;
  live: number[];
  /** Nodes killed or stopped, until their lift. */
  down: Map<number, 'kill' | 'stop'>;
  removed: number[];
  nextId: number;
  partitionUntil: number;
  linkFaultUntil: number;
  lifts: NemesisStep[];
  steps: NemesisStep[];
  fault: number;
}

export function planSchedule(options: ScheduleOptions): NemesisStep[] {
  const rng = createPrng(Math.imul(options.seed, 0x2545f491) ^ 0x6368616f);
  const plan: Plan = {
    rng,
    options,
    live: [...options.nodes].sort((a, b) => a - b),
    down: new Map(),
    removed: [],
    nextId: options.nextId,
    partitionUntil: 0,
    linkFaultUntil: 0,
    lifts: [],
    steps: [],
    fault: 0,
  };
  const order = faultOrder(rng, options.faults);
  let queue: ChaosFault[] = [];
  let skippedInARow = 0;
  let t = Math.min(WARMUP_MS, options.durationMs / 10);
  while (order.length > 0 && t + HOLD_MS[0] < options.durationMs) {
    applyLifts(plan, t);
    if (queue.length === 0) queue = [...order];
    const kind = queue[0] as ChaosFault;
    const outcome = inject(plan, kind, t);
    if (outcome === 'wait' && plan.lifts.length > 0) {
      // Something in force stands in the way: go on when the next fault is lifted.
      t = Math.min(...plan.lifts.map((lift) => lift.atMs)) + 1;
      continue;
    }
    queue.shift();
    if (outcome === 'done') {
      skippedInARow = 0;
      t += between(rng, GAP_MS);
    } else if (++skippedInARow >= order.length) {
      skippedInARow = 0;
      t += between(rng, GAP_MS);
    }
  }
  applyLifts(plan, Number.POSITIVE_INFINITY);
  return plan.steps.sort((a, b) => a.atMs - b.atMs || a.fault - b.fault);
}

/** A seeded order of the kinds, with a restart after the removal it can undo. */
function faultOrder(rng: Rng, faults: readonly ChaosFault[]): ChaosFault[] {
  const order = shuffle(rng, [...new Set(faults)]);
  const restart = order.indexOf('restart');
  const remove = order.indexOf('remove');
  if (restart !== -1 && remove > restart) {
    order.splice(restart, 1);
    order.splice(order.indexOf('remove') + 1, 0, 'restart');
  }
  return order;
}

function applyLifts(plan: Plan, t: number): void {
  const due = plan.lifts.filter((lift) => lift.atMs <= t);
  plan.lifts = plan.lifts.filter((lift) => lift.atMs > t);
  for (const lift of due) {
    if (lift.kind === 'kill' || lift.kind === 'stop') plan.down.delete(lift.nodes[0] as number);
    plan.steps.push(lift);
  }
}

/** Plans one injection of `kind` at t: done, wait (something in force prevents it), or skip (never now). */
function inject(plan: Plan, kind: ChaosFault, t: number): 'done' | 'wait' | 'skip' {
  const { rng, options } = plan;
  const up = plan.live.filter((id) => !plan.down.has(id));
  const partitioned = plan.partitionUntil > t;
  const room = options.durationMs - t - 1;
  const hold = (range: readonly [number, number]) => Math.min(between(rng, range), room);
  switch (kind) {
    case 'kill':
    case 'stop': {
      // Fewer than half of the live nodes down, counting this one.
      if (2 * (plan.down.size + 1) >= plan.live.length || up.length === 0)
        return plan.down.size > 0 ? 'wait' : 'skip';
      const node = pick(rng, up);
      plan.down.set(node, kind);
      addFault(plan, { atMs: t, kind, nodes: [node] }, hold(kind === 'stop' ? STOP_HOLD_MS : HOLD_MS));
      return 'done';
    }
    case 'partition': {
      if (partitioned) return 'wait';
      if (plan.live.length < 2) return 'skip';
      const groups = splitInTwo(rng, plan.live);
      plan.partitionUntil = t + hold(HOLD_MS);
      addFault(plan, { atMs: t, kind, nodes: [], groups }, plan.partitionUntil - t);
      return 'done';
    }
    case 'loss':
    case 'delay': {
      if (plan.linkFaultUntil > t) return 'wait';
      const everyLink = rng() < 0.5;
      const spec = kind === 'loss' ? lossSpec(rng) : delaySpec(rng);
      const nodes = everyLink ? [] : [pick(rng, up)];
      plan.linkFaultUntil = t + hold(HOLD_MS);
      addFault(plan, { atMs: t, kind, nodes, spec, everyLink }, plan.linkFaultUntil - t);
      return 'done';
    }
    case 'remove': {
      const floor = Math.max(3, Math.ceil(options.nodes.length * MIN_LIVE_SHARE));
      if (plan.live.length - 1 < floor) return 'skip';
      if (plan.down.size > 0 || partitioned || plan.linkFaultUntil > t) return 'wait';
      const node = pick(rng, up);
      plan.live = plan.live.filter((id) => id !== node);
      plan.removed.push(node);
      addFault(plan, { atMs: t, kind, nodes: [node] });
      return 'done';
    }
    case 'restart': {
      if (plan.removed.length === 0) return 'skip';
      if (partitioned) return 'wait';
      const node = plan.removed.shift() as number;
      plan.live = [...plan.live, node].sort((a, b) => a - b);
      addFault(plan, { atMs: t, kind, nodes: [node] });
      return 'done';
    }
    case 'add': {
      // A stopped node would hold up the splice (it is asked for its links, and never answers).
      if (partitioned || [...plan.down.values()].includes('stop')) return 'wait';
      const node = plan.nextId;
      plan.nextId += 1;
      plan.live = [...plan.live, node];
      addFault(plan, { atMs: t, kind, nodes: [node] });
      return 'done';
    }
  }
}

/** Records an injection and, for a fault that lasts, its lift `holdMs` later. */
function addFault(plan: Plan, step: Omit<NemesisStep, 'fault' | 'action'>, holdMs?: number): void {
  plan.fault += 1;
  const injected: NemesisStep = { ...step, fault: plan.fault, action: 'inject' };
  plan.steps.push(injected);
  if (holdMs !== undefined)
    plan.lifts.push({ ...injected, atMs: step.atMs + Math.round(holdMs), action: 'lift' });
}

/** Two non-empty groups, each node in one. */
function splitInTwo(rng: Rng, nodes: readonly number[]): number[][] {
  const shuffled = shuffle(rng, [...nodes]);
  const cut = 1 + Math.floor(rng() * (shuffled.length - 1));
  return [shuffled.slice(0, cut), shuffled.slice(cut)]
    .map((group) => group.sort((a, b) => a - b))
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

function lossSpec(rng: Rng): string {
  return `loss=${5 + Math.floor(rng() * 36)},seed=${Math.floor(rng() * 1_000_000)}`;
}

function delaySpec(rng: Rng): string {
  const delay = 20 + Math.floor(rng() * 181);
  return `delay=${delay},jitter=${Math.floor(rng() * (delay / 2))}`;
}

function between(rng: Rng, [low, high]: readonly [number, number]): number {
  return Math.round(low + rng() * (high - low));
}

/** For people: `kill node 5 (SIGKILL)`, `partition {1,4} | {2,3,5}`, `loss 12% on every link`. */
export function describeStep(step: NemesisStep): string {
  const node = step.nodes[0];
  const lift = step.action === 'lift';
  switch (step.kind) {
    case 'kill':
      return lift ? `restart killed node ${node}` : `kill node ${node} (SIGKILL)`;
    case 'stop':
      return lift ? `continue node ${node} (SIGCONT)` : `stop node ${node} (SIGSTOP)`;
    case 'partition':
      return lift
        ? 'heal the partition'
        : `partition ${(step.groups ?? []).map((group) => `{${group.join(',')}}`).join(' | ')}`;
    case 'loss':
    case 'delay': {
      const where = step.everyLink === true ? 'every link' : `node ${node}'s links`;
      if (lift) return `clear the ${step.kind} on ${where}`;
      const parsed = parseFaultSpec(step.spec ?? 'clear');
      return `${parsed.ok ? describeFault(parsed.fault) : step.spec} on ${where}`;
    }
    case 'remove':
      return `remove node ${node}`;
    case 'restart':
      return `restart removed node ${node}`;
    case 'add':
      return `add node ${node}`;
  }
}
