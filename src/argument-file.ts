// Reading a small file a user named on the command line (a cluster key, a TLS certificate or key): a clear
// error, never a stack trace, when it cannot be read or is too large to be what it should be.

import { readFileSync } from 'node:fs';
import { GossipError } from './errors.js';

/** The file's bytes; `what` names it in errors ("cluster key"), `tooLarge` says why a larger one is refused. */
export function readArgumentFile(
  file: string,
  what: string,
  maxBytes: number,
  tooLarge: (bytes: number) => string,
): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `cannot read the ${what} file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (bytes.length > maxBytes) throw new GossipError('GOSSIP_ERR_BAD_ARGUMENT', tooLarge(bytes.length));
  return bytes;
}
