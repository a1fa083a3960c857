// Protocol knobs that bound what one request may carry.

/** Highest relay limit a message may ask for; beyond it a single message could flood the cluster. */
export const MAX_RELAYS = 16;
/** Longest message text in bytes (UTF-8) by default; a node may set its own (`--max-text-bytes`). */
export const MAX_TEXT_BYTES = 16 * 1024;
/** Highest `--max-text-bytes`: a message id must still fit in an anti-entropy page entry. */
export const MAX_TEXT_BYTES_LIMIT = 60 * 1024;
/** Longest path a relay may carry: relays x nodes can never need more on a sane network. */
export const MAX_PATH_LENGTH = 4096;
/** Highest node id: ids are small positive integers (node N listens on base port + N). */
export const MAX_NODE_ID = 65_535;

export const isNodeId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_NODE_ID;

/** Control characters (C0, DEL, C1) are refused in message texts: they break terminals and line framing. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
