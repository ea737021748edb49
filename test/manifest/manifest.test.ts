/**
 * Contract tests of the Teams app manifest (reference teams-platform §3) and of its packaging script.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { after, describe, it } from 'mocha';
import { COMMAND_NAMES, COMMAND_USAGE } from '../../bot/commands/commandParser';
import { loadConfig } from '../../bot/config';
import {
  MANIFEST_COMMANDS,
  MANIFEST_DIR,
  MAX_COMMANDS_PER_LIST,
  appIdFromConfig,
  bundledSchemaPath,
  colorIcon,
  createZip,
  main,
  manifestCommandLists,
  outlineIcon,
  packageManifest,
  substitutePlaceholders,
  type ManifestCommandList,
} from '../../scripts/packageManifest';
import { decodePng, pngSize } from './pngReader';
import { readZip } from './zipReader';

const SAMPLE_ID = '6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
/** The version the reference calls current (teams-platform §3) and for which the package bundles a schema. */
const MANIFEST_VERSION = '1.23';

type Json = Record<string, unknown>;
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists: ManifestCommandList[];
}

const manifestText = readFileSync(path.join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const committed = JSON.parse(manifestText) as Json & { bots: Bot[] };

/** The committed manifest with the sample id put in by plain text replacement (independent of the script). */
function substituted(): Json & { bots: Bot[] } {
  return JSON.parse(manifestText.split('${{MicrosoftAppId}}').join(SAMPLE_ID)) as Json & { bots: Bot[] };
}

function bundledSchema(): Parameters<typeof AppManifestUtils.validateAgainstSchema>[1] {
  return JSON.parse(readFileSync(bundledSchemaPath(MANIFEST_VERSION), 'utf8')) as Parameters<
    typeof AppManifestUtils.validateAgainstSchema
  >[1];
}

function validate(manifest: Json): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, bundledSchema());
}

describe('Teams app manifest', () => {
  it(`is at manifest version ${MANIFEST_VERSION} with the canonical schema URL of that version`, () => {
    assert.equal(committed.manifestVersion, MANIFEST_VERSION);
    assert.equal(
      committed.$schema,
      `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against the schema bundled in @microsoft/app-manifest once the id is substituted', async () => {
    assert.deepEqual(await validate(substituted()), []);
  });

  it('is refused by the schema with a lower-case groupchat scope (the validator is live)', async () => {
    const manifest = substituted();
    manifest.bots[0].scopes = ['personal', 'groupchat'];
    const failures = await validate(manifest);
    assert.ok(
      failures.some((f) => f.includes('/bots/0/scopes/1')),
      failures.join('\n'),
    );
  });

  it('is refused by the schema with more than 10 commands in a list', async () => {
    const manifest = substituted();
    manifest.bots[0].commandLists[0].commands = COMMAND_NAMES.map((n) => ({ title: n, description: n }));
    const failures = await validate(manifest);
    assert.ok(
      failures.some((f) => f.includes('/commandLists/0/commands')),
      failures.join('\n'),
    );
  });

  it('names a schema that @microsoft/app-manifest resolves to its bundled file, so validation is offline', async () => {
    assert.ok(existsSync(bundledSchemaPath(MANIFEST_VERSION)));
    const schema = (await AppManifestUtils.fetchSchema(String(committed.$schema))) as unknown as Json;
    const manifestVersion = (schema.properties as Record<string, { const?: string }>).manifestVersion;
    assert.equal(manifestVersion?.const, MANIFEST_VERSION);
  });

  it('uses the MicrosoftAppId placeholder for the app id and the bot id', () => {
    assert.equal(committed.id, '${{MicrosoftAppId}}');
    assert.equal(committed.bots[0]?.botId, '${{MicrosoftAppId}}');
    assert.deepEqual(
      [...manifestText.matchAll(/\$\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]),
      ['MicrosoftAppId', 'MicrosoftAppId'],
    );
  });

  it('declares one conversational bot in personal, team and group chat scopes that supports files', () => {
    assert.equal(committed.bots.length, 1);
    const bot = committed.bots[0];
    assert.deepEqual(bot.scopes, ['personal', 'team', 'groupChat']);
    assert.equal(bot.supportsFiles, true);
    assert.equal(bot.isNotificationOnly, false);
  });

  it('has different short and full names and descriptions', () => {
    const name = committed.name as { short: string; full: string };
    const description = committed.description as { short: string; full: string };
    assert.notEqual(name.short, name.full);
    assert.notEqual(description.short, description.full);
  });
});

describe('Teams app manifest: command menus', () => {
  it('matches the command registry (run node dist/scripts/packageManifest.js --sync-commands if not)', () => {
    assert.deepEqual(committed.bots[0]?.commandLists, manifestCommandLists());
  });

  it('has one list per bot scope', () => {
    const scopes = committed.bots[0].commandLists.flatMap((l) => l.scopes);
    assert.deepEqual(scopes, committed.bots[0].scopes);
  });

  for (const [scope, names] of Object.entries(MANIFEST_COMMANDS)) {
    it(`lists only real commands in the ${scope} menu`, () => {
      const unknown = names.filter((n) => !(COMMAND_NAMES as readonly string[]).includes(n));
      assert.deepEqual(unknown, []);
    });

    it(`lists at most ${MAX_COMMANDS_PER_LIST} distinct commands, help among them, in the ${scope} menu`, () => {
      assert.ok(names.length <= MAX_COMMANDS_PER_LIST, `${names.length}`);
      assert.equal(new Set(names).size, names.length);
      assert.ok(names.includes('help'));
    });
  }

  it('describes each command with the registry description, within the Teams length limits', () => {
    for (const list of committed.bots[0].commandLists) {
      for (const c of list.commands) {
        assert.equal(c.description, COMMAND_USAGE[c.title as keyof typeof COMMAND_USAGE].description);
        assert.ok(c.title.length <= 128 && c.description.length <= 4000, c.title);
      }
    }
  });

  it('offers import only in personal chat, where the bot can receive files', () => {
    assert.ok(MANIFEST_COMMANDS.personal.includes('import'));
    assert.ok(!MANIFEST_COMMANDS.team.includes('import') && !MANIFEST_COMMANDS.groupChat.includes('import'));
  });
});

describe('Teams app manifest: icons', () => {
  const color = readFileSync(path.join(MANIFEST_DIR, 'color.png'));
  const outline = readFileSync(path.join(MANIFEST_DIR, 'outline.png'));

  it('has a 192x192 colour icon', () => {
    assert.deepEqual(pngSize(color), { width: 192, height: 192 });
  });

  it('has a 32x32 outline icon', () => {
    assert.deepEqual(pngSize(outline), { width: 32, height: 32 });
  });

  it('draws the outline icon in white only, on a transparent background', () => {
    const png = decodePng(outline);
    let opaque = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const [r, g, b, a] = png.pixel(x, y);
        if (a > 0) {
          opaque++;
          assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${x},${y}`);
        }
      }
    }
    assert.equal(png.pixel(0, 0)[3], 0);
    assert.ok(opaque > 50, `${opaque} visible pixels`);
  });

  it('fills the colour icon completely, in more than one colour', () => {
    const png = decodePng(color);
    const colours = new Set<string>();
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const p = png.pixel(x, y);
        assert.equal(p[3], 255, `pixel ${x},${y} is not opaque`);
        colours.add(p.slice(0, 3).join(','));
      }
    }
    assert.ok(colours.size > 1);
  });

  it('commits the icons the generator draws', () => {
    assert.ok(colorIcon().equals(color), 'run node dist/scripts/packageManifest.js --icons');
    assert.ok(outlineIcon().equals(outline), 'run node dist/scripts/packageManifest.js --icons');
  });
});

