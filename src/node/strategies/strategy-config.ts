// Which dissemination strategy a node runs and its knobs, checked by hand from flags or GOSSIP_* variables
// (a node loads no schema library; see protocol/requests.ts).

/** flood is the reference relay rule; the others run in rounds (see strategy-engine.ts). */
export const STRATEGIES = ['flood', 'push', 'pull', 'push-pull', 'anti-entropy'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Demers' two ways for rumor mongering to lose interest after a useless push. */
export const STOP_RULES = ['counter', 'coin'] as const;
export type StopRule = (typeof STOP_RULES)[number];

export interface StrategyConfig {
  name: StrategyName;
  /** Peers contacted per round (pushes per hot message, digests sent). */
  fanout: number;
  /** Round length; rounds start on multiples of it on the machine's clock, so nodes share round boundaries. */
  roundMs: number;
  stop: StopRule;
  /** counter: removed after this many useless pushes; coin: removed with probability 1/stopAfter after each. */
  stopAfter: number;
  /** Background anti-entropy (/SYNC between neighbours, 1-8 s): the repair behind every strategy. */
  repair: boolean;
}

/** The reference behaviour: flood relays, background repair on. */
export const DEFAULT_STRATEGY: StrategyConfig = {
  name: 'flood',
  fanout: 2,
  roundMs: 100,
  stop: 'counter',
  stopAfter: 2,
  repair: true,
};

const LIMITS = {
  fanout: ['--fanout', 1, 64],
  roundMs: ['--round-ms', 10, 60_000],
  stopAfter: ['--stop-after', 1, 1_000],
} as const;

/** Reads strategy, fanout, roundMs, stop, stopAfter, repair from commander-style options; pushes problems. */
export function parseStrategyOptions(input: Record<string, unknown>, problems: string[]): StrategyConfig {
  const config: StrategyConfig = { ...DEFAULT_STRATEGY };
  const choice = <T extends string>(key: string, flag: string, choices: readonly T[], fallback: T): T => {
    const value = input[key];
    if (value === undefined) return fallback;
    const found = choices.find((known) => known === value);
    if (found === undefined)
      problems.push(`${flag} must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return found ?? fallback;
  };
  config.name = choice('strategy', '--strategy', STRATEGIES, config.name);
  config.stop = choice('stop', '--stop', STOP_RULES, config.stop);
  config.repair = choice('repair', '--repair', ['on', 'off'] as const, 'on') === 'on';
  for (const key of ['fanout', 'roundMs', 'stopAfter'] as const) {
    const [flag, lowest, highest] = LIMITS[key];
    const value = input[key];
    if (value === undefined) continue;
    const parsed =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d{1,9}$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isInteger(parsed) || parsed < lowest || parsed > highest)
      problems.push(
        `${flag} must be a whole number from ${lowest} to ${highest} (got ${JSON.stringify(value)})`,
      );
    else config[key] = parsed;
  }
  return config;
}

/** The flags that reproduce a config (for the launcher). */
export function strategyArguments(config: StrategyConfig): string[] {
  return [
    '--strategy',
    config.name,
    '--fanout',
    String(config.fanout),
    '--round-ms',
    String(config.roundMs),
    '--stop',
    config.stop,
    '--stop-after',
    String(config.stopAfter),
    '--repair',
    config.repair ? 'on' : 'off',
  ];
}
