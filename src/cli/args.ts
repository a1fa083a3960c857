// Validation of CLI arguments (a trust boundary): clear errors that name the option and what it accepts.

import { z } from 'zod';
import { GossipError } from '../errors.js';
import { parseStrategyOptions, type StrategyConfig } from '../node/strategies/strategy-config.js';
import { MAX_RELAYS } from '../protocol/limits.js';

export function parseInteger(name: string, value: unknown, min: number, max: number): number {
  const parsed = z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .safeParse(typeof value === 'string' ? value.trim() : value);
  if (!parsed.success || (typeof value === 'string' && !/^-?\d+$/.test(value.trim()))) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `${name} must be a whole number from ${min} to ${max} (got "${String(value)}")`,
    );
  }
  return parsed.data;
}

/** A decimal number (e.g. a fraction like 0.25) within [min, max]. */
export function parseDecimal(name: string, value: unknown, min: number, max: number): number {
  const text = typeof value === 'string' ? value.trim() : String(value);
  const parsed = Number(text);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text) || !(parsed >= min && parsed <= max)) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `${name} must be a number from ${min} to ${max} (got "${text}")`,
    );
  }
  return parsed;
}

export function parseRelays(value: unknown): number {
  return parseInteger('--relays', value, 1, MAX_RELAYS);
}

export function parseChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new GossipError(
    'GOSSIP_ERR_BAD_ARGUMENT',
    `${name} must be one of ${choices.join(', ')} (got "${String(value)}")`,
  );
}

/** The strategy options of start-network and experiment, checked as a node would check them. */
export function parseStrategy(options: Record<string, unknown>): StrategyConfig {
  const problems: string[] = [];
  const strategy = parseStrategyOptions(options, problems);
  if (problems.length > 0) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', problems.join('; '));
  return strategy;
}
