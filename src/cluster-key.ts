// Loads the cluster key that nodes and the CLI share: from a file (`--cluster-key-file`, what secrets
// managers mount) or from GOSSIP_CLUSTER_KEY. Never from a command-line value: `ps` would show it.

import { readArgumentFile } from './argument-file.js';
import { GossipError } from './errors.js';

/** Shortest key accepted, in bytes; `openssl rand -hex 32` makes 64. */
const MIN_CLUSTER_KEY_BYTES = 16;
/** Longest key file read; a key is a line of text, not a document. */
const MAX_KEY_FILE_BYTES = 4096;

export interface KeySource {
  file?: string | undefined;
  /** The key itself, from the environment. */
  value?: string | undefined;
}

/** The key as bytes, or undefined when neither source is given (an empty one counts as not given). */
export function loadClusterKey(source: KeySource): Buffer | undefined {
  const file = source.file === '' ? undefined : source.file;
  const value = source.value === '' ? undefined : source.value;
  if (file !== undefined && value !== undefined) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      'both --cluster-key-file and GOSSIP_CLUSTER_KEY are set; give the cluster key one way only',
    );
  }
  if (file !== undefined) return checkKey(readKeyFile(file), `the key in ${file}`);
  if (value !== undefined) return checkKey(value, 'GOSSIP_CLUSTER_KEY');
  return undefined;
}

function readKeyFile(file: string): string {
  const bytes = readArgumentFile(
    file,
    'cluster key',
    MAX_KEY_FILE_BYTES,
    (size) =>
      `the cluster key file ${file} is ${size} bytes; a key is one line (make one with: openssl rand -hex 32)`,
  );
  return bytes.toString('utf8');
}

/** Surrounding whitespace (a trailing newline) is not part of the key. */
function checkKey(text: string, what: string): Buffer {
  const key = Buffer.from(text.trim(), 'utf8');
  if (key.length < MIN_CLUSTER_KEY_BYTES) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `${what} is ${key.length} bytes; a cluster key needs at least ${MIN_CLUSTER_KEY_BYTES} (make one with: openssl rand -hex 32)`,
    );
  }
  return key;
}
