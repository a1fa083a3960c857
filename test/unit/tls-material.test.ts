// TLS material and configuration: certificates made by start-network's code are checked before a node
// listens or the CLI dials (readable, key matches, signed by the CA, a CA), the three settings go together,
// and refusals are put in words.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GossipError } from '../../src/errors.js';
import { networkTlsPaths, nodeTlsFiles } from '../../src/network/network-tls.js';
import { checkBind } from '../../src/node/bind-policy.js';
import { parseNodeConfig } from '../../src/node/config.js';
import { authRefusalMechanism } from '../../src/node/metrics/metric-definitions.js';
import { createAuthority, issueCertificate, type PemPair } from '../../src/tls/certificates.js';
import { nodeCertificateNames } from '../../src/tls/cluster-names.js';
import { loadTlsMaterial, type TlsFiles, tlsFilesFromEnv } from '../../src/tls/material.js';
import { classifyServerTlsError, describeClientTlsError } from '../../src/tls/refusals.js';

let dir: string;
let cluster: TlsFiles;
let foreign: TlsFiles;
let clientOfCluster: TlsFiles;

async function write(name: string, pair: PemPair): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  await writeFile(cert, pair.cert);
  await writeFile(key, pair.key);
  return { cert, key };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-tls-unit-'));
  const ca = await createAuthority('test cluster CA');
  const otherCa = await createAuthority('some other CA');
  const caFiles = await write('ca', ca);
  const otherCaFiles = await write('other-ca', otherCa);
  const node = await write(
    'node-5',
    await issueCertificate(ca, {
      commonName: 'Gossip-Node-5',
      usage: 'node',
      names: nodeCertificateNames(5),
    }),
  );
  const stranger = await write(
    'stranger',
    await issueCertificate(otherCa, { commonName: 'Gossip-Node-5', usage: 'node', names: ['127.0.0.1'] }),
  );
  const client = await write(
    'client',
    await issueCertificate(ca, { commonName: 'gossip-cli', usage: 'client' }),
  );
  cluster = { cert: node.cert, key: node.key, ca: caFiles.cert };
  foreign = { cert: stranger.cert, key: stranger.key, ca: otherCaFiles.cert };
  clientOfCluster = { cert: client.cert, key: client.key, ca: caFiles.cert };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function refusalOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(GossipError);
    expect((error as GossipError).code).toBe('GOSSIP_ERR_BAD_ARGUMENT');
    return (error as GossipError).message;
  }
  throw new Error('accepted');
}

