// CLI entry: parse, run, map errors to exit codes. The only place that calls process.exit.

import { CommanderError } from 'commander';
import { ERROR_CODES } from '../errors.js';
import { reportError } from './output.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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
