import { describe, expect, it } from 'vitest';
import { arrivalOf } from '../../src/node/arrival.js';
import type { CounterName } from '../../src/node/counters.js';
import { compareByClock, MessageStore, type StoredMessage } from '../../src/node/message-store.js';
import { digestEntry, digestOf, lacking, mergeClock, tickClock } from '../../src/node/strategies/digest.js';
import { applyFeedback, pickPeers, planPushes, type Rumor } from '../../src/node/strategies/rumor.js';
import {
  DEFAULT_STRATEGY,
  parseStrategyOptions,
  type StrategyConfig,
  strategyArguments,
} from '../../src/node/strategies/strategy-config.js';
import { StrategyEngine } from '../../src/node/strategies/strategy-engine.js';
import { MAX_DIGEST_ENTRIES } from '../../src/protocol/message-requests.js';
import { createPrng } from '../../src/topology/prng.js';

describe('pickPeers', () => {
  it('picks k distinct peers among those given, all of them when k is larger', () => {
    const random = createPrng(1);
    for (let trial = 0; trial < 50; trial += 1) {
      const picked = pickPeers([1, 2, 3, 4, 5, 6], 3, random);
      expect(new Set(picked).size).toBe(3);
      for (const peer of picked) expect([1, 2, 3, 4, 5, 6]).toContain(peer);
    }
    expect(pickPeers([4, 5], 3, random).sort()).toEqual([4, 5]);
    expect(pickPeers([], 2, random)).toEqual([]);
  });

  it('is uniform: each of 4 peers is picked about a quarter of the time', () => {
    const random = createPrng(7);
    const hits = new Map<number, number>();
    for (let trial = 0; trial < 4000; trial += 1) {
      const [peer = 0] = pickPeers([1, 2, 3, 4], 1, random);
      hits.set(peer, (hits.get(peer) ?? 0) + 1);
    }
    for (const peer of [1, 2, 3, 4]) expect(hits.get(peer)).toBeGreaterThan(850);
  });
});

describe('rumor mongering decisions', () => {
  const rumor = (learnedRound: number, active = true): Rumor => ({ useless: 0, active, learnedRound });

  it('pushes active rumors learned in an earlier round, each to fanout peers', () => {
    const rumors = new Map([
      ['old_1', rumor(4)],
      ['new_2', rumor(5)],
      ['dead_3', rumor(1, false)],
    ]);
    const plan = planPushes(rumors, [7, 8, 9], { fanout: 2, round: 5 }, createPrng(3));
    expect(plan.map((entry) => entry.id)).toEqual(['old_1']);
    expect(plan[0]?.to).toHaveLength(2);
    expect(planPushes(rumors, [], { fanout: 2, round: 9 }, createPrng(3))).toEqual([]);
  });

  it('counter: stops after stopAfter useless pushes; useful ones do not count', () => {
    const state = rumor(0);
    const rule = { stop: 'counter' as const, stopAfter: 2 };
    expect(applyFeedback(state, false, rule, () => 0)).toBe(false);
    expect(applyFeedback(state, true, rule, () => 0)).toBe(false);
    expect(state.useless).toBe(1);
    expect(applyFeedback(state, false, rule, () => 0)).toBe(true);
    expect(state.active).toBe(false);
    // Replies that come back after it stopped change nothing.
    expect(applyFeedback(state, false, rule, () => 0)).toBe(false);
    expect(state.useless).toBe(2);
  });

  it('coin: stops with probability 1/stopAfter after each useless push', () => {
    const rule = { stop: 'coin' as const, stopAfter: 4 };
    const heads = rumor(0);
    expect(applyFeedback(heads, false, rule, () => 0.3)).toBe(false);
    expect(applyFeedback(heads, false, rule, () => 0.2)).toBe(true);
    const random = createPrng(11);
    let stopped = 0;
    for (let trial = 0; trial < 4000; trial += 1)
      if (applyFeedback(rumor(0), false, rule, random)) stopped += 1;
    expect(stopped / 4000).toBeGreaterThan(0.22);
    expect(stopped / 4000).toBeLessThan(0.28);
  });
});

describe('digests and clocks', () => {
  it('hashes ids to 8 lowercase hex digits, the same on every call', () => {
    expect(digestEntry('Hello_1')).toMatch(/^[0-9a-f]{8}$/);
    expect(digestEntry('Hello_1')).toBe(digestEntry('Hello_1'));
    expect(digestEntry('Hello_1')).not.toBe(digestEntry('Hello_2'));
    expect(digestEntry('')).toBe('811c9dc5');
  });

  it('keeps the most recent entries when a digest would be too long, and finds what is lacking', () => {
    const entries = Array.from({ length: MAX_DIGEST_ENTRIES + 5 }, (_, index) => digestEntry(`m_${index}`));
    const digest = digestOf(entries);
    expect(digest).toHaveLength(MAX_DIGEST_ENTRIES);
    expect(digest.at(-1)).toBe(entries.at(-1));
    expect(lacking(['a', 'b', 'c'], new Set(['b']))).toEqual(['a', 'c']);
  });

  it('Lamport: a submission ticks, a receipt moves past the received clock', () => {
    expect(tickClock(4)).toBe(5);
    expect(mergeClock(4, 9)).toBe(10);
    expect(mergeClock(12, 9)).toBe(13);
  });

  it('orders messages by clock, then origin time, then id', () => {
    const store = new MessageStore();
    // The origin time is the number after the id's last underscore.
    const add = (id: string, clock: number): StoredMessage =>
      store.add({ id, origin: 1, relays: 1, clock }, arrivalOf([1], 0, 'origin'));
    add('late-wall-early-clock_9', 1);
    add('b_5', 3);
    add('a_5', 3);
    add('first-of-clock-3_2', 3);
    add('ten-is-after-two_10', 3);
    expect(store.select('all').map((message) => message.id)).toEqual([
      'late-wall-early-clock_9',
      'first-of-clock-3_2',
      'a_5',
      'b_5',
      'ten-is-after-two_10',
    ]);
    const [x, y] = store.select('all');
    if (x !== undefined && y !== undefined) expect(compareByClock(x, y)).toBeLessThan(0);
  });
});

