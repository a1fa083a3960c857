// The README and docs/ as a reader follows them: every relative link and image resolves to a file of the
// repository, every #anchor to a heading of the page it names (GitHub's slug rules), and the README's two
// commands are the ones package.json and CI run.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { githubSlug, headingAnchors, relativeLinks } from '../helpers/markdown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return markdownFiles(full);
    return name.endsWith('.md') ? [full] : [];
  });
}

const PAGES = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];
const anchorsOf = new Map<string, Set<string>>();
const anchors = (file: string): Set<string> => {
  let found = anchorsOf.get(file);
  if (found === undefined) {
    found = headingAnchors(readFileSync(file, 'utf8'));
    anchorsOf.set(file, found);
  }
  return found;
};

/** What is wrong with one link of a page, or undefined when it resolves. */
function linkProblem(page: string, target: string): string | undefined {
  const [file = '', anchor] = target.split('#', 2);
  const resolved = file === '' ? page : path.resolve(path.dirname(page), decodeURIComponent(file));
  if (!resolved.startsWith(ROOT)) return `${target}: points outside the repository`;
  if (!existsSync(resolved)) return `${target}: no file ${path.relative(ROOT, resolved)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
  if (!anchors(resolved).has(anchor))
    return `${target}: ${path.relative(ROOT, resolved)} has no heading with the anchor #${anchor}`;
  return undefined;
}

describe('GitHub heading anchors', () => {
  it('follow GitHub slug rules: markup and punctuation dropped, spaces to hyphens, repeats numbered', () => {
    expect(githubSlug('Self-healing: failures, repair, durability, catch-up')).toBe(
      'self-healing-failures-repair-durability-catch-up',
    );
    expect(githubSlug('`gossip chaos`: break it on purpose, and check the history')).toBe(
      'gossip-chaos-break-it-on-purpose-and-check-the-history',
    );
    expect(githubSlug('The container test (podman)')).toBe('the-container-test-podman');
    expect(githubSlug('Peers, removals and replies: what an attacker on the machine can still do')).toBe(
      'peers-removals-and-replies-what-an-attacker-on-the-machine-can-still-do',
    );
    expect(githubSlug('A [linked](x.md) *heading* with_underscore')).toBe('a-linked-heading-with_underscore');
    expect([...headingAnchors('# A\n\n```\n# not a heading\n```\n## A\n### B\n')]).toEqual(['a', 'a-1', 'b']);
  });

  it('finds links outside code only, and leaves web addresses alone', () => {
    const page = '[a](a.md) `[b](b.md)` ![c](img/c.png "C")\n```\n[d](d.md)\n```\n[e](https://x.org) [f](#f)';
    expect(relativeLinks(page).map((link) => link.target)).toEqual(['a.md', 'img/c.png', '#f']);
  });
});

describe('the README and docs/', () => {
  it('have the pages a newcomer is sent to', () => {
    const names = PAGES.map((page) => path.relative(ROOT, page));
    for (const page of [
      'docs/cli.md',
      'docs/protocol.md',
      'docs/resilience.md',
      'docs/strategies.md',
      'docs/operations.md',
      'docs/architecture.md',
      'docs/BENCHMARKS.md',
    ])
      expect(names).toContain(page);
  });

  for (const page of PAGES) {
    const name = path.relative(ROOT, page);
    it(`${name}: every relative link and anchor resolves`, () => {
      const links = relativeLinks(readFileSync(page, 'utf8'));
      const problems = links.flatMap(({ target, line }) => {
        const problem = linkProblem(page, target);
        return problem === undefined ? [] : [`${name}:${line}: ${problem}`];
      });
      expect(problems).toEqual([]);
    });
  }

  it('the README links into every page of docs/', () => {
    const linked = new Set(
      relativeLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map(
        (link) => link.target.split('#')[0],
      ),
    );
    const pages = PAGES.filter((page) => page.includes(`${path.sep}docs${path.sep}`));
    for (const page of pages) expect(linked).toContain(path.relative(ROOT, page));
  });

  it("the README's two commands are the project's: the demo, and the test command CI runs", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('\nnpm ci && npm run demo\n');
    expect(readme).toContain('\nnpm ci && npm test\n');
    const scripts = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.demo).toBeDefined();
    expect(scripts.test).toBeDefined();
    // .ci/run installs with npm ci and runs exactly `npm test`, the README's test command.
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8').split('\n');
    expect(ci.some((line) => /^npm ci\b/.test(line.trim()))).toBe(true);
    expect(ci.map((line) => line.trim())).toContain('npm test');
  });
});

describe('docs/cli.md', () => {
  it('lists exactly the exit codes the CLI uses (src/errors.ts), and 0', () => {
    const cli = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
    const table = cli.split(/^## Exit codes$/m)[1]?.split(/^#/m)[0] ?? '';
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
    const used = [0, ...new Set(Object.values(ERROR_CODES))].sort((a, b) => a - b);
    expect(documented).toEqual(used);
  });
});
