import assert from 'node:assert/strict';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { AzureIdentitySettings } from '../../bot/config';
import { appCredentialKind, createAppCredential, isMicrosoftAuthority } from '../../bot/identity/credentials';
import { Secret } from '../../bot/secret';

const app = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  clientId: '22222222-2222-2222-2222-222222222222',
};

describe('createAppCredential', () => {
  const cases: { name: string; settings: AzureIdentitySettings; type: new (...args: never[]) => unknown }[] =
    [
      {
        name: 'a client secret credential for a tenant, client id and secret',
        settings: { ...app, clientSecret: new Secret('s3cret'), useManagedIdentity: false },
        type: ClientSecretCredential,
      },
      {
        name: 'a client certificate credential for a certificate path',
        settings: { ...app, clientCertificatePath: '/nonexistent/cert.pem', useManagedIdentity: false },
        type: ClientCertificateCredential,
      },
      {
        name: 'a managed identity credential when switched on, even beside a secret',
        settings: { ...app, clientSecret: new Secret('s3cret'), useManagedIdentity: true },
        type: ManagedIdentityCredential,
      },
      {
        name: 'a workload identity credential for a federated token file',
        settings: { ...app, federatedTokenFile: '/var/run/token', useManagedIdentity: false },
        type: WorkloadIdentityCredential,
      },
      {
        name: 'DefaultAzureCredential when nothing is set',
        settings: { useManagedIdentity: false },
        type: DefaultAzureCredential,
      },
      {
        name: 'a simulator authority credential with the local authority host',
        settings: {
          ...app,
          clientSecret: new Secret('s3cret'),
          useManagedIdentity: false,
          authorityHost: 'https://127.0.0.1:8443',
        },
        type: ClientSecretCredential,
      },
    ];
  for (const c of cases) {
    it(`builds ${c.name}`, () => {
      assert.ok(createAppCredential(c.settings) instanceof c.type);
    });
  }

  it('refuses a workload identity without a client id', () => {
    assert.throws(
      () =>
        createAppCredential({ tenantId: app.tenantId, federatedTokenFile: '/t', useManagedIdentity: false }),
      { name: 'ConfigError' },
    );
  });

  it('names the kind it builds, for /status', () => {
    assert.equal(
      appCredentialKind({ ...app, clientSecret: new Secret('x'), useManagedIdentity: false }),
      'clientSecret',
    );
  });
});

describe('isMicrosoftAuthority', () => {
  const cases: { host: string | undefined; expected: boolean }[] = [
    { host: undefined, expected: true },
    { host: 'https://login.microsoftonline.com', expected: true },
    { host: 'https://login.microsoftonline.us/', expected: true },
    { host: 'https://login.chinacloudapi.cn', expected: true },
    { host: 'https://127.0.0.1:8443', expected: false },
    { host: 'https://login.microsoftonline.com.evil.example', expected: false },
    { host: 'not a url', expected: false },
  ];
  for (const c of cases) {
    it(`says ${String(c.host)} is ${c.expected ? '' : 'not '}a Microsoft authority`, () => {
      assert.equal(isMicrosoftAuthority(c.host), c.expected);
    });
  }
});
