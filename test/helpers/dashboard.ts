// Runs `gossip dashboard` for a test (on a port the OS picks) and stops it afterwards, by pid.

import { execa } from 'execa';
import { GOSSIP_BIN } from './daemons.js';

export interface StartedDashboard {
  url: string;
  eventLog: string;
  pid: number;
  /** SIGTERM, then the exit code (0 for a clean stop). */
  stop(): Promise<number | undefined>;
}

export class DashboardPool {
  // Only what teardown needs: execa's own types do not survive exactOptionalPropertyTypes.
  private readonly running: Array<{
    kill(signal: NodeJS.Signals): void;
    running(): boolean;
    done: Promise<number | undefined>;
  }> = [];

  async start(home: string, args: string[] = []): Promise<StartedDashboard> {
    const child = execa(process.execPath, [GOSSIP_BIN, 'dashboard', '--port', '0', '--json', ...args], {
      env: { GOSSIP_HOME: home },
      reject: false,
    });
    const done = child.then((result) => result.exitCode);
    this.running.push({ kill: (signal) => child.kill(signal), running: () => child.exitCode === null, done });
    const ready = await new Promise<{ url: string; eventLog: string }>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`the dashboard did not start: ${text}`)), 20_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        try {
          const parsed = JSON.parse(text) as { url: string; eventLog: string };
          clearTimeout(timer);
          resolve(parsed);
        } catch {
          // Not all of the JSON yet.
        }
      });
      void done.then(async (code) => {
        clearTimeout(timer);
        reject(new Error(`the dashboard exited ${code}: ${String((await child).stderr)}`));
      });
    });
    return {
      ...ready,
      pid: child.pid ?? 0,
      stop: async () => {
        child.kill('SIGTERM');
        return done;
      },
    };
  }

  async cleanup(): Promise<void> {
    for (const { kill, running, done } of this.running.splice(0)) {
      if (running()) kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    }
  }
}
