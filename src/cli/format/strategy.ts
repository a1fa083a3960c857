// How the CLI names a network's dissemination strategy (start-network, status, experiment).

import type { StrategyConfig } from '../../node/strategies/strategy-config.js';

/** "counter 2" or "coin 1/2": when a push strategy stops pushing a message. */
export function describeStopRule(strategy: StrategyConfig): string {
  return `${strategy.stop} ${strategy.stop === 'coin' ? `1/${strategy.stopAfter}` : strategy.stopAfter}`;
}

export function describeStrategy(strategy: StrategyConfig | undefined): string {
  if (strategy === undefined || strategy.name === 'flood')
    return `flood (reference relay rule)${strategy?.repair === false ? ', repair off' : ''}`;
  const stop =
    strategy.name === 'push' || strategy.name === 'push-pull' ? `, stop ${describeStopRule(strategy)}` : '';
  return `${strategy.name}, fanout ${strategy.fanout}, rounds of ${strategy.roundMs} ms${stop}, repair ${strategy.repair ? 'on' : 'off'}`;
}
