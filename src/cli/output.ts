// How every command reports: human text to stdout, or one JSON document with --json; errors to stderr.

import { GossipError, isGossipError } from '../errors.js';

export interface OutputOptions {
  json?: boolean | undefined;
}

export function printResult(options: OutputOptions, human: string | (() => string), json: unknown): void {
  if (options.json === true) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else {
    const text = typeof human === 'function' ? human() : human;
    if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Prints an error the way users should see it and returns the exit code. No stack traces for expected errors. */
export function reportError(error: unknown, json: boolean): number {
  const known = isGossipError(error)
    ? error
    : new GossipError('GOSSIP_ERR_INTERNAL', `unexpected failure: ${describe(error)}`, { cause: error });
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: known.message, code: known.code, ...known.details })}\n`);
  } else {
    process.stderr.write(`error: ${known.message}\n`);
    if (!isGossipError(error) && error instanceof Error && error.stack !== undefined) {
      process.stderr.write(
        `${error.stack}\n(this is a bug in gossip; please report it with the lines above)\n`,
      );
    }
  }
  return known.exitCode;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