describe('certificates made for a cluster', () => {
  it('names a node by its address, loopback, and its compose and Kubernetes host names', () => {
    expect(nodeCertificateNames(5, '10.0.0.7')).toEqual([
      '10.0.0.7',
      '127.0.0.1',
      'localhost',
      'node5',
      'gossip-4',
      'gossip-4.gossip',
      'gossip-4.gossip.default.svc.cluster.local',
    ]);
    // A wildcard bind is no name to dial.
    expect(nodeCertificateNames(1, '0.0.0.0')).not.toContain('0.0.0.0');
  });

  it('makes a node certificate for server and client use, with IP and DNS names, signed by the CA', () => {
    const material = loadTlsMaterial(cluster);
    const leaf = new X509Certificate(material.cert);
    const ca = new X509Certificate(material.ca);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.subjectAltName).toContain('DNS:node5');
    expect(leaf.checkHost('gossip-4.gossip')).toBe('gossip-4.gossip');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(material.subject).toBe('CN=Gossip-Node-5');
  });

  it("makes the CLI's certificate for client use only", () => {
    const leaf = new X509Certificate(loadTlsMaterial(clientOfCluster).cert);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it("keeps a network's files where the state file says: node-N.crt and .key next to the CA", () => {
    const tls = networkTlsPaths('/home/x/tls');
    expect(nodeTlsFiles(tls, 7)).toEqual({
      cert: '/home/x/tls/node-7.crt',
      key: '/home/x/tls/node-7.key',
      ca: '/home/x/tls/ca.crt',
    });
  });
});

describe('loadTlsMaterial refuses what could not work, naming the file', () => {
  it('a missing file', () => {
    const message = refusalOf(() => loadTlsMaterial({ ...cluster, cert: path.join(dir, 'nope.crt') }));
    expect(message).toMatch(/cannot read the TLS certificate file .*nope\.crt/);
  });

  it('a file that holds no certificate', () => {
    const message = refusalOf(() => loadTlsMaterial({ ...cluster, cert: cluster.key }));
    expect(message).toContain(`${cluster.key} holds no certificate in PEM form`);
  });

  it('a key that is not the key of the certificate', () => {
    const message = refusalOf(() => loadTlsMaterial({ ...cluster, key: clientOfCluster.key }));
    expect(message).toBe(
      `the key in ${clientOfCluster.key} is not the key of the certificate in ${cluster.cert}`,
    );
  });

  it('a certificate another CA signed', () => {
    const message = refusalOf(() => loadTlsMaterial({ ...foreign, ca: cluster.ca }));
    expect(message).toBe(`the certificate in ${foreign.cert} was not signed by the CA in ${cluster.ca}`);
  });

  it('a CA file that is no CA', () => {
    const message = refusalOf(() => loadTlsMaterial({ ...cluster, ca: cluster.cert }));
    expect(message).toContain('is not a CA certificate');
  });

  it('takes a CA file that bundles several CAs, one of which signed the certificate', async () => {
    const bundle = path.join(dir, 'bundle.crt');
    // Each PEM ends in a newline, so files concatenate into a bundle.
    await writeFile(bundle, (await readFile(foreign.ca, 'utf8')) + (await readFile(cluster.ca, 'utf8')));
    expect(loadTlsMaterial({ ...cluster, ca: bundle }).subject).toBe('CN=Gossip-Node-5');
    expect(loadTlsMaterial({ ...foreign, ca: bundle }).subject).toBe('CN=Gossip-Node-5');
  });

  it('an expired certificate', () => {
    const later = new Date(Date.now() + 400 * 86_400_000);
    const message = refusalOf(() => loadTlsMaterial(cluster, later));
    expect(message).toMatch(/the certificate in .* expired on/);
  });
});

describe('the three settings go together', () => {
  it('a node with one or two of --tls-cert, --tls-key and --tls-ca is refused, naming what is missing', () => {
    const result = parseNodeConfig({ id: 1, port: 7001, tlsCert: '/x/node.crt' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('; ')).toContain('--tls-key and --tls-ca missing');
  });

  it('all three make a TLS node; none a plain one', () => {
    const tls = parseNodeConfig({ id: 1, port: 7001, tlsCert: 'c', tlsKey: 'k', tlsCa: 'a' });
    expect(tls.ok && tls.config.tls).toEqual({ cert: 'c', key: 'k', ca: 'a' });
    const plain = parseNodeConfig({ id: 1, port: 7001, tlsCert: '' });
    expect(plain.ok && plain.config.tls).toBeUndefined();
  });

  it('GOSSIP_TLS_* for the CLI: all three, none, or an error naming the missing ones', () => {
    expect(tlsFilesFromEnv({})).toBeUndefined();
    expect(tlsFilesFromEnv({ GOSSIP_TLS_CERT: 'c', GOSSIP_TLS_KEY: 'k', GOSSIP_TLS_CA: 'a' })).toEqual({
      cert: 'c',
      key: 'k',
      ca: 'a',
    });
    const message = refusalOf(() => tlsFilesFromEnv({ GOSSIP_TLS_CERT: 'c' }));
    expect(message).toContain('GOSSIP_TLS_KEY and GOSSIP_TLS_CA are not set');
  });

  it('a TLS node may listen beyond loopback without a cluster key; a plain one may not', () => {
    expect(checkBind({ host: '0.0.0.0', keyed: false, tls: true, insecure: false })).toBeUndefined();
    expect(() => checkBind({ host: '0.0.0.0', keyed: false, tls: false, insecure: false })).toThrow(
      /--tls-cert, --tls-key, --tls-ca/,
    );
  });
});

describe('refusals in words', () => {
  it('a client certificate the cluster CA did not sign is a bad certificate, whatever the socket error', () => {
    expect(classifyServerTlsError('ECONNRESET', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toEqual({
      code: 'TLS_BAD_CERTIFICATE',
      reason: 'client certificate not signed by the cluster CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    });
  });

  it('no certificate, a client that gave up, a timeout', () => {
    expect(classifyServerTlsError('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE', null).code).toBe(
      'TLS_NO_CERTIFICATE',
    );
    expect(classifyServerTlsError('ECONNRESET', undefined).reason).toContain('gave up');
    expect(classifyServerTlsError('ERR_TLS_HANDSHAKE_TIMEOUT', undefined).reason).toContain('in time');
  });

  it('what the CLI says when a node refuses it or is not what it expects', () => {
    expect(describeClientTlsError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '' })).toContain(
      'does not speak TLS',
    );
    expect(describeClientTlsError({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: '' })).toContain(
      'not signed by the cluster CA',
    );
    expect(describeClientTlsError({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: '' })).toBe(
      'it refused the handshake (unknown ca)',
    );
    expect(describeClientTlsError({ code: 'ECONNREFUSED', message: '' })).toBeUndefined();
  });

  it('TLS refusals are authentication refusals of mechanism tls in Prometheus', () => {
    expect(authRefusalMechanism('TLS_REQUIRED')).toBe('tls');
    expect(authRefusalMechanism('TLS_BAD_CERTIFICATE')).toBe('tls');
    expect(authRefusalMechanism('AUTH_FAILED')).toBe('cluster_key');
    expect(authRefusalMechanism('NOT_A_PEER')).toBeUndefined();
  });
});
