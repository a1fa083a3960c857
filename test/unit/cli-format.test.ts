// Origin times print in local time: pin the zone before any test builds a Date (imports build none).
process.env.TZ = 'UTC';

import { afterEach, describe, expect, it } from 'vitest';
import { pathSelection } from '../../src/cli/commands/get-messages.js';
import { prettyLogLine } from '../../src/cli/format/log-line.js';
import { formatMessages, formatPath } from '../../src/cli/format/messages.js';
import { formatDuration, renderTable } from '../../src/cli/format/table.js';
import { withOriginTime } from '../../src/cli/format/time.js';
import { GossipError } from '../../src/errors.js';
import type { MessageView } from '../../src/protocol/replies.js';

// 2026-11-23 09:38:16.500612060 UTC, a Monday.
const NS = 1_795_426_696_500_612_060n;

function view(text: string, originNs: bigint, paths: number[][]): MessageView {
  return {
    id: `${text}_${originNs}`,
    text,
    origin: paths[0]?.[0] ?? 1,
    originNs: String(originNs),
    relays: 1,
    clock: 0,
    read: false,
    paths: paths.map((path) => ({ path, atMs: 0, via: 'relay' as const })),
  };
}

const hello = view('Hello World', NS, [
  [1, 10],
  [1, 14, 12, 4, 9, 10],
]);

describe('formatMessages', () => {
  it('prints the exact reference layout', () => {
    const out = formatMessages({ nodeName: 'Gossip-Node-10', filter: 'all', selection: 'all' }, [hello], 0);
    expect(out).toBe(
      [
        'Fetched all messages from Gossip-Node-10; showing all path(s):',
        '',
        '• Hello World',
        '  ↳ 1 ➜ 10',
        '  ↳ 1 ➜ 14 ➜ 12 ➜ 4 ➜ 9 ➜ 10',
      ].join('\n'),
    );
  });

  it('names the filter and selection in the header and separates messages by a blank line', () => {
    const out = formatMessages(
      { nodeName: 'Gossip-Node-3', filter: 'unread', selection: 'shortest & longest' },
      [view('a', 1n, [[1, 3]]), view('b | c_d', 2n, [[2, 3]])],
      0,
    );
    expect(out).toBe(
      [
        'Fetched unread messages from Gossip-Node-3; showing shortest & longest path(s):',
        '',
        '• a',
        '  ↳ 1 ➜ 3',
        '',
        '• b | c_d',
        '  ↳ 2 ➜ 3',
      ].join('\n'),
    );
  });

  it('says so when there are no messages', () => {
    const out = formatMessages({ nodeName: 'Gossip-Node-1', filter: 'read', selection: 'longest' }, [], 0);
    expect(out).toBe('Fetched read messages from Gossip-Node-1; showing longest path(s):\n\n(no messages)');
  });

  it('places the origin time as the reference does: after the text with -t and -tt, before it with -ttt', () => {
    const header = { nodeName: 'Gossip-Node-10', filter: 'all', selection: 'all' } as const;
    const bullet = (detail: number): string | undefined =>
      formatMessages(header, [hello], detail).split('\n')[2];
    expect(bullet(0)).toBe('• Hello World');
    expect(bullet(1)).toBe('• Hello World [09:38:16]');
    expect(bullet(2)).toBe('• Hello World [09:38:16 - 23/11/2026]');
    expect(bullet(3)).toBe('• Nov 23, 2026 - 09:38:16 (UTC+0000): Hello World');
    expect(bullet(4)).toBe('• Nov 23, 2026 - 09:38:16.500612 (UTC+0000): Hello World');
  });

  it('marks paths that were pulled, by catch-up or a pull strategy', () => {
    const message = view('Pulled', NS, [[1, 2]]);
    message.paths = [
      { path: [1, 2], atMs: 0, via: 'push' },
      { path: [1, 3, 2], atMs: 1, via: 'pull' },
      { path: [1, 4, 2], atMs: 2, via: 'catch-up' },
    ];
    const out = formatMessages({ nodeName: 'Gossip-Node-2', filter: 'all', selection: 'all' }, [message], 0);
    expect(out.split('\n').slice(-3)).toEqual([
      '  ↳ 1 ➜ 2',
      '  ↳ 1 ➜ 3 ➜ 2 (pull)',
      '  ↳ 1 ➜ 4 ➜ 2 (catch-up)',
    ]);
  });

  it('formats a single-node path without arrows', () => {
    expect(formatPath([7])).toBe('7');
    expect(formatPath([1, 2])).toBe('1 ➜ 2');
  });
});

