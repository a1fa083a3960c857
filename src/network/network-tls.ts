// The certificates of a network started with --tls, kept in <home>/tls: the cluster CA (its key stays
// there, so add-node can issue a certificate for a new node), one certificate per node, and the CLI's
// client certificate. Keys are written 0600. The state file records where they are.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createAuthority, issueCertificate, type PemPair } from '../tls/certificates.js';
import { nodeCertificateNames, nodeCommonName } from '../tls/cluster-names.js';
import type { TlsFiles } from '../tls/material.js';

/** What the state file records of a TLS network (absolute paths). */
export interface NetworkTls {
  dir: string;
  ca: string;
  caKey: string;
  clientCert: string;
  clientKey: string;
}

export function networkTlsPaths(dir: string): NetworkTls {
  return {
    dir,
    ca: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    clientCert: path.join(dir, 'client.crt'),
    clientKey: path.join(dir, 'client.key'),
  };
}

/** The files node `id` is started with. */
export function nodeTlsFiles(tls: NetworkTls, id: number): TlsFiles {
  return {
    cert: path.join(tls.dir, `node-${id}.crt`),
    key: path.join(tls.dir, `node-${id}.key`),
    ca: tls.ca,
  };
}

/** The files the CLI dials with. */
export function clientTlsFiles(tls: NetworkTls): TlsFiles {
  return { cert: tls.clientCert, key: tls.clientKey, ca: tls.ca };
}

/** A fresh CA in `dir` (whatever was there is replaced), a certificate for each node, and the CLI's. */
export async function makeNetworkCertificates(
  dir: string,
  nodes: ReadonlyArray<{ id: number; host?: string | undefined }>,
): Promise<NetworkTls> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tls = networkTlsPaths(dir);
  // A name of its own: a CA file that bundles several clusters' CAs must not find two issuers of one name.
  const authority = await createAuthority(`gossip cluster CA ${randomBytes(4).toString('hex')}`);
  await writePair(authority, tls.ca, tls.caKey);
  for (const node of nodes) await issueNodeCertificate(tls, authority, node.id, node.host);
  const client = await issueCertificate(authority, { commonName: 'gossip-cli', usage: 'client' });
  await writePair(client, tls.clientCert, tls.clientKey);
  return tls;
}

/** A certificate for node `id` (add-node), unless it has one already (restart-node keeps its own). */
export async function ensureNodeCertificate(tls: NetworkTls, id: number, host: string): Promise<TlsFiles> {
  const files = nodeTlsFiles(tls, id);
  if (existsSync(files.cert) && existsSync(files.key)) return files;
  const authority = { cert: await readFile(tls.ca, 'utf8'), key: await readFile(tls.caKey, 'utf8') };
  await issueNodeCertificate(tls, authority, id, host);
  return files;
}

async function issueNodeCertificate(
  tls: NetworkTls,
  authority: PemPair,
  id: number,
  host: string | undefined,
): Promise<void> {
  const pair = await issueCertificate(authority, {
    commonName: nodeCommonName(id),
    usage: 'node',
    names: nodeCertificateNames(id, host),
  });
  const files = nodeTlsFiles(tls, id);
  await writePair(pair, files.cert, files.key);
}

async function writePair(pair: PemPair, certFile: string, keyFile: string): Promise<void> {
  await writeFile(certFile, pair.cert, { mode: 0o644 });
  await writeFile(keyFile, pair.key, { mode: 0o600 });
  // writeFile's mode applies only to a new file.
  await chmod(keyFile, 0o600);
}
