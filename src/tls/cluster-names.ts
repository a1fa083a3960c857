// The names a node's certificate is made out to (subjectAltName): every name another node, the CLI or a
// container may dial it by. Pure, so start-network, the compose helper and the tests agree on them.

/** Names every node certificate carries: the local address a launcher's nodes and the CLI dial. */
const LOCAL_NAMES = ['127.0.0.1', 'localhost'] as const;

/**
 * A node's certificate names: its own address, loopback, and the host names the compose file (`nodeN`) and
 * the Kubernetes StatefulSet (`gossip-<N-1>`, `gossip-<N-1>.gossip`, and the namespaced service name) give it.
 */
export function nodeCertificateNames(id: number, host?: string | undefined): string[] {
  const pod = `gossip-${id - 1}`;
  const names = [
    ...(host === undefined || isWildcard(host) ? [] : [host]),
    ...LOCAL_NAMES,
    `node${id}`,
    pod,
    `${pod}.gossip`,
    `${pod}.gossip.default.svc.cluster.local`,
  ];
  return [...new Set(names)];
}

/** The common name of a node's certificate (what a peer's log shows). */
export function nodeCommonName(id: number): string {
  return `Gossip-Node-${id}`;
}

function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}
