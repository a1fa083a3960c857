// The root command and how a parse runs: shared by the full CLI (main.ts) and the entry of `gossip node`
// alone (node-main.ts). The only place that calls process.exit.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ERROR_CODES } from '../errors.js';
import { reportError } from './output.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function rootCommand(): Command {
  return new Command('gossip')
    .description('A real, networked gossip cluster: one process per node, line-delimited TCP.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/** Parses argv and runs the command; maps errors to exit codes. */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help / version text).
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      process.exit(ok || error.exitCode === 0 ? 0 : ERROR_CODES.GOSSIP_ERR_USAGE);
    }
    process.exit(reportError(error, json));
  }
}
