/**
 * Builds the Teams app package `manifest/build/defender-ioc-bot.zip` (reference teams-platform §3): the manifest
 * with the bot's Entra app id substituted from the configuration and the command menu generated from the command
 * registry, validated against the schema bundled in `@microsoft/app-manifest`, plus the two icons.
 *
 * Usage (after `npm run build`):
 * - `node dist/scripts/packageManifest.js` — writes the zip. It reads the configuration like the bot does
 *   (`loadConfig`), so run it with the deployment's environment (e.g. `node --env-file=.env …`); to package with
 *   nothing but the id, `BOT_MODE=local MicrosoftAppId=<guid>` skips the production-only checks.
 * - `node dist/scripts/packageManifest.js --sync-commands` — rewrites `commandLists` in `manifest/manifest.json`.
 * - `node dist/scripts/packageManifest.js --icons` — regenerates `manifest/color.png` and `manifest/outline.png`.
 *
 * No dependency beyond Node: the zip and the PNGs are written here with `node:zlib`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { COMMAND_NAMES, COMMAND_USAGE, type CommandName } from '../bot/commands/commandParser';
import { loadConfig, type Config } from '../bot/config';
import { ConfigError } from '../bot/errors';
import { repoRoot } from '../bot/paths';

/** The folder holding `manifest.json` and the icons. */
export const MANIFEST_DIR = path.join(repoRoot(), 'manifest');
/** Where the package is written. */
export const PACKAGE_FILE = path.join(MANIFEST_DIR, 'build', 'defender-ioc-bot.zip');
/** The icon files, as the manifest names them. */
export const ICON_FILES = { color: 'color.png', outline: 'outline.png' } as const;
/** Icon sizes required by Teams (reference §3.1). */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** Teams allows at most 10 commands per command list (reference §3.3). */
export const MAX_COMMANDS_PER_LIST = 10;

export type ManifestScope = 'personal' | 'team' | 'groupChat';

/**
 * The command menu per scope: Teams shows at most {@link MAX_COMMANDS_PER_LIST} per list, and the grammar has
 * more commands, so each scope gets the ten most useful there. Every command still works when typed, and `help`
 * (in every list) shows all of them.
 * - All scopes: `block` (the most common request), `new` (the form, from which audit/warn/allow are one click
 *   away), `list`, `show`, `pending`, `expiring`, `help`. `audit`, `warn` and `allow` are left to the form and to
 *   help, since three near-identical menu entries would crowd out the rest.
 * - personal: `import` (file uploads work only in personal chat, §4.2), `export`, `whoami`.
 * - team (channels): `remove`, `subscribe` (connecting a channel is done in the channel) and `status`.
 * - groupChat: `remove`, `export`, `whoami` (`subscribe` connects channels, not chats).
 */
export const MANIFEST_COMMANDS: Readonly<Record<ManifestScope, readonly CommandName[]>> = {
  personal: ['block', 'new', 'list', 'show', 'pending', 'expiring', 'import', 'export', 'whoami', 'help'],
  team: ['block', 'new', 'list', 'show', 'remove', 'pending', 'expiring', 'subscribe', 'status', 'help'],
  groupChat: ['block', 'new', 'list', 'show', 'remove', 'pending', 'expiring', 'export', 'whoami', 'help'],
};

/** One `commandLists` entry of the manifest. */
export interface ManifestCommandList {
  scopes: ManifestScope[];
  commands: Array<{ title: string; description: string }>;
}

