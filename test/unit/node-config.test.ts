import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FAILURE_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_MS,
  type NodeConfig,
  parseNodeConfig,
} from '../../src/node/config.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PATHS,
  DEFAULT_MAX_REPLY_BUFFER_BYTES,
  DEFAULT_MAX_REQUESTS_PER_SECOND,
} from '../../src/node/limits.js';
import { DEFAULT_MAX_QUEUE_BYTES } from '../../src/node/peer-link.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/protocol/framing.js';
import { MAX_TEXT_BYTES } from '../../src/protocol/limits.js';

function parse(input: Record<string, unknown>): NodeConfig {
  const result = parseNodeConfig(input);
  if (!result.ok) throw new Error(`refused: ${result.problems.join('; ')}`);
  return result.config;
}

function refusal(input: Record<string, unknown>): string {
  const result = parseNodeConfig(input);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.problems.join('; ');
}

const base = { id: 1, port: 7001 };

describe('parseNodeConfig: defaults', () => {
  it('fills in every default from just an id and a port', () => {
    const config = parse(base);
    expect(config).toMatchObject({
      id: 1,
      port: 7001,
      host: '127.0.0.1',
      peers: [],
      join: [],
      maxPeers: 3,
      failureTimeoutMs: DEFAULT_FAILURE_TIMEOUT_MS,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      logLevel: 'info',
      maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    });
    expect(config.dataDir).toBeUndefined();
    expect(config.logFile).toBeUndefined();
    expect(config.maxQueue).toBeGreaterThan(0);
  });

  it('defaults keep the heartbeat at most half the failure timeout', () => {
    expect(DEFAULT_HEARTBEAT_MS * 2).toBeLessThanOrEqual(DEFAULT_FAILURE_TIMEOUT_MS);
  });

  it('coerces numbers given as strings (CLI flags and GOSSIP_* variables)', () => {
    const config = parse({
      id: '10',
      port: '7010',
      maxPeers: '5',
      heartbeatMs: '100',
      failureTimeoutMs: '1000',
    });
    expect(config).toMatchObject({
      id: 10,
      port: 7010,
      maxPeers: 5,
      heartbeatMs: 100,
      failureTimeoutMs: 1000,
    });
  });

  it.each([
    { id: 0 },
    { id: 65_536 },
    { id: 1.5 },
    { id: 'x' },
    { port: 0 },
    { port: 65_536 },
    { host: '' },
    { logLevel: 'loud' },
    { maxLineBytes: 255 },
    { maxPeers: 0 },
  ])('refuses %j', (override) => {
    expect(parseNodeConfig({ ...base, ...override }).ok).toBe(false);
  });

  it('refuses a heartbeat above half the failure timeout', () => {
    expect(refusal({ ...base, heartbeatMs: 600, failureTimeoutMs: 1000 })).toMatch(/heartbeat/);
    expect(parse({ ...base, heartbeatMs: 500, failureTimeoutMs: 1000 }).heartbeatMs).toBe(500);
  });
});

describe('parseNodeConfig: limits and security', () => {
  it('has generous defaults: 1,000 clients at once fit, normal use never meets a limit', () => {
    expect(parse(base)).toMatchObject({
      maxTextBytes: MAX_TEXT_BYTES,
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
      maxRequestsPerSecond: DEFAULT_MAX_REQUESTS_PER_SECOND,
      maxReplyBufferBytes: DEFAULT_MAX_REPLY_BUFFER_BYTES,
      maxQueueBytes: DEFAULT_MAX_QUEUE_BYTES,
      maxPaths: DEFAULT_MAX_PATHS,
      insecure: false,
    });
    expect(DEFAULT_MAX_CONNECTIONS).toBeGreaterThan(1_000);
    expect(parse(base).clusterKeyFile).toBeUndefined();
  });

  it('coerces every limit given as a string', () => {
    const config = parse({
      ...base,
      maxConnections: '10',
      idleTimeoutMs: '500',
      maxRequestsPerSecond: '20',
      maxReplyBufferBytes: '65536',
      maxQueueBytes: '1048576',
      maxPaths: '4',
      maxTextBytes: '100',
    });
    expect(config).toMatchObject({
      maxConnections: 10,
      idleTimeoutMs: 500,
      maxRequestsPerSecond: 20,
      maxReplyBufferBytes: 65_536,
      maxQueueBytes: 1_048_576,
      maxPaths: 4,
      maxTextBytes: 100,
    });
  });

  it('treats an empty key variable as unset', () => {
    expect(parse({ ...base, clusterKeyFile: '', clusterKey: '' })).toMatchObject({
      clusterKeyFile: undefined,
      clusterKey: undefined,
    });
    expect(parse({ ...base, clusterKeyFile: '/run/secrets/k' }).clusterKeyFile).toBe('/run/secrets/k');
  });

  it('derives the text cap from a small line cap, and refuses a text cap the line cap cannot carry', () => {
    expect(parse({ ...base, maxLineBytes: 4096 }).maxTextBytes).toBe(1024);
    expect(refusal({ ...base, maxLineBytes: 4096, maxTextBytes: 2000 })).toMatch(
      /--max-text-bytes 2000 needs --max-line-bytes of at least 8000/,
    );
  });

  it.each([
    { maxConnections: 0 },
    { idleTimeoutMs: 10 },
    { maxRequestsPerSecond: 0 },
    { maxPaths: 0 },
    { maxTextBytes: 0 },
    { maxTextBytes: 70_000, maxLineBytes: 1_000_000 },
    { maxQueueBytes: 10 },
  ])('refuses %j', (override) => {
    expect(parseNodeConfig({ ...base, ...override }).ok).toBe(false);
  });
});

