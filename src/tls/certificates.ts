// Makes the cluster's X.509 certificates: a CA, and certificates it signs for nodes (server and client
// use, with the names and addresses they are reached by) and for the CLI (client use only). ECDSA P-256
// keys from Node's own crypto; @peculiar/x509 assembles and signs the certificates (see docs/operations.md, TLS between nodes).

import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import net from 'node:net';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

/** ECDSA over P-256 with SHA-256: small, fast handshakes, and every TLS 1.3 stack speaks it. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** How long a certificate made here is valid, unless the caller says otherwise. */
export const DEFAULT_VALIDITY_DAYS = 365;
/** A little room before "now", for clocks that disagree by a few minutes. */
const BACKDATE_MS = 5 * 60 * 1000;

export interface PemPair {
  /** The certificate, PEM. */
  cert: string;
  /** Its private key, PKCS#8 PEM. */
  key: string;
}

export interface CertificateRequest {
  commonName: string;
  /** Node certificates are used by servers and by clients (a node dials its peers); the CLI's only by clients. */
  usage: 'node' | 'client';
  /** Host names and IP addresses the holder is reached by (subjectAltName); a client's may be empty. */
  names?: readonly string[] | undefined;
  days?: number | undefined;
}

export async function createAuthority(commonName: string, days = DEFAULT_VALIDITY_DAYS): Promise<PemPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [commonName] }],
    ...validity(days),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: pemText(cert), key: await exportKey(keys.privateKey) };
}

export async function issueCertificate(authority: PemPair, request: CertificateRequest): Promise<PemPair> {
  const ca = new x509.X509Certificate(authority.cert);
  const signingKey = await importKey(authority.key);
  const keys = await generateKeys();
  const usages =
    request.usage === 'node'
      ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]
      : [x509.ExtendedKeyUsage.clientAuth];
  const names = [...new Set(request.names ?? [])];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [request.commonName] }],
    issuer: ca.subjectName,
    ...validity(request.days ?? DEFAULT_VALIDITY_DAYS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(usages),
      ...(names.length === 0
        ? []
        : [
            new x509.SubjectAlternativeNameExtension(
              names.map((name) => ({ type: net.isIP(name) === 0 ? 'dns' : 'ip', value: name })),
            ),
          ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { cert: pemText(cert), key: await exportKey(keys.privateKey) };
}

/** PEM ending in a newline, so that files can be concatenated into a bundle. */
function pemText(cert: x509.X509Certificate): string {
  const pem = cert.toString('pem');
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, '');
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), ALGORITHM, false, ['sign']);
}

/** 16 random bytes, the top bit clear: a positive serial, unique in practice (RFC 5280 allows up to 20). */
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * 86_400_000) };
}
