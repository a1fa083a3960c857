#!/usr/bin/env node
// Makes the certificates for a TLS cluster run by docker-compose (docker-compose.tls.yml) or Kubernetes
// (deploy/k8s-tls): a cluster CA, one certificate per node (named nodeN, gossip-<N-1>, ... as the compose
// file and the StatefulSet reach them) and a client certificate for the CLI, with the same code as
// `gossip start-network --tls`. Keys are made readable (0644) for the node user in the containers (uid 1000);
// the directory is 0700, so on the host only its owner reaches them. The CA key stays 0600 and is mounted nowhere.
//   node scripts/make-certs.js [--dir tls] [-n 16]      (for deploy/k8s-tls: --dir deploy/k8s-tls/tls)
import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node scripts/make-certs.js [--dir <dir>] [-n <nodes>]   (npm run build first)';

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string', default: 'tls' },
        nodes: { type: 'string', short: 'n', default: '16' },
      },
    }));
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const count = Number(values.nodes);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    process.stderr.write(`error: -n must be a whole number from 1 to 1000 (got "${values.nodes}")\n`);
    return 2;
  }
  let tls;
  try {
    tls = await import('../dist/network/network-tls.js');
  } catch (error) {
    process.stderr.write(`error: cannot load dist/network (${error.message}); run \`npm run build\` first\n`);
    return 1;
  }
  const dir = path.resolve(values.dir);
  const nodes = Array.from({ length: count }, (_, index) => ({ id: index + 1 }));
  await tls.makeNetworkCertificates(dir, nodes);
  for (const file of await readdir(dir))
    if (file.endsWith('.key') && file !== 'ca.key') await chmod(path.join(dir, file), 0o644);
  process.stdout.write(
    `wrote ${dir}: ca.crt (the cluster CA) and ca.key, node-1 ... node-${count} (.crt, .key), client.crt and client.key\n`,
  );
  return 0;
}

process.exitCode = await main();
