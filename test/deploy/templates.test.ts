import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'mocha';
import { CONFIG_VARIABLES, loadConfig } from '../../bot/config';

interface ArmParameter {
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly allowedValues?: readonly unknown[];
}
interface ArmResource {
  readonly type: string;
  readonly name: string;
  readonly kind?: string;
  readonly condition?: string;
  readonly identity?: { readonly type: string; readonly userAssignedIdentities?: Record<string, unknown> };
  readonly properties?: Record<string, unknown>;
}
interface ArmTemplate {
  readonly parameters: Record<string, ArmParameter>;
  readonly variables: Record<string, unknown>;
  readonly resources: readonly ArmResource[];
  readonly outputs: Record<string, { readonly type: string; readonly value: unknown }>;
}
interface ArmParametersFile {
  readonly parameters: Record<string, { readonly value?: unknown; readonly reference?: unknown }>;
}
interface AppSetting {
  readonly name: string;
  readonly value: string;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the tests');
    dir = parent;
  }
  return dir;
}

const dir = path.join(repoRoot(), 'deploymentTemplates');
const templateText = readFileSync(path.join(dir, 'azuredeploy.json'), 'utf8');
const template = JSON.parse(templateText) as ArmTemplate;
const parametersFile = JSON.parse(
  readFileSync(path.join(dir, 'azuredeploy.parameters.json'), 'utf8'),
) as ArmParametersFile;

/** App settings read by App Service or the Application Insights agent, not by the bot. */
const PLATFORM_SETTINGS: Readonly<Record<string, string>> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'the Application Insights agent',
  ApplicationInsightsAgent_EXTENSION_VERSION: 'App Service: switches the Node.js agent on (~3 on Linux)',
  WEBSITE_RUN_FROM_PACKAGE: 'App Service: run the deployed zip read-only',
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'App Service: the zip is built already',
};

const SECRET_LIKE = /password|secret|connectionstring|key$|token|credential/i;

function resourcesOf(type: string): ArmResource[] {
  return template.resources.filter((r) => r.type === type);
}

function only(type: string): ArmResource {
  const found = resourcesOf(type);
  assert.equal(found.length, 1, `expected one ${type}`);
  const [first] = found;
  assert.ok(first);
  return first;
}

const site = (): ArmResource => only('Microsoft.Web/sites');
const siteConfig = (): Record<string, unknown> => site().properties?.siteConfig as Record<string, unknown>;
const appSettings = (): AppSetting[] => siteConfig().appSettings as AppSetting[];
const setting = (name: string): AppSetting | undefined => appSettings().find((s) => s.name === name);

/** The template without its `parameters` section, where a parameter counts as used. */
const body = JSON.stringify({ ...template, parameters: {} });

