// The requests that read a node's messages: the reference `/GET`, our `/MESSAGES` (which may only peek),
// and `/LOOKUP` of one message by id or text.

import { CONTROL_CHARACTERS, MAX_TEXT_BYTES } from './limits.js';
import { fail, oneOf, splitOnce } from './request-args.js';
import {
  PATH_SELECTIONS,
  type ParseResult,
  type PathSelection,
  READ_FILTERS,
  type ReadFilter,
} from './request-types.js';

/** `/GET:<filter>|<selection>`, the reference listing. */
export function parseListing(args: string): ParseResult {
  const [filterText, pathsText] = splitOnce(args, '|');
  const listing = parseFilterAndSelection(filterText, pathsText);
  return 'ok' in listing ? listing : { ok: true, request: { type: 'get', ...listing } };
}

/** `/MESSAGES:<filter>|<selection>[|peek]`: `peek` lists without marking anything read (dashboards). */
export function parseMessages(args: string): ParseResult {
  const [filterText, rest] = splitOnce(args, '|');
  const [pathsText, flag] = rest === undefined ? [undefined, undefined] : splitOnce(rest, '|');
  if (flag !== undefined && flag !== 'peek')
    return fail('BAD_ARGUMENT', 'the third field may only be "peek"');
  const listing = parseFilterAndSelection(filterText, pathsText);
  return 'ok' in listing
    ? listing
    : { ok: true, request: { type: 'messages', ...listing, peek: flag === 'peek' } };
}

function parseFilterAndSelection(
  filterText: string,
  pathsText: string | undefined,
): { filter: ReadFilter; paths: PathSelection } | ParseResult {
  const filter = oneOf(READ_FILTERS, filterText === '' ? 'all' : filterText);
  if (filter === undefined)
    return fail('BAD_ARGUMENT', `read filter must be one of ${READ_FILTERS.join(', ')}`);
  const paths = oneOf(PATH_SELECTIONS, pathsText ?? 'all');
  if (paths === undefined)
    return fail('BAD_ARGUMENT', `path selection must be one of ${PATH_SELECTIONS.join(', ')}`);
  return { filter, paths };
}

/** Why a `/LOOKUP` query is refused, or undefined. A message id is its text, `_` and at most 20 digits. */
export function lookupQueryProblem(query: string): string | undefined {
  if (query === '') return 'nothing to look up';
  if (Buffer.byteLength(query) > MAX_TEXT_BYTES + 21) return 'longer than any message id';
  if (CONTROL_CHARACTERS.test(query)) return 'holds control characters';
  return undefined;
}

/** `/LOOKUP:<message id | text>`: the messages with that id or exactly that text. */
export function parseLookup(query: string): ParseResult {
  const problem = lookupQueryProblem(query);
  if (problem !== undefined) return fail('BAD_ARGUMENT', `expected /LOOKUP:<message id | text>: ${problem}`);
  return { ok: true, request: { type: 'lookup', query } };
}
