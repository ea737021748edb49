import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureCa, issueServerCert } from '../../simulator/ca';

describe('simulator CA', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sim-ca-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a self-signed CA valid for ten years when the folder is empty', async () => {
    const ca = await ensureCa(dir);
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.checkIssued(cert), true);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 24 * 3600 * 1000);
    assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
    assert.equal(ca.certPath, path.join(dir, 'ca.pem'));
  });

  it('loads the same CA on the next call instead of generating a new one', async () => {
    const first = await ensureCa(dir);
    const second = await ensureCa(dir);
    assert.equal(second.certPem, first.certPem);
    assert.equal(second.keyPem, first.keyPem);
  });

  it('issues a server certificate signed by the CA with DNS and IP subject alternative names', async () => {
    const ca = await ensureCa(dir);
    const server = await issueServerCert(ca);
    const cert = new X509Certificate(server.certPem);
    assert.equal(cert.checkIssued(new X509Certificate(ca.certPem)), true);
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });
});
