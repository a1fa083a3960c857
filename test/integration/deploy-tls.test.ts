// The TLS deployment files, checked offline: the compose overlay merges onto docker-compose.yml
// (docker-compose config) and gives each node its own certificate from scripts/make-certs.js; the
// Kubernetes overlay builds with kustomize (kubectl kustomize), validates, mounts the certificates, and
// each pod starts with its own.

import { X509Certificate } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import { loadTlsMaterial } from '../../src/tls/material.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODES = 16;

interface ComposeService {
  environment?: Record<string, string>;
  secrets?: Array<{ source: string } | string>;
}

let scratch: string;

/** Runs a tool, failing with how to install it when it is missing. */
async function runTool(command: string, args: string[], cwd: string, install: string) {
  const result = await execa(command, args, { cwd, reject: false, timeout: 60_000 });
  if (result.code === 'ENOENT')
    throw new Error(`${command} is not installed; install it with \`${install}\``);
  return result;
}

async function makeCerts(dir: string): Promise<void> {
  const made = await execa(process.execPath, ['scripts/make-certs.js', '--dir', dir], {
    cwd: ROOT,
    reject: false,
  });
  expect(made.stderr).toBe('');
  expect(made.exitCode).toBe(0);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'gossip-deploy-tls-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('scripts/make-certs.js', () => {
  it('makes a CA and a certificate per node, named as compose and the StatefulSet reach it', async () => {
    const dir = path.join(scratch, 'certs');
    await makeCerts(dir);
    for (const id of [1, 7, 16]) {
      const files = {
        cert: path.join(dir, `node-${id}.crt`),
        key: path.join(dir, `node-${id}.key`),
        ca: path.join(dir, 'ca.crt'),
      };
      const material = loadTlsMaterial(files);
      const leaf = new X509Certificate(material.cert);
      expect(leaf.checkHost(`node${id}`)).toBe(`node${id}`);
      expect(leaf.checkHost(`gossip-${id - 1}.gossip`)).toBe(`gossip-${id - 1}.gossip`);
      expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    }
    loadTlsMaterial({
      cert: path.join(dir, 'client.crt'),
      key: path.join(dir, 'client.key'),
      ca: path.join(dir, 'ca.crt'),
    });
  });

  it('refuses a bad node count with a clear error', async () => {
    const result = await execa(process.execPath, ['scripts/make-certs.js', '-n', 'x'], {
      cwd: ROOT,
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('error: -n must be a whole number from 1 to 1000 (got "x")');
  });
});

describe('docker-compose.tls.yml', () => {
  it('merges onto docker-compose.yml: each node its own certificate, the dashboard the client one', async () => {
    const check = await runTool(
      'docker-compose',
      ['-f', 'docker-compose.yml', '-f', 'docker-compose.tls.yml', 'config', '-q'],
      ROOT,
      'apt-get install docker-compose',
    );
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    const merged = await runTool(
      'docker-compose',
      ['-f', 'docker-compose.yml', '-f', 'docker-compose.tls.yml', '--profile', 'dashboard', 'config'],
      ROOT,
      'apt-get install docker-compose',
    );
    const config = parse(merged.stdout) as {
      services: Record<string, ComposeService>;
      secrets: Record<string, { file: string }>;
    };
    const secretFile = (name: string | undefined) =>
      path.relative(ROOT, config.secrets[(name ?? '').replace('/run/secrets/', '')]?.file ?? '');
    const sources = (service: ComposeService | undefined) =>
      (service?.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
    const variables = new Set(
      buildProgram()
        .commands.find((command) => command.name() === 'node')
        ?.options.flatMap((option) => (option.envVar === undefined ? [] : [option.envVar])),
    );
    for (let id = 1; id <= NODES; id += 1) {
      const service = config.services[`node${id}`];
      const env = service?.environment ?? {};
      expect(secretFile(env.GOSSIP_TLS_CERT)).toBe(`tls/node-${id}.crt`);
      expect(secretFile(env.GOSSIP_TLS_KEY)).toBe(`tls/node-${id}.key`);
      expect(secretFile(env.GOSSIP_TLS_CA)).toBe('tls/ca.crt');
      // The cluster key stays: both together.
      expect(env.GOSSIP_CLUSTER_KEY_FILE).toBe('/run/secrets/gossip-cluster-key');
      expect(sources(service)).toEqual(
        expect.arrayContaining([
          'gossip-cluster-key',
          'gossip-tls-ca',
          `gossip-tls-node${id}-cert`,
          `gossip-tls-node${id}-key`,
        ]),
      );
      for (const name of Object.keys(env)) expect(variables, name).toContain(name);
    }
    const dashboard = config.services.dashboard?.environment ?? {};
    expect(secretFile(dashboard.GOSSIP_TLS_CERT)).toBe('tls/client.crt');
    expect(secretFile(dashboard.GOSSIP_TLS_KEY)).toBe('tls/client.key');
  });
});

describe('deploy/k8s-tls', () => {
  it('builds with kustomize, validates, mounts the certificates, and starts each pod with its own', async () => {
    const deploy = path.join(scratch, 'deploy');
    await cp(path.join(ROOT, 'deploy/k8s'), path.join(deploy, 'k8s'), { recursive: true });
    await cp(path.join(ROOT, 'deploy/k8s-tls'), path.join(deploy, 'k8s-tls'), { recursive: true });
    await writeFile(path.join(deploy, 'k8s', 'cluster.key'), `${'ab'.repeat(32)}\n`);
    await makeCerts(path.join(deploy, 'k8s-tls', 'tls'));
    const built = await runTool('kubectl', ['kustomize', 'k8s-tls'], deploy, 'apt-get install kubectl');
    expect(built.stderr).toBe('');
    expect(built.exitCode).toBe(0);
    const documents = parseAllDocuments(built.stdout).map(
      (document) =>
        document.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> },
    );
    const secret = documents.find(
      (doc) => doc.kind === 'Secret' && doc.metadata.name.startsWith('gossip-tls'),
    );
    const keys = Object.keys(secret?.data ?? {}).sort();
    expect(keys).toEqual(
      [
        'ca.crt',
        'client.crt',
        'client.key',
        ...Array.from({ length: NODES }, (_, index) => [
          `node-${index + 1}.crt`,
          `node-${index + 1}.key`,
        ]).flat(),
      ].sort(),
    );
    expect(keys).not.toContain('ca.key');

    const raw = documents.find((doc) => doc.kind === 'StatefulSet') as unknown as IStatefulSet;
    const statefulSet = new StatefulSet(raw);
    expect(() => statefulSet.validate()).not.toThrow();
    const pod = statefulSet.spec?.template.spec;
    const container = pod?.containers[0];
    const env = new Map((container?.env ?? []).map((variable) => [variable.name, variable.value]));
    const mount = container?.volumeMounts?.find((entry) => entry.mountPath === '/etc/gossip-tls');
    expect(mount?.readOnly).toBe(true);
    expect(pod?.volumes?.find((volume) => volume.name === mount?.name)?.secret?.secretName).toBe(
      secret?.metadata.name,
    );
    // The probes' CLI dials with the client certificate.
    expect(env.get('GOSSIP_TLS_CERT')).toBe('/etc/gossip-tls/client.crt');
    expect(env.get('GOSSIP_TLS_CA')).toBe('/etc/gossip-tls/ca.crt');

    // The node itself starts with its own certificate: pod gossip-15 is node 16.
    const [shell, ...args] = container?.command ?? [];
    const bin = path.join(scratch, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(
      path.join(bin, 'node'),
      '#!/bin/sh\necho "$GOSSIP_ID $GOSSIP_TLS_CERT $GOSSIP_TLS_KEY $GOSSIP_TLS_CA"\n',
      {
        mode: 0o755,
      },
    );
    const started = await execa(shell ?? '/bin/sh', args, {
      env: { PATH: `${bin}:/usr/bin:/bin`, POD_NAME: 'gossip-15', GOSSIP_TLS_CA: '/etc/gossip-tls/ca.crt' },
      extendEnv: false,
      reject: false,
    });
    expect(started.stderr).toBe('');
    expect(started.stdout).toBe(
      '16 /etc/gossip-tls/node-16.crt /etc/gossip-tls/node-16.key /etc/gossip-tls/ca.crt',
    );
  });
});
