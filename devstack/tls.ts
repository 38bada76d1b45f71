/**
 * A private certificate authority for the Temporal frontend, made with openssl on this machine (no
 * network): the CA, the frontend's server certificate and one client certificate for the workers,
 * the API, the UI server, the CLI and Temporal's own worker service. `npm run stack:cluster` and the
 * tests use it; a ministry uses certificates from its own PKI (README, "Production deployment").
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ClusterCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The name the frontend's certificate is issued to (clients verify it). */
  serverName: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

function issue(dir: string, name: string, subject: string, ext: string, days: number): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      String(days),
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  fs.rmSync(path.join(dir, `${name}.csr`));
  fs.rmSync(path.join(dir, `${name}.ext`));
}

/**
 * Makes (or reuses, when `dir` already holds them) a CA, a server certificate for `serverName`
 * (also valid for localhost and 127.0.0.1) and a client certificate. Keys are readable by their
 * owner only.
 */
export function clusterCertificates(
  dir: string,
  { serverName = 'temporal-frontend', days = 825 }: { serverName?: string; days?: number } = {},
): ClusterCertificates {
  const files: ClusterCertificates = {
    caCert: path.join(dir, 'ca.pem'),
    serverCert: path.join(dir, 'frontend.pem'),
    serverKey: path.join(dir, 'frontend.key'),
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client.key'),
    serverName,
  };
  const complete = [files.caCert, files.serverCert, files.serverKey, files.clientCert, files.clientKey].every(
    (f) => fs.existsSync(f),
  );
  if (complete) return files;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      String(days),
      '-subj',
      '/O=Child protection/CN=Child protection Temporal CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ],
    dir,
  );
  issue(
    dir,
    'frontend',
    `/O=Child protection/CN=${serverName}`,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=DNS:${serverName},DNS:localhost,IP:127.0.0.1`,
      '',
    ].join('\n'),
    days,
  );
  issue(
    dir,
    'client',
    '/O=Child protection/CN=child-protection-client',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=clientAuth',
      '',
    ].join('\n'),
    days,
  );
  for (const key of ['ca.key', 'frontend.key', 'client.key']) fs.chmodSync(path.join(dir, key), 0o600);
  return files;
}
