// The small pieces every request parser shares: whole numbers and node ids as arguments, splitting on the
// first separator, picking from a fixed set, and the failed result.

import { type WireError, wireError } from './errors.js';
import { isNodeId } from './limits.js';

/** A whole decimal number of 1..maxDigits digits (no sign, spaces, exponent or hex), else undefined. */
export function wholeNumber(text: string, maxDigits: number): number | undefined {
  if (text.length === 0 || text.length > maxDigits) return undefined;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
  }
  return Number(text);
}

/** A node id argument; surrounding spaces are tolerated, as the reference's int() does. */
export function nodeIdArg(text: string): number | undefined {
  const id = wholeNumber(text.trim(), 9);
  return id !== undefined && isNodeId(id) ? id : undefined;
}

export function oneOf<T extends string>(choices: readonly T[], text: string): T | undefined {
  return choices.find((choice) => choice === text);
}

export function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

export function fail(code: WireError['code'], message: string): { ok: false; error: WireError } {
  return { ok: false, error: wireError(code, message) };
}
