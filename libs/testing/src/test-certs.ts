import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files of a throw-away certificate authority and one server certificate it signed. */
export interface TestCerts {
  dir: string;
  /** The CA certificate clients trust (KAFKA_SSL_CA_FILE, sslrootcert, REDIS_TLS_CA_FILE). */
  caFile: string;
  /** Server certificate (valid for 127.0.0.1 and localhost) and its unencrypted PKCS#8 key. */
  certFile: string;
  keyFile: string;
  /** Key then certificate in one file: Kafka's PEM keystore (KIP-651) reads them together. */
  keyAndCertFile: string;
  /** A client certificate of the same CA, for mutual TLS. */
  clientCertFile: string;
  clientKeyFile: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Made by the test, never committed (.gitignore keeps .stack/): a CA and a server certificate
 * whose subjectAltName covers 127.0.0.1 and localhost, so clients verify the host name
 * (PostgreSQL sslmode=verify-full, Kafka's endpoint identification, Node's checkServerIdentity).
 */
export function makeTestCerts(dir: string): TestCerts {
  mkdirSync(dir, { recursive: true });
  const days = ['-days', '2'];
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', ...days, '-subj', '/CN=md-platform test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const ext = join(dir, 'server.ext');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n');
  for (const [name, cn] of [['server', 'localhost'], ['client', 'md-client']] as const) {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.raw.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, ...days, '-extfile', ext]);
    openssl(dir, ['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.raw.key`, '-out', `${name}.key`]);
    // PostgreSQL refuses a key file readable by others.
    chmodSync(join(dir, `${name}.key`), 0o600);
  }
  const keyAndCertFile = join(dir, 'server.key-and-cert.pem');
  writeFileSync(keyAndCertFile, readFileSync(join(dir, 'server.key'), 'utf8') + readFileSync(join(dir, 'server.pem'), 'utf8'), { mode: 0o600 });
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    keyAndCertFile,
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
}
