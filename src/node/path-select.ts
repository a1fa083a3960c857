// Which of a message's recorded paths a listing shows: all, the shortest, the longest, or both.

import type { PathSelection } from '../protocol/request-types.js';

export function selectPaths<T extends { readonly path: readonly number[] }>(
  records: readonly T[],
  selection: PathSelection,
): T[] {
  if (selection === 'all' || records.length === 0) return [...records];
  // A loop, not Math.min(...spread): a message may hold more paths than a call's argument limit.
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  for (const record of records) {
    shortest = Math.min(shortest, record.path.length);
    longest = Math.max(longest, record.path.length);
  }
  const wantShortest = selection === 'shortest' || selection === 'shortest & longest';
  const wantLongest = selection === 'longest' || selection === 'shortest & longest';
  const picked = records.filter(
    (record) =>
      (wantShortest && record.path.length === shortest) || (wantLongest && record.path.length === longest),
  );
  // Shortest first, then longest, each group in arrival order.
  return picked.sort((a, b) => (a.path.length === b.path.length ? 0 : a.path.length - b.path.length));
}
