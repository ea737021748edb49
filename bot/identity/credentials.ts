/**
 * The app identity the bot uses for Defender and Graph, built from {@link AzureIdentitySettings} with
 * `@azure/identity`.
 */
import {
  AzureAuthorityHosts,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { AzureIdentitySettings } from '../config';
import { ConfigError } from '../errors';

/** Which credential {@link createAppCredential} builds. */
export type AppCredentialKind =
  'managedIdentity' | 'clientSecret' | 'clientCertificate' | 'workloadIdentity' | 'default';

/** Entra authority hosts run by Microsoft; any other host (the local simulator) gets no instance discovery. */
const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  ...Object.values(AzureAuthorityHosts).map((u) => new URL(u).hostname),
  'login.microsoft.com',
  'login.windows.net',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

/** True when `authorityHost` is one of Microsoft's Entra hosts (or unset, which means the public cloud). */
export function isMicrosoftAuthority(authorityHost: string | undefined): boolean {
  if (authorityHost === undefined) return true;
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Which credential the settings select, most explicit first: managed identity when switched on, then client
 * secret, client certificate, workload identity (federated token file), else `DefaultAzureCredential`.
 */
export function appCredentialKind(settings: AzureIdentitySettings): AppCredentialKind {
  const app = settings.tenantId !== undefined && settings.clientId !== undefined;
  if (settings.useManagedIdentity) return 'managedIdentity';
  if (app && settings.clientSecret !== undefined) return 'clientSecret';
  if (app && settings.clientCertificatePath !== undefined) return 'clientCertificate';
  if (settings.federatedTokenFile !== undefined) return 'workloadIdentity';
  return 'default';
}

/**
 * Builds the app's token credential.
 * @remarks `disableInstanceDiscovery` is set when the authority is not a Microsoft host, because MSAL would
 * otherwise ask `login.microsoftonline.com` to vouch for it (and the local simulator is no Entra instance).
 * The managed-identity endpoint has no authority host.
 * @throws ConfigError when a workload identity lacks its tenant or client id.
 */
export function createAppCredential(settings: AzureIdentitySettings): TokenCredential {
  const authority = {
    ...(settings.authorityHost === undefined ? {} : { authorityHost: settings.authorityHost }),
    ...(isMicrosoftAuthority(settings.authorityHost) ? {} : { disableInstanceDiscovery: true }),
  };
  const { tenantId, clientId } = settings;
  switch (appCredentialKind(settings)) {
    case 'managedIdentity':
      return clientId === undefined
        ? new ManagedIdentityCredential()
        : new ManagedIdentityCredential({ clientId });
    case 'clientSecret':
      return new ClientSecretCredential(
        tenantId ?? '',
        clientId ?? '',
        settings.clientSecret?.reveal() ?? '',
        authority,
      );
    case 'clientCertificate':
      return new ClientCertificateCredential(
        tenantId ?? '',
        clientId ?? '',
        { certificatePath: settings.clientCertificatePath ?? '' },
        authority,
      );
    case 'workloadIdentity':
      if (tenantId === undefined || clientId === undefined) {
        throw new ConfigError([
          {
            variable: tenantId === undefined ? 'AZURE_TENANT_ID' : 'AZURE_CLIENT_ID',
            message: 'is required with AZURE_FEDERATED_TOKEN_FILE (workload identity)',
          },
        ]);
      }
      return new WorkloadIdentityCredential({
        tenantId,
        clientId,
        tokenFilePath: settings.federatedTokenFile ?? '',
        ...authority,
      });
    case 'default':
      return new DefaultAzureCredential({
        ...authority,
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(clientId === undefined
          ? {}
          : { managedIdentityClientId: clientId, workloadIdentityClientId: clientId }),
      });
  }
}
