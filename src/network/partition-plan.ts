// Partitions as the CLI names them (`1-8 9-16`, `1,3,5 2,4,6`; nodes named in no group form one more) and
// what each node is told: the nodes it is cut off from. Pure, so the chaos nemesis plans with it too.

export type PartitionPlanResult = { ok: true; groups: number[][] } | { ok: false; problem: string };

/** `1-8`, `1,3,5`, `1-3,7`: the node ids of one group, each a node of the network. */
export function parseGroup(text: string, nodes: readonly number[]): number[] | string {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (range === null) return `"${part}" is not a node number or a range like 1-8`;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) return `the range ${part} runs backwards`;
    for (let id = from; id <= to; id += 1) {
      if (!nodes.includes(id)) return `there is no node ${id} in this network`;
      ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/** The groups the arguments name, plus one of every node they leave out; every node in exactly one. */
export function planPartition(args: readonly string[], nodes: readonly number[]): PartitionPlanResult {
  const groups: number[][] = [];
  const seen = new Set<number>();
  for (const arg of args) {
    const group = parseGroup(arg, nodes);
    if (typeof group === 'string') return { ok: false, problem: group };
    const twice = group.find((id) => seen.has(id));
    if (twice !== undefined) return { ok: false, problem: `node ${twice} is in two groups` };
    for (const id of group) seen.add(id);
    groups.push(group);
  }
  const rest = nodes.filter((id) => !seen.has(id));
  if (rest.length > 0) groups.push([...rest].sort((a, b) => a - b));
  if (groups.length < 2) return { ok: false, problem: 'a partition needs at least two groups' };
  return { ok: true, groups };
}

/** For each node, the nodes outside its group: what it is cut off from. */
export function cutSets(groups: readonly (readonly number[])[]): Map<number, number[]> {
  const all = groups.flat();
  const cuts = new Map<number, number[]>();
  for (const group of groups) {
    const outside = all.filter((id) => !group.includes(id));
    for (const id of group) cuts.set(id, outside);
  }
  return cuts;
}