describe('strategy options', () => {
  it('defaults to flood, and reads every knob from strings', () => {
    expect(parseStrategyOptions({}, [])).toEqual(DEFAULT_STRATEGY);
    const problems: string[] = [];
    const config = parseStrategyOptions(
      { strategy: 'push', fanout: '3', roundMs: '50', stop: 'coin', stopAfter: '4', repair: 'off' },
      problems,
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      name: 'push',
      fanout: 3,
      roundMs: 50,
      stop: 'coin',
      stopAfter: 4,
      repair: false,
    });
    expect(parseStrategyOptions(Object.fromEntries(pairs(strategyArguments(config))), [])).toEqual(config);
  });

  it('names each bad option', () => {
    const problems: string[] = [];
    parseStrategyOptions(
      { strategy: 'gossipy', fanout: '0', roundMs: '5', stop: 'dice', repair: 'maybe' },
      problems,
    );
    expect(problems.join('\n')).toMatch(
      /--strategy must be one of flood, push, pull, push-pull, anti-entropy/,
    );
    expect(problems.join('\n')).toMatch(/--fanout must be a whole number from 1 to 64/);
    expect(problems.join('\n')).toMatch(/--round-ms/);
    expect(problems.join('\n')).toMatch(/--stop must be one of counter, coin/);
    expect(problems.join('\n')).toMatch(/--repair must be one of on, off/);
  });
});

/** ['--round-ms', '50'] -> ['roundMs', '50'] */
function pairs(args: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let index = 0; index < args.length; index += 2) {
    const key = (args[index] ?? '').slice(2).replace(/-(\w)/g, (_, char: string) => char.toUpperCase());
    out.push([key === 'strategy' ? 'strategy' : key, args[index + 1] ?? '']);
  }
  return out;
}

describe('StrategyEngine', () => {
  function setup(config: Partial<StrategyConfig>) {
    let now = 1_000;
    const sent: Array<[number, string]> = [];
    const counts = new Map<CounterName, number>();
    const delivered: string[] = [];
    const engine = new StrategyEngine(
      { ...DEFAULT_STRATEGY, roundMs: 100, ...config },
      {
        livePeers: () => [2, 3, 4],
        send: (peer, line) => sent.push([peer, line]),
        deliverFrom: (message) => {
          delivered.push(message.id);
          return true;
        },
        count: (name, amount = 1) => counts.set(name, (counts.get(name) ?? 0) + amount),
        random: createPrng(5),
        now: () => now,
      },
    );
    const store = new MessageStore();
    const learn = (id: string): StoredMessage => {
      const message = store.add({ id, origin: 1, relays: 1, clock: 3 }, arrivalOf([1], now, 'origin'));
      engine.track(message);
      engine.learned(message, 'origin');
      return message;
    };
    return { engine, sent, counts, delivered, learn, advance: (ms: number) => (now += ms) };
  }

  it('push: a rumor goes out from the next round on, to fanout peers, until the counter stops it', () => {
    const { engine, sent, counts, learn, advance } = setup({ name: 'push', fanout: 2, stopAfter: 1 });
    learn('Hi_1');
    engine.round();
    expect(sent).toEqual([]);
    advance(100);
    engine.round();
    expect(sent).toHaveLength(2);
    expect(sent[0]?.[1]).toBe('/PUSH:1|["Hi_1",[1],3]\n');
    expect(engine.hotRumors()).toBe(1);
    engine.feedback('Hi_1', false);
    expect(engine.hotRumors()).toBe(0);
    expect(counts.get('rumorsStopped')).toBe(1);
    advance(100);
    engine.round();
    expect(sent).toHaveLength(2);
  });

  it('pull: sends its digest to fanout peers; serves only what the asker lacks and it held before this round', () => {
    const { engine, sent, learn, advance } = setup({ name: 'pull', fanout: 1 });
    learn('Old_1');
    advance(100);
    learn('Fresh_2');
    engine.round();
    expect(sent).toHaveLength(1);
    const digest = (sent[0]?.[1] ?? '').trim().split('|')[1]?.split(',');
    expect(digest).toEqual([digestEntry('Old_1'), digestEntry('Fresh_2')]);
    expect(engine.servePull([], false, 1).messages.map((message) => message.id)).toEqual(['Old_1']);
    expect(engine.servePull([digestEntry('Old_1')], false, 1).messages).toEqual([]);
    advance(100);
    expect(engine.servePull([digestEntry('Old_1')], false, 1).messages.map((m) => m.id)).toEqual(['Fresh_2']);
  });

  it('anti-entropy: an exchange reports what the server lacks, and the asker pushes it', () => {
    const { engine, sent, delivered, learn, advance } = setup({ name: 'anti-entropy' });
    learn('Mine_1');
    advance(100);
    const reply = engine.servePull(['0000beef', digestEntry('Mine_1')], true, 1);
    expect(reply.lacks).toEqual(['0000beef']);
    engine.receivePull(3, {
      node: 3,
      messages: [{ id: 'Theirs_2', relays: 1, path: [3], clock: 1 }],
      lacks: [digestEntry('Mine_1')],
    });
    expect(delivered).toEqual(['Theirs_2']);
    expect(sent).toEqual([[3, '/PUSH:1|["Mine_1",[1],3]\n']]);
  });
});