describe('packaging the manifest', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an empty MicrosoftAppId and says why', () => {
    assert.throws(
      () => appIdFromConfig(loadConfig({})),
      (e: Error & { code?: string }) => {
        assert.equal(e.name, 'ConfigError');
        assert.equal(e.code, 'config');
        assert.match(e.message, /MicrosoftAppId: is empty, so there is no bot identity/);
        return true;
      },
    );
  });

  it('refuses a MicrosoftAppId that is not a GUID', () => {
    const config = loadConfig({});
    assert.throws(() => appIdFromConfig({ ...config, bot: { ...config.bot, MicrosoftAppId: 'my-bot' } }), {
      name: 'ConfigError',
      code: 'config',
    });
  });

  it('takes the app id of a production configuration', () => {
    const config = loadConfig({
      MicrosoftAppId: SAMPLE_ID,
      MicrosoftAppPassword: 'p',
      MicrosoftAppTenantId: '11111111-1111-1111-1111-111111111111',
      APPROVER_USER_IDS: '22222222-2222-2222-2222-222222222222',
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      AZURE_TENANT_ID: '11111111-1111-1111-1111-111111111111',
      AZURE_CLIENT_ID: '33333333-3333-3333-3333-333333333333',
      AZURE_CLIENT_SECRET: 's',
    });
    assert.equal(appIdFromConfig(config), SAMPLE_ID);
  });

  it('exits 1 without writing a package when the environment has no MicrosoftAppId', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    try {
      assert.equal(await main([], {}), 1);
    } finally {
      console.error = original;
    }
    assert.match(errors.join('\n'), /Not packaged\. Invalid configuration:\n {2}MicrosoftAppId: is empty/);
  });

  it('writes a zip holding exactly manifest.json and the two icons', async () => {
    const outFile = path.join(dir, 'app.zip');
    await packageManifest({ appId: SAMPLE_ID, outFile });
    const names = readZip(readFileSync(outFile)).map((e) => e.name);
    assert.deepEqual(names.sort(), ['color.png', 'manifest.json', 'outline.png']);
  });

  it('puts the configured id into the packaged manifest as app id and bot id', async () => {
    const outFile = path.join(dir, 'app-id.zip');
    await packageManifest({ appId: SAMPLE_ID, outFile });
    const entry = readZip(readFileSync(outFile)).find((e) => e.name === 'manifest.json');
    const text = entry?.data.toString('utf8') ?? '';
    const manifest = JSON.parse(text) as Json & { bots: Bot[] };
    assert.equal(manifest.id, SAMPLE_ID);
    assert.equal(manifest.bots[0]?.botId, SAMPLE_ID);
    assert.ok(!text.includes('${{'));
    assert.deepEqual(await validate(manifest), []);
  });

  it('packs the committed icons byte for byte', async () => {
    const outFile = path.join(dir, 'app-icons.zip');
    await packageManifest({ appId: SAMPLE_ID, outFile });
    for (const e of readZip(readFileSync(outFile)).filter((x) => x.name.endsWith('.png'))) {
      assert.ok(e.data.equals(readFileSync(path.join(MANIFEST_DIR, e.name))), e.name);
    }
  });

  it('builds the same zip bytes from the same files', () => {
    const entries = [{ name: 'a.txt', data: Buffer.from('hello hello hello') }];
    assert.ok(createZip(entries).equals(createZip(entries)));
  });

  it('refuses a manifest placeholder that has no value', () => {
    assert.throws(() => substitutePlaceholders('{"id":"${{TEAMS_APP_ID}}"}', {}), /TEAMS_APP_ID/);
  });
});
