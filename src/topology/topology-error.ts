// The one error type of the topology module. It stays free of the project's GossipError so this folder
// imports nothing of ours; the CLI wraps it (code GOSSIP_ERR_TOPOLOGY) and prints the message as is.

/** A topology request that cannot be satisfied; the message says what the user should change. */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
