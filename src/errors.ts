// One error class for the whole project, with stable greppable codes and the CLI exit code for each.

/** Every error code `gossip` can produce, with the exit code the CLI uses for it. */
export const ERROR_CODES = {
  /** gossip chaos: the history broke an invariant. */
  GOSSIP_ERR_INVARIANT: 1,
  GOSSIP_ERR_USAGE: 2,
  GOSSIP_ERR_BAD_ARGUMENT: 2,
  GOSSIP_ERR_TOPOLOGY: 2,
  GOSSIP_ERR_NO_NETWORK: 3,
  GOSSIP_ERR_NETWORK_RUNNING: 3,
  GOSSIP_ERR_UNKNOWN_NODE: 4,
  GOSSIP_ERR_UNKNOWN_MESSAGE: 4,
  GOSSIP_ERR_NODE_DOWN: 5,
  GOSSIP_ERR_NODE_UNREACHABLE: 5,
  GOSSIP_ERR_TIMEOUT: 6,
  GOSSIP_ERR_REJECTED: 7,
  GOSSIP_ERR_BAD_REPLY: 8,
  GOSSIP_ERR_PORT_IN_USE: 9,
  GOSSIP_ERR_START_FAILED: 9,
  GOSSIP_ERR_STATE: 10,
  GOSSIP_ERR_INTERNAL: 70,
  /** Interrupted (Ctrl-C, SIGTERM) before it could finish; what it did was undone. */
  GOSSIP_ERR_INTERRUPTED: 130,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GossipError extends Error {
  override readonly name = 'GossipError';
  readonly code: ErrorCode;
  /** Extra fields printed with `--json` (e.g. the node or port involved). */
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

export function isGossipError(error: unknown): error is GossipError {
  return error instanceof GossipError;
}