describe('parseNodeConfig: peers', () => {
  it('parses the reference peer list', () => {
    expect(parse({ ...base, peers: '2@127.0.0.1:7002,4@localhost:7004' }).peers).toEqual([
      { id: 2, host: '127.0.0.1', port: 7002 },
      { id: 4, host: 'localhost', port: 7004 },
    ]);
  });

  it('parses bracketed IPv6 hosts and strips the brackets', () => {
    expect(parse({ ...base, peers: '2@[::1]:7002,3@[fe80::1%eth0]:7003' }).peers).toEqual([
      { id: 2, host: '::1', port: 7002 },
      { id: 3, host: 'fe80::1%eth0', port: 7003 },
    ]);
  });

  it('ignores spaces around entries and empty entries', () => {
    expect(parse({ ...base, peers: ' 2@node-2:7002 ,, 3@node-3:7003,' }).peers).toEqual([
      { id: 2, host: 'node-2', port: 7002 },
      { id: 3, host: 'node-3', port: 7003 },
    ]);
    expect(parse({ ...base, peers: '' }).peers).toEqual([]);
  });

  it('parses the join list the same way', () => {
    expect(parse({ ...base, join: '5@10.0.0.5:7005' }).join).toEqual([
      { id: 5, host: '10.0.0.5', port: 7005 },
    ]);
  });

  it.each([
    '2@127.0.0.1',
    '127.0.0.1:7002',
    '2127.0.0.1:7002',
    'x@127.0.0.1:7002',
    '0@127.0.0.1:7002',
    '-2@127.0.0.1:7002',
    '65536@127.0.0.1:7002',
    '2@:7002',
    '2@127.0.0.1:0',
    '2@127.0.0.1:65536',
    '2@127.0.0.1:port',
    '2@127.0.0.1:7002:1',
    '2@::1:7002',
    '2@[::1:7002',
    '2@a b:7002',
    '2@a@b:7002',
    '2@127.0.0.1:-7002',
  ])('refuses the bad peer string %j, naming it', (peer) => {
    expect(refusal({ ...base, peers: peer })).toContain(`peer "${peer}"`);
  });

  it.each(['2@[]:7002', '2@[abc:7002', '2@abc]:7002', '2@[::1]x:7002'])(
    'refuses the empty or unbalanced brackets in %j instead of stripping them',
    (peer) => {
      expect(refusal({ ...base, peers: peer })).toContain(`peer "${peer}"`);
    },
  );

  it('refuses a node peering with itself', () => {
    expect(refusal({ ...base, id: 3, peers: '2@h:7002,3@h:7003' })).toMatch(/node 3 cannot peer with itself/);
  });

  it('refuses a peer listed twice, even at another address', () => {
    expect(refusal({ ...base, peers: '2@h:7002,2@h:7002' })).toMatch(/peer 2 is listed twice/);
    expect(refusal({ ...base, peers: '2@h:7002,4@h:7004,2@other:9002' })).toMatch(/peer 2 is listed twice/);
  });

  it('refuses more peers than --max-peers, and accepts them with a higher one', () => {
    const four = '2@h:7002,3@h:7003,4@h:7004,5@h:7005';
    expect(refusal({ ...base, peers: four })).toMatch(/4 peers given, above --max-peers 3/);
    expect(parse({ ...base, peers: four, maxPeers: 4 }).peers).toHaveLength(4);
  });
});

describe('parseNodeConfig: strategy', () => {
  it('runs flood with background repair unless told otherwise', () => {
    expect(parse(base).strategy).toMatchObject({ name: 'flood', repair: true });
  });

  it('reads the strategy flags (as commander hands over flags and GOSSIP_* variables)', () => {
    const config = parse({ ...base, strategy: 'anti-entropy', fanout: '3', roundMs: '250', repair: 'off' });
    expect(config.strategy).toMatchObject({ name: 'anti-entropy', fanout: 3, roundMs: 250, repair: false });
  });

  it('refuses a bad strategy flag with the others', () => {
    expect(refusal({ ...base, strategy: 'push', stopAfter: '0', maxPeers: '0' })).toMatch(
      /--max-peers.*--stop-after must be a whole number from 1 to 1000/,
    );
  });
});
