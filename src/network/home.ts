// Where a network keeps its state: --home, else $GOSSIP_HOME, else ~/.gossip.

import os from 'node:os';
import path from 'node:path';

export interface HomePaths {
  home: string;
  stateFile: string;
  logsDir: string;
  dataDir: string;
  plotFile: string;
  /** The certificates of a network started with --tls. */
  tlsDir: string;
}

export function resolveHome(option: unknown): string {
  const chosen = typeof option === 'string' && option !== '' ? option : process.env.GOSSIP_HOME;
  return path.resolve(chosen !== undefined && chosen !== '' ? chosen : path.join(os.homedir(), '.gossip'));
}

export function homePaths(home: string): HomePaths {
  return {
    home,
    stateFile: path.join(home, 'network.json'),
    logsDir: path.join(home, 'logs'),
    dataDir: path.join(home, 'data'),
    plotFile: path.join(home, 'topology.svg'),
    tlsDir: path.join(home, 'tls'),
  };
}

export function nodeLogFile(paths: HomePaths, id: number): string {
  return path.join(paths.logsDir, `node-${id}.log`);
}

/** stdout/stderr of a node process: where a crash or a refused port shows up. */
export function nodeOutputFile(paths: HomePaths, id: number): string {
  return path.join(paths.logsDir, `node-${id}.out`);
}

export function nodeDataDir(paths: HomePaths, id: number): string {
  return path.join(paths.dataDir, `node-${id}`);
}
