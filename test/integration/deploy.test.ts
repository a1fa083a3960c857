// The deployment files stay runnable without a Docker engine or a cluster to try them on: the compose file
// is what its generator makes, docker-compose accepts it and it wires the default network; the Kubernetes
// manifests validate against the API schemas and agree with each other; the image sets only real settings.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import {
  type IPodDisruptionBudget,
  PodDisruptionBudget,
} from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { type IService, Service } from 'kubernetes-models/v1/Service';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import { generateTopology } from '../../src/topology/generators.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const K8S_DIR = path.join(ROOT, 'deploy/k8s');
const NODES = 16;
const PORT = 7000;
const IMAGE = 'gossip:latest';
/** Where every node serves Prometheus metrics in compose and k8s. */
const METRICS_PORT = 9464;
const HEALTH = ['node', '/app/bin/gossip.js', 'health', `127.0.0.1:${PORT}`];

interface ComposeService {
  build?: unknown;
  profiles?: string[];
  ports?: string[];
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
  [key: string]: unknown;
}

/** `<id>@<host>:<port>,...` as the node reads GOSSIP_PEERS and GOSSIP_JOIN. */
function parsePeerList(text: string): Array<{ id: number; host: string; port: number }> {
  return text.split(',').map((entry) => {
    const match = /^(\d+)@([^:@,]+):(\d+)$/.exec(entry);
    if (match === null) throw new Error(`"${entry}" is not <id>@<host>:<port>`);
    return { id: Number(match[1]), host: match[2] ?? '', port: Number(match[3]) };
  });
}

/** The GOSSIP_* variables `gossip node` reads, straight from the commander program. */
async function declaredVariables(): Promise<Set<string>> {
  const node = buildProgram().commands.find((command) => command.name() === 'node');
  return new Set(
    (node?.options ?? []).flatMap((option) => (option.envVar === undefined ? [] : [option.envVar])),
  );
}

const readCompose = async (): Promise<string> => readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8');

/** Runs a tool the deployment checks need, failing with how to install it when it is missing. */
async function runTool(command: string, args: string[], install: string) {
  const result = await execa(command, args, { cwd: ROOT, reject: false, timeout: 30_000 });
  if (result.code === 'ENOENT') {
    throw new Error(`${command} is not installed; install it with \`${install}\` (.ci/run does)`);
  }
  return result;
}