describe('deployment templates: parameters', () => {
  for (const name of Object.keys(template.parameters)) {
    it(`uses the declared parameter ${name}`, () => {
      assert.ok(body.includes(`parameters('${name}')`), `${name} is declared but never used`);
    });
  }

  it('declares every parameter it uses', () => {
    const used = [...body.matchAll(/parameters\('([^']+)'\)/g)].map((m) => m[1] ?? '');
    assert.deepEqual(
      used.filter((n) => !(n in template.parameters)),
      [],
    );
  });

  it('declares every variable it uses', () => {
    const used = [...templateText.matchAll(/variables\('([^']+)'\)/g)].map((m) => m[1] ?? '');
    assert.deepEqual(
      used.filter((n) => !(n in template.variables)),
      [],
    );
  });

  const secretParameters = Object.entries(template.parameters).filter(([name]) => SECRET_LIKE.test(name));

  it('has secret parameters to check', () => {
    assert.ok(secretParameters.length >= 2, 'the bot password and the Defender client secret');
  });

  for (const [name, p] of secretParameters) {
    it(`declares the secret-like parameter ${name} as securestring without a default`, () => {
      assert.equal(p.type.toLowerCase(), 'securestring');
      assert.equal('defaultValue' in p, false, `${name} has a default value`);
    });
  }

  it('hands secure parameters only to Key Vault secrets, never to app settings or outputs', () => {
    const secure = Object.entries(template.parameters)
      .filter(([, p]) => p.type.toLowerCase() === 'securestring')
      .map(([n]) => n);
    const elsewhere = JSON.stringify({
      ...template,
      parameters: {},
      resources: template.resources.filter((r) => r.type !== 'Microsoft.KeyVault/vaults/secrets'),
    });
    for (const name of secure) {
      assert.ok(!elsewhere.includes(`parameters('${name}')`), `${name} is used outside a Key Vault secret`);
    }
  });
});

describe('deployment templates: parameters file', () => {
  it('sets only parameters the template declares', () => {
    assert.deepEqual(
      Object.keys(parametersFile.parameters).filter((n) => !(n in template.parameters)),
      [],
    );
  });

  it('holds no value for a secure or secret-like parameter', () => {
    const offending = Object.keys(parametersFile.parameters).filter(
      (n) => SECRET_LIKE.test(n) || template.parameters[n]?.type.toLowerCase() === 'securestring',
    );
    assert.deepEqual(offending, []);
  });

  it('holds no value that looks like a credential', () => {
    const values = Object.values(parametersFile.parameters).map((p) => JSON.stringify(p.value ?? ''));
    for (const v of values) {
      assert.doesNotMatch(v, /AccountKey=|Q~|-----BEGIN|eyJ[A-Za-z0-9_-]{10,}/);
    }
  });

  it('gives every required parameter a value', () => {
    const required = Object.entries(template.parameters)
      .filter(([, p]) => !('defaultValue' in p) && p.type.toLowerCase() !== 'securestring')
      .map(([n]) => n);
    assert.deepEqual(
      required.filter((n) => !(n in parametersFile.parameters)),
      [],
    );
  });
});

describe('deployment templates: web app', () => {
  it('runs on Linux with Node 22 LTS', () => {
    assert.equal(siteConfig().linuxFxVersion, 'NODE|22-lts');
    const windowsVersion = setting('WEBSITE_NODE_DEFAULT_VERSION');
    assert.ok(windowsVersion === undefined || windowsVersion.value === '~22');
  });

  it('starts the compiled bot, not the local launcher', () => {
    assert.equal(siteConfig().appCommandLine, 'node dist/bot/index.js');
  });

  for (const s of appSettings()) {
    it(`names the app setting ${s.name} as bot/config.ts reads it (or as the platform does)`, () => {
      assert.ok(
        (CONFIG_VARIABLES as readonly string[]).includes(s.name) || s.name in PLATFORM_SETTINGS,
        `${s.name} is neither in CONFIG_VARIABLES nor a platform setting`,
      );
    });
  }

  it('sets each app setting once', () => {
    const names = appSettings().map((s) => s.name);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
  });

  it('sets what production mode requires', () => {
    for (const name of [
      'BOT_MODE',
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'MicrosoftAppPassword',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'STORAGE_CONNECTION_STRING',
      'APPROVER_GROUP_ID',
    ]) {
      assert.ok(setting(name), `${name} missing`);
    }
    assert.equal(setting('BOT_MODE')?.value, 'production');
    assert.equal(setting('APPROVAL_MODE')?.value ?? 'required', 'required');
  });

  for (const name of ['MicrosoftAppPassword', 'AZURE_CLIENT_SECRET', 'STORAGE_CONNECTION_STRING']) {
    it(`takes ${name} from Key Vault through a reference`, () => {
      assert.match(setting(name)?.value ?? '', /@Microsoft\.KeyVault\(SecretUri=/);
    });
  }

  it('gives bot/config.ts a valid production configuration with the parameters file and the defaults', () => {
    // What App Service would hand the process: literals as they are, parameters from the parameters file or
    // their defaults, and expressions ARM alone can evaluate (Key Vault references, identity ids) as stand-ins.
    const standIns: Record<string, string> = {
      MicrosoftAppId: '6b1f0a4e-3c2d-4e5f-9a8b-7c6d5e4f3a2b',
      MicrosoftAppPassword: 'resolved-from-key-vault',
      AZURE_CLIENT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      AZURE_CLIENT_SECRET: 'resolved-from-key-vault',
      AZURE_USE_MANAGED_IDENTITY: 'false',
      STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=eA==',
      MicrosoftAppTenantId: '3f2e1d0c-b9a8-4766-8554-433221100ffe',
      AZURE_TENANT_ID: '3f2e1d0c-b9a8-4766-8554-433221100ffe',
    };
    const parameterValue = (name: string): unknown =>
      parametersFile.parameters[name]?.value ?? template.parameters[name]?.defaultValue;
    const env: Record<string, string> = {};
    for (const s of appSettings()) {
      if (!(CONFIG_VARIABLES as readonly string[]).includes(s.name)) continue;
      const direct = /^\[(?:string\()?parameters\('([^']+)'\)\)?\]$/.exec(s.value)?.[1];
      if (!s.value.startsWith('[')) env[s.name] = s.value;
      else if (direct !== undefined) env[s.name] = String(parameterValue(direct));
      else env[s.name] = standIns[s.name] ?? assert.fail(`no stand-in for the expression of ${s.name}`);
    }
    const config = loadConfig(env);
    assert.equal(config.mode, 'production');
    assert.equal(config.bot.MicrosoftAppType, 'SingleTenant');
    assert.equal(config.approval.mode, 'required');
  });

  it('resolves Key Vault references with its user-assigned identity', () => {
    const s = site();
    assert.equal(s.identity?.type, 'UserAssigned');
    const identities = Object.keys(s.identity?.userAssignedIdentities ?? {});
    assert.equal(identities.length, 1);
    assert.equal(s.properties?.keyVaultReferenceIdentity, identities[0]);
  });

  it('is hardened: https only, TLS 1.2, no FTP, always on', () => {
    assert.equal(site().properties?.httpsOnly, true);
    assert.equal(siteConfig().minTlsVersion, '1.2');
    assert.equal(siteConfig().ftpsState, 'Disabled');
    assert.equal(siteConfig().alwaysOn, true);
  });

  it('runs on a Linux plan', () => {
    const plan = only('Microsoft.Web/serverfarms');
    assert.equal(plan.kind, 'linux');
    assert.equal(plan.properties?.reserved, true);
  });
});

describe('deployment templates: other resources', () => {
  it('registers an Azure Bot whose identity is SingleTenant or a user-assigned managed identity', () => {
    const bot = only('Microsoft.BotService/botServices');
    assert.equal(bot.kind, 'azurebot');
    assert.equal(bot.properties?.msaAppType, "[parameters('botAppType')]");
    assert.deepEqual(template.parameters.botAppType?.allowedValues, ['SingleTenant', 'UserAssignedMSI']);
    assert.ok(bot.properties?.msaAppTenantId);
    assert.match(String(bot.properties?.endpoint), /\/api\/messages/);
  });

  it('enables the Teams channel', () => {
    const channel = only('Microsoft.BotService/botServices/channels');
    assert.match(channel.name, /\/MsTeamsChannel'/);
    assert.equal(channel.properties?.channelName, 'MsTeamsChannel');
  });

  it('keeps storage https-only with TLS 1.2 and no public blobs, with table and blob services', () => {
    const account = only('Microsoft.Storage/storageAccounts');
    assert.equal(account.properties?.supportsHttpsTrafficOnly, true);
    assert.equal(account.properties?.minimumTlsVersion, 'TLS1_2');
    assert.equal(account.properties?.allowBlobPublicAccess, false);
    only('Microsoft.Storage/storageAccounts/tableServices');
    only('Microsoft.Storage/storageAccounts/blobServices');
  });

  it('uses Key Vault with RBAC and purge protection, and grants the identity Key Vault Secrets User', () => {
    const vault = only('Microsoft.KeyVault/vaults');
    assert.equal(vault.properties?.enableRbacAuthorization, true);
    assert.equal(vault.properties?.enablePurgeProtection, true);
    const assignment = only('Microsoft.Authorization/roleAssignments');
    // Key Vault Secrets User (built-in role).
    assert.equal(template.variables.keyVaultSecretsUserRoleId, '4633458b-17de-408a-b874-0445c86b69e6');
    assert.match(String(assignment.properties?.roleDefinitionId), /variables\('keyVaultSecretsUserRoleId'\)/);
    assert.equal(assignment.properties?.principalType, 'ServicePrincipal');
  });

  it('stores the bot password, the Defender client secret and the storage connection string as secrets', () => {
    const names = resourcesOf('Microsoft.KeyVault/vaults/secrets').map((r) => r.name);
    for (const v of ['botPasswordSecretName', 'defenderSecretName', 'storageSecretName']) {
      assert.ok(
        names.some((n) => n.includes(`variables('${v}')`)),
        `${v} has no secret`,
      );
    }
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    const ai = only('Microsoft.Insights/components');
    assert.ok(ai.properties?.WorkspaceResourceId);
    only('Microsoft.OperationalInsights/workspaces');
  });

  it('outputs what the README tells the deployer to use', () => {
    for (const name of [
      'botEndpoint',
      'botAppId',
      'webAppName',
      'managedIdentityClientId',
      'managedIdentityPrincipalId',
      'keyVaultName',
    ]) {
      assert.equal(template.outputs[name]?.type, 'string', `output ${name} missing`);
    }
  });

  it('outputs no secret', () => {
    assert.doesNotMatch(JSON.stringify(template.outputs), /listKeys|securestring|Password|Secret'/i);
  });
});

describe('deployment templates: README', () => {
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');

  it('names every template output', () => {
    for (const name of Object.keys(template.outputs))
      assert.ok(readme.includes(name), `${name} not in README`);
  });

  it('names the least-privilege API permissions', () => {
    for (const p of [
      'Ti.ReadWrite.All',
      'SecurityAlert.Read.All',
      'ThreatHunting.Read.All',
      'GroupMember.Read.All',
    ]) {
      assert.ok(readme.includes(p), `${p} not in README`);
    }
  });

  it('shows the deployment command', () => {
    assert.match(readme, /az deployment group create/);
  });
});