describe('withOriginTime', () => {
  afterEach(() => {
    process.env.TZ = 'UTC';
  });

  it('-t: text [HH:MM:SS], zero-padded (strftime %H:%M:%S)', () => {
    expect(withOriginTime('Hi', NS, 1)).toBe('Hi [09:38:16]');
    expect(withOriginTime('Hi', 0n, 1)).toBe('Hi [00:00:00]');
    expect(withOriginTime('Hi', 3_723_000_000_000n, 1)).toBe('Hi [01:02:03]');
  });

  it('-tt: text [HH:MM:SS - DD/MM/YYYY], zero-padded (strftime %H:%M:%S - %d/%m/%Y)', () => {
    expect(withOriginTime('Hi', NS, 2)).toBe('Hi [09:38:16 - 23/11/2026]');
    expect(withOriginTime('Hi', 0n, 2)).toBe('Hi [00:00:00 - 01/01/1970]');
  });

  it('-ttt: a prefix "Mon DD, YYYY - HH:MM:SS (UTC+hhmm): " (strftime %b %d, %Y - %H:%M:%S (UTC%z))', () => {
    expect(withOriginTime('Hi', NS, 3)).toBe('Nov 23, 2026 - 09:38:16 (UTC+0000): Hi');
    expect(withOriginTime('Hi', 1_000_000_007_000n, 3)).toBe('Jan 01, 1970 - 00:16:40 (UTC+0000): Hi');
    const months = Array.from({ length: 12 }, (_, month) =>
      withOriginTime('x', BigInt(Date.UTC(2026, month, 5)) * 1_000_000n, 3).slice(0, 3),
    );
    expect(months).toEqual([
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ]);
  });

  it('-tttt (and more): the -ttt form with microseconds', () => {
    expect(withOriginTime('Hi', NS, 4)).toBe('Nov 23, 2026 - 09:38:16.500612 (UTC+0000): Hi');
    expect(withOriginTime('Hi', 1_000_000_007_000n, 4)).toBe('Jan 01, 1970 - 00:16:40.000007 (UTC+0000): Hi');
    expect(withOriginTime('Hi', NS, 7)).toBe(withOriginTime('Hi', NS, 4));
  });

  it('uses the local time zone, with positive and negative half-hour offsets', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(withOriginTime('Hi', NS, 2)).toBe('Hi [15:08:16 - 23/11/2026]');
    expect(withOriginTime('Hi', NS, 3)).toBe('Nov 23, 2026 - 15:08:16 (UTC+0530): Hi');
    process.env.TZ = 'America/St_Johns';
    expect(withOriginTime('Hi', NS, 3)).toBe('Nov 23, 2026 - 06:08:16 (UTC-0330): Hi');
  });

  it('uses the local date when the time zone moves it to another day', () => {
    process.env.TZ = 'Pacific/Auckland';
    // 2026-11-23 13:00 UTC is 2026-11-24 02:00 in Auckland (UTC+13 in summer).
    const ns = BigInt(Date.UTC(2026, 10, 23, 13, 0, 0)) * 1_000_000n;
    expect(withOriginTime('Hi', ns, 3)).toBe('Nov 24, 2026 - 02:00:00 (UTC+1300): Hi');
    expect(withOriginTime('Hi', ns, 1)).toBe('Hi [02:00:00]');
  });
});

describe('pathSelection', () => {
  it('maps -p counts to selections', () => {
    expect(pathSelection(0, false)).toBe('all');
    expect(pathSelection(0, true)).toBe('all');
    expect(pathSelection(1, false)).toBe('shortest');
    expect(pathSelection(2, false)).toBe('longest');
    expect(pathSelection(3, false)).toBe('shortest & longest');
  });

  it.each([1, 2, 3])('refuses -p x%i together with -A as a usage error', (count) => {
    let caught: unknown;
    try {
      pathSelection(count, true);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GossipError);
    expect((caught as GossipError).code).toBe('GOSSIP_ERR_USAGE');
    expect((caught as GossipError).exitCode).toBe(2);
  });
});

describe('renderTable', () => {
  it('aligns columns to the widest cell, two spaces apart, without trailing spaces', () => {
    const out = renderTable(
      ['NODE', 'STATE', 'PEERS'],
      [
        ['1', 'up', '2,4,16'],
        ['12', 'connecting', '3'],
      ],
    );
    expect(out).toBe(
      ['NODE  STATE       PEERS', '1     up          2,4,16', '12    connecting  3'].join('\n'),
    );
  });

  it('treats missing cells as empty and trims the line end', () => {
    expect(renderTable(['A', 'B'], [['longer'], ['x', 'y']])).toBe('A       B\nlonger\nx       y');
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(['ID', 'NAME'], [])).toBe('ID  NAME');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [59_999, '59s'],
    [60_000, '1m00s'],
    [61_000, '1m01s'],
    [3_599_000, '59m59s'],
    [3_600_000, '1h00m'],
    [3_660_000 + 59_000, '1h01m'],
    [90_000_000, '25h00m'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('prettyLogLine', () => {
  it('shows time, level, event and the data fields of a pino line, hiding bookkeeping fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 10, 23, 9, 38, 16, 500),
      pid: 4242,
      hostname: 'box',
      nodeId: 4,
      msg: 'peer.connected',
      peer: 9,
      address: '127.0.0.1:7009',
      hops: [1, 2],
    });
    expect(prettyLogLine(line)).toBe(
      '09:38:16.500 INFO  peer.connected peer=9 address=127.0.0.1:7009 hops=[1,2]',
    );
  });

  it('names every pino level', () => {
    const levels = [
      [10, 'TRACE'],
      [20, 'DEBUG'],
      [40, 'WARN '],
      [50, 'ERROR'],
      [60, 'FATAL'],
    ] as const;
    for (const [level, name] of levels) {
      expect(prettyLogLine(JSON.stringify({ level, time: 0, msg: 'x' }))).toBe(`00:00:00.000 ${name} x`);
    }
  });

  it('returns a non-JSON line unchanged', () => {
    expect(prettyLogLine('node crashed: out of memory')).toBe('node crashed: out of memory');
    expect(prettyLogLine('{"level":30,')).toBe('{"level":30,');
  });

  it('returns JSON that is not an object unchanged', () => {
    for (const line of ['[1,2]', '42', 'null', '"text"']) expect(prettyLogLine(line)).toBe(line);
  });
});
