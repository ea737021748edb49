/**
 * The simulator's own certificate authority: a self-signed CA kept in a folder, and TLS server certificates
 * issued by it. Processes that call the simulator trust it through `NODE_EXTRA_CA_CERTS=<caDir>/ca.pem`, which
 * Node reads only at start, so the CA must stay the same across runs in the same folder.
 */
import { promises as fs } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import forge from 'node-forge';

/** A CA as PEM texts, with the path of its certificate file. */
export interface SimulatorCa {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
}

/** A TLS server certificate and its private key, as PEM texts. */
export interface ServerCert {
  readonly certPem: string;
  readonly keyPem: string;
}

const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const CA_VALIDITY_YEARS = 10;
const SERVER_CERT_VALIDITY_DAYS = 825;

function randomSerial(): string {
  // A positive serial: the first hex digit below 8 keeps the DER integer from being read as negative.
  const hex = forge.util.bytesToHex(forge.random.getBytesSync(16));
  return `${(parseInt(hex[0] ?? '0', 16) & 0x7).toString(16)}${hex.slice(1)}`;
}

function generateKeyPair(): Promise<forge.pki.rsa.KeyPair> {
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits: 2048, workers: -1 }, (err, keypair) => {
      if (err) reject(err);
      else resolve(keypair);
    });
  });
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Loads the CA from `caDir` (`ca.pem`, `ca-key.pem`), or generates one (RSA 2048, valid 10 years) and writes it.
 * @throws when the folder cannot be created or written, or the stored files do not parse.
 */
export async function ensureCa(caDir: string): Promise<SimulatorCa> {
  const certPath = path.resolve(caDir, CA_CERT_FILE);
  const keyPath = path.resolve(caDir, CA_KEY_FILE);
  const [storedCert, storedKey] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (storedCert !== undefined && storedKey !== undefined) {
    // Parse once so a damaged file fails here rather than on the first TLS handshake.
    forge.pki.certificateFromPem(storedCert);
    forge.pki.privateKeyFromPem(storedKey);
    return { certPem: storedCert, keyPem: storedKey, certPath };
  }

  const keys = await generateKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(notBefore);
  notAfter.setFullYear(notAfter.getFullYear() + CA_VALIDITY_YEARS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [
    { name: 'commonName', value: 'defender-ioc-bot local simulator CA' },
    { name: 'organizationName', value: 'defender-ioc-bot' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());

  const certPem = forge.pki.certificateToPem(cert);
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  await fs.mkdir(path.dirname(certPath), { recursive: true });
  // Write to temporary names and rename, so a concurrent reader never sees half a file.
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(keyPath + suffix, keyPem, { mode: 0o600 });
  await fs.writeFile(certPath + suffix, certPem);
  await fs.rename(keyPath + suffix, keyPath);
  await fs.rename(certPath + suffix, certPath);
  return { certPem, keyPem, certPath };
}

/**
 * Issues a TLS server certificate signed by `ca` for the given host names; IP addresses become IP SANs.
 */
export async function issueServerCert(
  ca: Pick<SimulatorCa, 'certPem' | 'keyPem'>,
  hostnames: readonly string[] = ['localhost', '127.0.0.1', '::1'],
): Promise<ServerCert> {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = await generateKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + SERVER_CERT_VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hostnames.map((h) => (isIP(h) !== 0 ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}
