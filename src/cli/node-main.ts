// Entry of `gossip node` alone, the process the launcher starts once per node: the same command, options,
// help and errors as in the full CLI, bundled on its own into one CommonJS file (scripts/bundle.js). Measured:
// an idle node holds ~5.5 MiB less resident memory than when it ran from the CLI's twenty ES module files,
// whose resolution was enough work to wake the optimising compiler (docs/BENCHMARKS.md).

import { addNodeCommand } from './node-command.js';
import { rootCommand, runProgram } from './root.js';

export async function main(argv: string[]): Promise<void> {
  const program = rootCommand();
  addNodeCommand(program);
  await runProgram(program, argv);
}
