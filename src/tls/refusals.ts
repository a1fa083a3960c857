// Why a TLS connection failed, in words and a stable code: for a node's counters and log (what it
// refused), and for the CLI's errors (what refused it). Pure: it reads only error codes.

/** Codes a node counts in /STATS `errors` (and Prometheus, mechanism "tls") when it refuses a connection. */
export type TlsRefusalCode =
  | 'TLS_REQUIRED'
  | 'TLS_NO_CERTIFICATE'
  | 'TLS_BAD_CERTIFICATE'
  | 'TLS_HANDSHAKE_FAILED';

export interface TlsRefusal {
  code: TlsRefusalCode;
  /** What happened, for the log line. */
  reason: string;
}

/** OpenSSL's verification results, as Node names them, in words. */
const VERIFY_REASONS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'not signed by the cluster CA',
  UNABLE_TO_GET_ISSUER_CERT: 'not signed by the cluster CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'not signed by the cluster CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'not signed by the cluster CA (a chain up to another CA)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed, not signed by the cluster CA',
  CERT_SIGNATURE_FAILURE: 'its signature does not verify',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not valid yet (check the clocks)',
  INVALID_PURPOSE: 'not made for this use (a client-only certificate used by a server, or the reverse)',
  CERT_REVOKED: 'revoked',
};

/**
 * A refused incoming handshake. `verifyError` is the socket's authorizationError: Node drops a connection
 * whose certificate fails verification with a bare ECONNRESET, and only the socket keeps the reason.
 */
export function classifyServerTlsError(
  errorCode: string | undefined,
  verifyError: string | null | undefined,
): TlsRefusal {
  if (verifyError !== undefined && verifyError !== null) {
    return {
      code: 'TLS_BAD_CERTIFICATE',
      reason: `client certificate ${VERIFY_REASONS[verifyError] ?? 'refused'} (${verifyError})`,
    };
  }
  switch (errorCode) {
    case 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE':
      return { code: 'TLS_NO_CERTIFICATE', reason: 'the client sent no certificate' };
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
      return { code: 'TLS_HANDSHAKE_FAILED', reason: 'the client does not speak TLS 1.3' };
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return { code: 'TLS_HANDSHAKE_FAILED', reason: 'the handshake did not finish in time' };
    case 'ECONNRESET':
      return {
        code: 'TLS_HANDSHAKE_FAILED',
        reason: "the client gave up during the handshake (does it trust this node's certificate?)",
      };
    default:
      return { code: 'TLS_HANDSHAKE_FAILED', reason: `handshake failed (${errorCode ?? 'unknown'})` };
  }
}

/** A failed outgoing TLS connection in words (the CLI's errors, a peer link's down reason), or undefined if not TLS. */
export function describeClientTlsError(error: {
  code?: string | undefined;
  message: string;
}): string | undefined {
  const code = error.code ?? '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `its certificate is not made out to the name or address dialled (${error.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')})`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return 'it does not speak TLS (a node started without --tls-cert, --tls-key and --tls-ca?)';
  }
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') return 'it asked for a certificate and got none';
  if (code.startsWith('ERR_SSL_TLSV1_ALERT_') || code.startsWith('ERR_SSL_SSLV3_ALERT_')) {
    return `it refused the handshake (${code
      .replace(/^ERR_SSL_(TLSV1|SSLV3)_ALERT_/, '')
      .toLowerCase()
      .replaceAll('_', ' ')})`;
  }
  const reason = VERIFY_REASONS[code];
  if (reason !== undefined) return `its certificate is ${reason} (${code})`;
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS failed (${code})`;
  return undefined;
}