describe('docker-compose.yml', () => {
  it('is exactly what scripts/generate-compose.js produces, and so is the Prometheus config', async () => {
    const generated = await execa(process.execPath, ['scripts/generate-compose.js'], { cwd: ROOT });
    // execa strips the final newline; the file keeps it.
    expect(`${generated.stdout}\n`).toBe(await readCompose());
    const check = await execa(process.execPath, ['scripts/generate-compose.js', '--check'], {
      cwd: ROOT,
      reject: false,
    });
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
  });

  it('runs the default network: 16 hosts, 3 symmetric peers each, connected, seed 42', async () => {
    const compose = parse(await readCompose()) as ComposeFile;
    // docker-compose v1 rejects a top-level name; `docker compose` v2 warns about a version.
    expect(Object.keys(compose).sort()).toEqual(['secrets', 'services', 'volumes']);
    const names = Array.from({ length: NODES }, (_, index) => `node${index + 1}`);
    expect(Object.keys(compose.services)).toEqual([...names, 'prometheus', 'dashboard']);
    expect(Object.values(compose.services).filter((service) => service.build !== undefined)).toHaveLength(1);

    const variables = await declaredVariables();
    const peersOf = new Map<number, number[]>();
    for (const [index, name] of names.entries()) {
      const id = index + 1;
      const service = compose.services[name] as ComposeService;
      const env = service.environment ?? {};
      expect(service.image).toBe(IMAGE);
      expect(service.restart).toBe('unless-stopped');
      expect(env.GOSSIP_ID).toBe(String(id));
      expect(env.GOSSIP_ADVERTISE).toBe(`${name}:${PORT}`);
      expect(env.GOSSIP_DATA_DIR).toBe('/data');
      // Nodes listen on 0.0.0.0 in their containers: they need the cluster key, from a compose secret.
      expect(service.secrets).toEqual(['gossip-cluster-key']);
      expect(env.GOSSIP_CLUSTER_KEY_FILE).toBe('/run/secrets/gossip-cluster-key');
      expect(env.GOSSIP_METRICS_PORT).toBe(String(METRICS_PORT));
      expect(service.ports, 'nothing published on the host').toBeUndefined();
      for (const variable of Object.keys(env))
        expect(variables, `${variable} is a setting of gossip node`).toContain(variable);
      expect(service.volumes).toEqual([`${name}-data:/data`]);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
      expect(service.healthcheck?.test).toEqual(['CMD', ...HEALTH]);

      const peers = parsePeerList(env.GOSSIP_PEERS ?? '');
      for (const peer of peers) expect(peer).toEqual({ id: peer.id, host: `node${peer.id}`, port: PORT });
      peersOf.set(
        id,
        peers.map((peer) => peer.id),
      );
    }

    for (const [id, peers] of peersOf) {
      expect(peers, `node${id} peers`).toHaveLength(3);
      expect(new Set(peers).size).toBe(3);
      expect(peers).not.toContain(id);
      for (const peer of peers) expect(peersOf.get(peer), `node${peer} lists node${id} back`).toContain(id);
    }
    const reached = new Set([1]);
    for (const id of reached) for (const peer of peersOf.get(id) ?? []) reached.add(peer);
    expect(reached.size).toBe(NODES);
    expect(compose.secrets).toEqual({ 'gossip-cluster-key': { file: './cluster.key' } });

    // The header promises the graph of `gossip start-network --seed 42`.
    const edges = [...peersOf].flatMap(([id, peers]) =>
      peers.filter((peer) => peer > id).map((peer): [number, number] => [id, peer]),
    );
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const expected = generateTopology({ kind: 'random', degree: 3 }, { n: NODES, seed: 42, maxPeers: 3 });
    expect(edges).toEqual(expected.edges.map((edge) => [...edge]));
  });

  it('runs Prometheus only under the metrics profile, scraping every node', async () => {
    const compose = parse(await readCompose()) as ComposeFile;
    const prometheus = compose.services.prometheus as ComposeService;
    expect(prometheus.profiles).toEqual(['metrics']);
    // The page has no login: published on the host's loopback only.
    expect(prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    const [source, target] = (prometheus.volumes?.[0] ?? '').split(':');
    expect(target).toBe('/etc/prometheus/prometheus.yml');
    const config = parse(await readFile(path.join(ROOT, source ?? ''), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((set) => set.targets));
    expect(targets).toEqual(Array.from({ length: NODES }, (_, index) => `node${index + 1}:${METRICS_PORT}`));
    const check = await runTool('promtool', ['check', 'config', source ?? ''], 'apt-get install prometheus');
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });

  it('is accepted by docker-compose v1 (`docker-compose config -q`), with and without the metrics profile', async () => {
    for (const profile of [[], ['--profile', 'metrics']]) {
      const result = await runTool(
        'docker-compose',
        ['-f', 'docker-compose.yml', ...profile, 'config', '-q'],
        'apt-get install docker-compose',
      );
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    }
  });
});

describe('Dockerfile', () => {
  it('copies only what the build context keeps, and sets only variables the node reads', async () => {
    const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
    const ignored = (await readFile(path.join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const patterns = ignored.map(
      (glob) =>
        new RegExp(
          `^${glob
            .replace(/\/$/, '')
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')}$`,
        ),
    );

    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      (match[1] ?? '').split(/\s+/),
    );
    expect(sources).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.build.json', 'bin', 'src']),
    );
    for (const source of sources) {
      await expect(stat(path.join(ROOT, source)), `${source} exists`).resolves.toBeDefined();
      const excluded = patterns.some((pattern) =>
        source.split('/').some((_, depth, parts) => pattern.test(parts.slice(0, depth + 1).join('/'))),
      );
      expect(excluded, `${source} is excluded by .dockerignore`).toBe(false);
    }
    for (const kept of ['node_modules', 'dist', '.git', '*.key']) expect(ignored).toContain(kept);

    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    for (const part of ['package.json', 'node_modules', 'bin', 'dist']) {
      expect(runtime).toMatch(new RegExp(`^COPY --from=builder /app/${part} `, 'm'));
    }
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain(`CMD ${JSON.stringify(HEALTH).replaceAll(',', ', ')}`);
    expect(runtime).toMatch(
      /^ENTRYPOINT \["node", "--max-semi-space-size=2", "\/app\/bin\/gossip\.js", "node"\]$/m,
    );
    const variables = await declaredVariables();
    for (const [, variable] of runtime.matchAll(/\b(GOSSIP_[A-Z_]+)=/g))
      expect(variables, `${variable} is a setting of gossip node`).toContain(variable);
  });
});

describe('deploy/k8s', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  async function loadManifests(): Promise<{
    files: string[];
    service: Service;
    statefulSet: StatefulSet;
    pdb: PodDisruptionBudget;
  }> {
    const files = (await readdir(K8S_DIR)).filter((file) => file.endsWith('.yaml')).sort();
    const found: { service?: Service; statefulSet?: StatefulSet; pdb?: PodDisruptionBudget } = {};
    for (const file of files.filter((name) => name !== 'kustomization.yaml')) {
      for (const document of parseAllDocuments(await readFile(path.join(K8S_DIR, file), 'utf8'))) {
        expect(document.errors, file).toEqual([]);
        const doc = document.toJS() as { apiVersion?: string; kind?: string };
        // The models fill in apiVersion and kind when they are missing, so check them first.
        const type = `${doc.apiVersion}/${doc.kind}`;
        if (type === 'v1/Service') found.service = new Service(doc as IService);
        else if (type === 'apps/v1/StatefulSet') found.statefulSet = new StatefulSet(doc as IStatefulSet);
        else if (type === 'policy/v1/PodDisruptionBudget')
          found.pdb = new PodDisruptionBudget(doc as IPodDisruptionBudget);
        else throw new Error(`${file}: unexpected ${type}`);
      }
    }
    const { service, statefulSet, pdb } = found;
    if (service === undefined || statefulSet === undefined || pdb === undefined) {
      throw new Error('deploy/k8s needs a Service, a StatefulSet and a PodDisruptionBudget');
    }
    return { files, service, statefulSet, pdb };
  }

  it('validates every manifest against the Kubernetes schemas, and kustomize lists them all', async () => {
    const { files, service, statefulSet, pdb } = await loadManifests();
    for (const model of [service, statefulSet, pdb]) expect(() => model.validate()).not.toThrow();

    const kustomization = parse(await readFile(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
      kind?: string;
      resources?: string[];
    };
    expect(kustomization.kind).toBe('Kustomization');
    expect([...(kustomization.resources ?? [])].sort()).toEqual(
      files.filter((file) => file !== 'kustomization.yaml'),
    );
  });

  it('wires the StatefulSet, the headless Service and the PodDisruptionBudget together', async () => {
    const { service, statefulSet, pdb } = await loadManifests();
    const spec = statefulSet.spec;
    const pod = spec?.template.spec;
    const container = pod?.containers[0];
    const podLabels = spec?.template.metadata?.labels ?? {};
    const name = statefulSet.metadata?.name ?? '';
    const replicas = spec?.replicas ?? 1;

    expect(service.spec?.clusterIP).toBe('None');
    expect(service.spec?.publishNotReadyAddresses).toBe(true);
    expect(spec?.serviceName).toBe(service.metadata?.name);
    expect(replicas).toBe(NODES);
    expect(spec?.podManagementPolicy).toBe('Parallel');
    expect(podLabels).toMatchObject(spec?.selector.matchLabels ?? { missing: 'selector' });
    expect(podLabels).toMatchObject(service.spec?.selector ?? { missing: 'selector' });
    expect(podLabels).toMatchObject(pdb.spec?.selector?.matchLabels ?? { missing: 'selector' });
    expect(pdb.spec?.maxUnavailable).toBe(1);

    const servicePort = service.spec?.ports?.[0];
    const containerPort = container?.ports?.find((port) => port.name === servicePort?.targetPort);
    expect(servicePort?.port).toBe(PORT);
    expect(containerPort?.containerPort).toBe(PORT);

    // Prometheus finds the metrics by the pod's annotations (and a ServiceMonitor by the Service's port).
    const metricsPort = container?.ports?.find((port) => port.name === 'metrics');
    expect(metricsPort?.containerPort).toBe(METRICS_PORT);
    expect(spec?.template.metadata?.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(METRICS_PORT),
      'prometheus.io/path': '/metrics',
    });
    expect(service.spec?.ports).toContainEqual(
      expect.objectContaining({ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics' }),
    );

    expect(container?.image).toBe(IMAGE);
    expect(container?.readinessProbe?.exec?.command).toEqual(HEALTH);
    expect(container?.livenessProbe?.exec?.command).toEqual(HEALTH);
    expect(container?.resources?.requests).toBeDefined();
    expect(container?.resources?.limits).toBeDefined();
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const claim = spec?.volumeClaimTemplates?.[0];
    expect(claim?.metadata?.name).toBe('data');
    expect(container?.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });

    const env = new Map((container?.env ?? []).map((variable) => [variable.name, variable.value]));
    expect(env.get('GOSSIP_DATA_DIR')).toBe('/data');
    expect(env.get('GOSSIP_HOST')).toBe('0.0.0.0');
    expect(env.get('GOSSIP_METRICS_PORT')).toBe(String(METRICS_PORT));

    // Listening on 0.0.0.0 needs the cluster key: a file from the Secret that kustomize generates.
    const keyFile = env.get('GOSSIP_CLUSTER_KEY_FILE') ?? '';
    const keyMount = container?.volumeMounts?.find((mount) => keyFile.startsWith(`${mount.mountPath}/`));
    expect(keyMount?.readOnly).toBe(true);
    const keyVolume = pod?.volumes?.find((volume) => volume.name === keyMount?.name);
    expect(keyVolume?.secret?.items).toContainEqual({
      key: path.basename(keyFile),
      path: path.basename(keyFile),
    });
    const generated = parse(await readFile(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
      secretGenerator?: Array<{ name?: string; files?: string[] }>;
    };
    expect(generated.secretGenerator).toContainEqual({
      name: keyVolume?.secret?.secretName,
      files: [path.basename(keyFile)],
    });
    const variables = await declaredVariables();
    for (const variable of env.keys())
      if (variable.startsWith('GOSSIP_'))
        expect(variables, `${variable} is a setting of gossip node`).toContain(variable);

    // Seeds must be pods that exist, named by their stable DNS names, with the ids those pods take.
    const seeds = parsePeerList(env.get('GOSSIP_JOIN') ?? '');
    expect(seeds.length).toBeGreaterThan(0);
    for (const seed of seeds) {
      const match = new RegExp(`^${name}-(\\d+)\\.${spec?.serviceName}$`).exec(seed.host);
      expect(match, `${seed.host} is a pod of the StatefulSet`).not.toBeNull();
      const ordinal = Number(match?.[1]);
      expect(ordinal).toBeLessThan(replicas);
      expect(seed, `pod ${ordinal} is node ${ordinal + 1} on port ${PORT}`).toEqual({
        id: ordinal + 1,
        host: seed.host,
        port: PORT,
      });
    }
  });

  it('starts pod <name>-15 as node 16, advertising its own DNS name', async () => {
    const { statefulSet } = await loadManifests();
    const container = statefulSet.spec?.template.spec?.containers[0];
    const [shell, ...args] = container?.command ?? [];
    expect(shell).toBeDefined();
    // A stand-in `node` on PATH shows what the real one would have been started with.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'gossip-deploy-'));
    scratch.push(bin);
    const fakeNode = path.join(bin, 'node');
    await writeFile(fakeNode, '#!/bin/sh\necho "$GOSSIP_ID $GOSSIP_ADVERTISE $*"\n', { mode: 0o755 });
    const podName = `${statefulSet.metadata?.name}-15`;
    const result = await execa(shell ?? '/bin/sh', args, {
      env: { PATH: `${bin}:/usr/bin:/bin`, POD_NAME: podName },
      extendEnv: false,
      reject: false,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `16 ${podName}.${statefulSet.spec?.serviceName}:${PORT} /app/bin/gossip.js node`,
    );
  });
});

describe('deploy/grafana', () => {
  it('is a dashboard of Prometheus queries on the panels an operator looks at first', async () => {
    const dashboard = JSON.parse(
      await readFile(path.join(ROOT, 'deploy/grafana/gossip-dashboard.json'), 'utf8'),
    ) as {
      templating: { list: Array<{ name: string; type: string; query: string }> };
      panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
    };
    // The Prometheus to read is picked when the dashboard is opened (or imported), not baked in.
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(
      expect.arrayContaining([
        'Messages per second',
        'Delivery latency',
        'Peers up',
        'Queued lines',
        'Errors per second',
      ]),
    );
    for (const panel of dashboard.panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's syntax for the variable, not JavaScript's.
      expect(panel.datasource.uid).toBe('${datasource}');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.expr).toMatch(/\bgossip_[a-z_]+/);
    }
  });
});
