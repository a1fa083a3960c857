// Runs the real `gossip` binary the way a user does, in its own home directory.

import { execa } from 'execa';
import { GOSSIP_BIN } from './daemons.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function gossip(args: string[], home: string): Promise<CliResult> {
  const result = await execa(process.execPath, [GOSSIP_BIN, ...args], {
    reject: false,
    env: { GOSSIP_HOME: home },
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command with --json and parses stdout; fails the test with stderr if the command failed. */
export async function gossipJson<T = Record<string, unknown>>(args: string[], home: string): Promise<T> {
  const result = await gossip([...args, '--json'], home);
  if (result.exitCode !== 0)
    throw new Error(`gossip ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
