// Loads the TLS files of a node or of the CLI (its certificate, its key, the cluster CA) and checks them
// before anything listens or dials: a wrong file fails at start with what to fix, not later as refused
// handshakes at every peer.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readArgumentFile } from '../argument-file.js';
import { GossipError } from '../errors.js';

/** Longest certificate or key file read (a chain of a few certificates is a few KiB). */
const MAX_TLS_FILE_BYTES = 256 * 1024;

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

/** The files' contents, checked to belong together. */
export interface TlsMaterial {
  files: TlsFiles;
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  /** The certificate's subject and expiry, for the start-up log. */
  subject: string;
  validTo: string;
}

/** The three variables the CLI and nodes read: all three or none. */
export const TLS_ENV = { cert: 'GOSSIP_TLS_CERT', key: 'GOSSIP_TLS_KEY', ca: 'GOSSIP_TLS_CA' } as const;

/**
 * TLS files from the environment (what a container gives its node, and so the CLI inside it), or undefined
 * when none is set. One or two set is a mistake worth saying.
 */
export function tlsFilesFromEnv(env: NodeJS.ProcessEnv = process.env): TlsFiles | undefined {
  const read = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const cert = read(TLS_ENV.cert);
  const key = read(TLS_ENV.key);
  const ca = read(TLS_ENV.ca);
  if (cert === undefined && key === undefined && ca === undefined) return undefined;
  if (cert === undefined || key === undefined || ca === undefined) {
    const missing = Object.entries({ cert, key, ca })
      .filter(([, value]) => value === undefined)
      .map(([name]) => TLS_ENV[name as keyof TlsFiles]);
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `${Object.values(TLS_ENV).join(', ')} go together: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    );
  }
  return { cert, key, ca };
}

export function loadTlsMaterial(files: TlsFiles, now = new Date()): TlsMaterial {
  const cert = readTlsFile(files.cert, 'certificate');
  const key = readTlsFile(files.key, 'key');
  const ca = readTlsFile(files.ca, 'CA certificate');
  const leaf = parseCertificate(cert, files.cert);
  // The CA file may bundle several CAs (a rotation: the old and the new); one of them must have signed.
  const authorities = splitPem(ca).map((pem) => parseCertificate(pem, files.ca));
  if (authorities.length === 0) authorities.push(parseCertificate(ca, files.ca));
  const authority =
    authorities.find((candidate) => leaf.checkIssued(candidate) && leaf.verify(candidate.publicKey)) ??
    (authorities[0] as X509Certificate);
  const bad = (message: string): GossipError => new GossipError('GOSSIP_ERR_BAD_ARGUMENT', message);
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw bad(`${files.key} holds no private key in PEM form (${(error as Error).message})`);
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw bad(`the key in ${files.key} is not the key of the certificate in ${files.cert}`);
  if (!authority.ca) throw bad(`${files.ca} is not a CA certificate (its basic constraints say CA:FALSE)`);
  if (!leaf.checkIssued(authority) || !leaf.verify(authority.publicKey))
    throw bad(`the certificate in ${files.cert} was not signed by the CA in ${files.ca}`);
  for (const [what, certificate, file] of [
    ['certificate', leaf, files.cert],
    ['CA certificate', authority, files.ca],
  ] as const) {
    if (new Date(certificate.validTo) < now)
      throw bad(`the ${what} in ${file} expired on ${certificate.validTo}; make new ones`);
    if (new Date(certificate.validFrom) > now)
      throw bad(`the ${what} in ${file} is not valid before ${certificate.validFrom}; check the clock`);
  }
  return { files, cert, key, ca, subject: leaf.subject.replaceAll('\n', ', '), validTo: leaf.validTo };
}

function splitPem(bytes: Buffer): Buffer[] {
  const blocks = bytes
    .toString('utf8')
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return (blocks ?? []).map((block) => Buffer.from(`${block}\n`));
}

function readTlsFile(file: string, what: string): Buffer {
  return readArgumentFile(
    file,
    `TLS ${what}`,
    MAX_TLS_FILE_BYTES,
    () => `the TLS ${what} file ${file} is larger than 256 KiB`,
  );
}

function parseCertificate(pem: Buffer, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new GossipError(
      'GOSSIP_ERR_BAD_ARGUMENT',
      `${file} holds no certificate in PEM form (${(error as Error).message})`,
      { cause: error },
    );
  }
}
