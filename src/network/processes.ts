// Process control by pid, for nodes this tool started: is it alive, is it really our node (not a reused
// pid), and stop it with SIGTERM then SIGKILL after a grace period.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a node may take to exit after SIGTERM before it gets SIGKILL. */
export const STOP_GRACE_MS = 3_000;

export function isAlive(pid: number): boolean {
  // 0 and negative pids name process groups (ours included): never a node.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A zombie has exited but not been reaped by its parent yet: it is not running. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** True when pid runs `gossip node --id <id> --port <port>`, so a recycled pid is never signalled. */
export async function isOurNode(pid: number, id: number, port: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // No /proc (not Linux): trust the pid.
    return process.platform !== 'linux';
  }
  const args = cmdline.split('\0');
  const flagValue = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
  return args.includes('node') && flagValue('--id') === String(id) && flagValue('--port') === String(port);
}

/** SIGTERM each pid, SIGKILL whatever is still alive after the grace period. Resolves when all are gone. */
export async function terminate(
  pids: readonly number[],
  graceMs = STOP_GRACE_MS,
): Promise<{ killed: number[] }> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(20);
    alive = alive.filter(isAlive);
  }
  for (const pid of alive) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + graceMs;
  while (alive.some(isAlive) && Date.now() < killDeadline) await sleep(10);
  return { killed: alive };
}

function signal(pid: number, name: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
