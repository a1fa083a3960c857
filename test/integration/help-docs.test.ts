// The CLI reference against the CLI itself: every command that `gossip --help` lists has a section in
// docs/cli.md (a heading naming `gossip <command>`), and every option its own `--help` lists is named in
// that section (or, for the options many commands share, on the page). A command or flag added without its
// documentation fails here.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gossip } from '../helpers/cli.js';

const CLI_DOC = new URL('../../docs/cli.md', import.meta.url);
/** Options many commands share: described once on the page, not in every row. */
const SHARED = new Set(['--help', '--json', '--home', '--via']);

let home = '';
let doc = '';
beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'gossip-help-docs-'));
  doc = await readFile(CLI_DOC, 'utf8');
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The names of the commands under "Commands:" in `gossip --help`. */
function commandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name !== 'help');
}

/** The long flags under "Options:" in a command's --help. */
function optionsOf(help: string): string[] {
  const section = (help.split(/^Options:$/m)[1] ?? '').split(/^\S/m)[0] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1] ?? '');
}

/** docs/cli.md's sections whose heading names `gossip <name>` (one section may document several commands). */
function sectionsAbout(name: string): string {
  const names = new RegExp(`\`gossip ${name}(?![\\w-])`);
  const sections: string[] = [];
  let current: string[] | undefined;
  for (const line of doc.split('\n')) {
    if (/^#{1,3} /.test(line)) {
      current = names.test(line) ? [] : undefined;
      if (current !== undefined) sections.push('');
    }
    if (current !== undefined) sections[sections.length - 1] += `${line}\n`;
  }
  return sections.join('\n');
}

describe('docs/cli.md documents the CLI', () => {
  it('every command of `gossip --help`, with every option of its own --help', async () => {
    const top = await gossip(['--help'], home);
    expect(top.exitCode).toBe(0);
    const commands = commandsOf(top.stdout);
    // The reference commands and ours: a parser that found nothing would make this test pass vacuously.
    expect(commands).toEqual(
      expect.arrayContaining(['start-network', 'send-message', 'get-messages', 'remove-node', 'chaos']),
    );

    const missing: string[] = [];
    for (const name of commands) {
      const section = sectionsAbout(name);
      if (section === '') {
        missing.push(`gossip ${name}: no section in docs/cli.md`);
        continue;
      }
      const help = await gossip([name, '--help'], home);
      expect(help.exitCode, `gossip ${name} --help`).toBe(0);
      const options = optionsOf(help.stdout);
      expect(options.length, `options of gossip ${name}`).toBeGreaterThan(0);
      for (const option of options) {
        const documented = SHARED.has(option)
          ? new RegExp(`${option}(?![\\w-])`).test(doc)
          : new RegExp(`${option}(?![\\w-])`).test(section);
        if (!documented) missing.push(`gossip ${name} ${option}: not in its section of docs/cli.md`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('`gossip node`, which runs from its own bundle, has the help of the full CLI', async () => {
    const alone = await gossip(['node', '--help'], home);
    const inFull = await gossip(['help', 'node'], home);
    expect(alone.exitCode).toBe(0);
    expect(optionsOf(alone.stdout)).toEqual(expect.arrayContaining(['--id', '--port', '--peers', '--fsync']));
    expect(alone.stdout).toBe(inFull.stdout);
  });
});
