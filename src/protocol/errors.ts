// Error codes a node puts on the wire in `{"error": "...", "code": "..."}` lines.

export const WIRE_ERROR_CODES = [
  'LINE_TOO_LONG',
  'MALFORMED_REQUEST',
  'UNKNOWN_COMMAND',
  'BAD_RELAYS',
  'BAD_TEXT',
  'BAD_MESSAGE_ID',
  'BAD_PATH',
  'BAD_ARGUMENT',
  'UNKNOWN_PEER',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export interface WireError {
  code: WireErrorCode;
  error: string;
}

export function wireError(code: WireErrorCode, error: string): WireError {
  return { code, error };
}
