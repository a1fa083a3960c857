// CLI entry: every command (bin/gossip.js starts `gossip node` through node-main.ts instead).

import { buildProgram } from './program.js';
import { runProgram } from './root.js';

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
