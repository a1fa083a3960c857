// Entry of `gossip node` alone, the process the launcher starts once per node: the same command, options,
// help and errors as in the full CLI, bundled on its own (scripts/bundle.js) so that a node loads three
// files instead of the CLI's twenty. Measured: an idle node holds ~5 MiB less resident memory, because
// resolving the CLI's many chunks was enough work to wake the optimising compiler (docs/BENCHMARKS.md).

import { addNodeCommand } from './node-command.js';
import { rootCommand, runProgram } from './root.js';

export async function main(argv: string[]): Promise<void> {
  const program = rootCommand();
  addNodeCommand(program);
  await runProgram(program, argv);
}