/** The `commandLists` of the bot, from {@link MANIFEST_COMMANDS} and the registry's descriptions. */
export function manifestCommandLists(): ManifestCommandList[] {
  return (Object.keys(MANIFEST_COMMANDS) as ManifestScope[]).map((scope) => ({
    scopes: [scope],
    commands: MANIFEST_COMMANDS[scope].map((name) => {
      if (!COMMAND_NAMES.includes(name)) throw new Error(`manifest command ${name} is not in COMMAND_NAMES`);
      return { title: name, description: COMMAND_USAGE[name].description };
    }),
  }));
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Replaces `${{NAME}}` placeholders (the Agents Toolkit's syntax) with values.
 * @throws Error naming a placeholder that has no value.
 */
export function substitutePlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest placeholder \${{${name}}} has no value`);
    return value;
  });
}

/**
 * The bot's app id from the configuration.
 * @throws ConfigError when `MicrosoftAppId` is empty (local mode) or not a GUID.
 */
export function appIdFromConfig(config: Config): string {
  const id = config.bot.MicrosoftAppId;
  if (!id) {
    throw new ConfigError([
      {
        variable: 'MicrosoftAppId',
        message:
          'is empty, so there is no bot identity to put in the Teams app package (bots[0].botId and id). Set it to the Application (client) id of the Azure Bot registration.',
      },
    ]);
  }
  if (!GUID.test(id)) {
    throw new ConfigError([
      { variable: 'MicrosoftAppId', message: 'must be a GUID (the Entra application id)' },
    ]);
  }
  return id;
}

/** The manifest JSON as an object. */
export type ManifestJson = Record<string, unknown> & {
  manifestVersion: string;
  bots: Array<Record<string, unknown> & { commandLists?: ManifestCommandList[] }>;
};

/**
 * Reads `manifest.json`, substitutes the app id and sets the command lists from the registry.
 * @throws Error when a placeholder has no value.
 */
export function renderManifest(appId: string, dir: string = MANIFEST_DIR): ManifestJson {
  const text = substitutePlaceholders(readFileSync(path.join(dir, 'manifest.json'), 'utf8'), {
    MicrosoftAppId: appId,
  });
  const manifest = JSON.parse(text) as ManifestJson;
  for (const bot of manifest.bots) bot.commandLists = manifestCommandLists();
  return manifest;
}

/** The Teams manifest JSON schema bundled in `@microsoft/app-manifest` for a manifest version. */
export function bundledSchemaPath(manifestVersion: string): string {
  const packageDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return path.join(
    packageDir,
    'build',
    'json-schemas',
    'teams',
    `v${manifestVersion}`,
    'MicrosoftTeams.schema.json',
  );
}

/**
 * Validates a manifest against the schema of its `manifestVersion`, offline (the bundled schema file is passed
 * in, so nothing is fetched). Returns the failures; empty means valid.
 */
export async function validateManifest(manifest: ManifestJson): Promise<string[]> {
  const schema = JSON.parse(readFileSync(bundledSchemaPath(manifest.manifestVersion), 'utf8')) as unknown;
  return AppManifestUtils.validateAgainstSchema(
    manifest as unknown as AppManifest,
    schema as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1],
  );
}

/**
 * Builds the app package for an app id and writes it.
 * @throws Error when the manifest does not validate.
 */
export async function packageManifest(options: {
  appId: string;
  dir?: string;
  outFile?: string;
}): Promise<{ file: string; bytes: number; manifest: ManifestJson }> {
  const dir = options.dir ?? MANIFEST_DIR;
  const outFile = options.outFile ?? PACKAGE_FILE;
  const manifest = renderManifest(options.appId, dir);
  const failures = await validateManifest(manifest);
  if (failures.length > 0) throw new Error(`manifest.json does not validate:\n  ${failures.join('\n  ')}`);
  const zip = createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: ICON_FILES.color, data: readFileSync(path.join(dir, ICON_FILES.color)) },
    { name: ICON_FILES.outline, data: readFileSync(path.join(dir, ICON_FILES.outline)) },
  ]);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, zip);
  return { file: outFile, bytes: zip.length, manifest };
}

// --- CRC-32, zip ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as zip and PNG use it). */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One file of a zip. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * A zip archive of deflated entries. Timestamps are fixed at 1980-01-01 so the same input gives the same bytes.
 */
export function createZip(entries: readonly ZipEntry[]): Buffer {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// --- PNG icons -----------------------------------------------------------------------------------------------

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes per pixel) as a PNG. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  if (rgba.length !== width * height * 4) throw new Error('pixel buffer does not match the size');
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

type Point = readonly [number, number];

/** The shield outline in unit coordinates (y down). */
function shieldPolygon(): Point[] {
  const quad = (a: Point, c: Point, b: Point, steps: number): Point[] =>
    Array.from({ length: steps }, (_, i) => {
      const t = (i + 1) / steps;
      const s = 1 - t;
      return [s * s * a[0] + 2 * s * t * c[0] + t * t * b[0], s * s * a[1] + 2 * s * t * c[1] + t * t * b[1]];
    });
  const right: Point[] = [
    [0.5, 0.12],
    ...quad([0.5, 0.12], [0.66, 0.2], [0.79, 0.2], 12),
    [0.79, 0.5],
    ...quad([0.79, 0.5], [0.77, 0.77], [0.5, 0.9], 20),
  ];
  const left = right
    .slice(1, -1)
    .reverse()
    .map(([x, y]): Point => [1 - x, y]);
  return [...right, ...left];
}

const CHECK: Point[] = [
  [0.36, 0.5],
  [0.46, 0.61],
  [0.65, 0.39],
];

function insidePolygon(p: Point, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToPath(p: Point, points: readonly Point[], closed: boolean): number {
  let best = Infinity;
  const n = closed ? points.length : points.length - 1;
  for (let i = 0; i < n; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy)));
  }
  return best;
}

/** Renders `size`×`size` RGBA by supersampling a colouring function of unit coordinates. */
function raster(size: number, colour: (p: Point) => readonly [number, number, number, number]): Buffer {
  const SS = 4;
  const out = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = colour([(x + (sx + 0.5) / SS) / size, (y + (sy + 0.5) / SS) / size]);
          // Premultiply so that transparent samples do not darken the edge.
          sum[0] = (sum[0] ?? 0) + c[0] * c[3];
          sum[1] = (sum[1] ?? 0) + c[1] * c[3];
          sum[2] = (sum[2] ?? 0) + c[2] * c[3];
          sum[3] = (sum[3] ?? 0) + c[3];
        }
      }
      const alpha = (sum[3] ?? 0) / (SS * SS);
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) out[i + k] = alpha > 0 ? Math.round((sum[k] ?? 0) / (sum[3] ?? 1)) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

/** The accent colour of the manifest, as RGB. */
const ACCENT = [0x1b, 0x3a, 0x6b] as const;

/** The 192×192 full-colour icon: a white shield with a check mark on the accent colour. */
export function colorIcon(): Buffer {
  const shield = shieldPolygon();
  const size = ICON_SIZES.color;
  return encodePng(
    size,
    size,
    raster(size, (p) => {
      if (!insidePolygon(p, shield)) return [...ACCENT, 1];
      if (distanceToPath(p, CHECK, false) <= 0.045) return [...ACCENT, 1];
      return [255, 255, 255, 1];
    }),
  );
}

/** The 32×32 outline icon: the shield's outline and check mark in white on transparent. */
export function outlineIcon(): Buffer {
  const shield = shieldPolygon();
  const size = ICON_SIZES.outline;
  const halfStroke = 1.1 / size;
  return encodePng(
    size,
    size,
    raster(size, (p) =>
      distanceToPath(p, shield, true) <= halfStroke || distanceToPath(p, CHECK, false) <= halfStroke
        ? [255, 255, 255, 1]
        : [255, 255, 255, 0],
    ),
  );
}

// --- command line --------------------------------------------------------------------------------------------

/** Rewrites `commandLists` in `manifest.json` from the registry (run prettier on the file afterwards). */
export function syncCommandLists(dir: string = MANIFEST_DIR): void {
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as ManifestJson;
  for (const bot of manifest.bots) bot.commandLists = manifestCommandLists();
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--icons')) {
    writeFileSync(path.join(MANIFEST_DIR, ICON_FILES.color), colorIcon());
    writeFileSync(path.join(MANIFEST_DIR, ICON_FILES.outline), outlineIcon());
    console.log(`wrote ${ICON_FILES.color} and ${ICON_FILES.outline} in ${MANIFEST_DIR}`);
    return 0;
  }
  if (argv.includes('--sync-commands')) {
    syncCommandLists();
    console.log(`updated commandLists in ${path.join(MANIFEST_DIR, 'manifest.json')}`);
    return 0;
  }
  try {
    const appId = appIdFromConfig(loadConfig(env));
    const result = await packageManifest({ appId });
    console.log(
      `wrote ${path.relative(process.cwd(), result.file)} (${result.bytes} bytes) for app id ${appId}`,
    );
    const developer = result.manifest.developer as { websiteUrl?: string } | undefined;
    if (developer?.websiteUrl?.includes('example.com')) {
      console.warn(
        'note: developer URLs in manifest/manifest.json still point at example.com; set your own.',
      );
    }
    return 0;
  } catch (error) {
    console.error(`Not packaged. ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
