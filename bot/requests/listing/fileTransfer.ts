/**
 * Bounded file transfer for `/import` and `/export`: downloads of a user's upload (`content.downloadUrl`) and
 * uploads to the OneDrive upload URL of a file consent. Only `https:` in production; in local mode `http:` is also
 * allowed for loopback hosts (the Agents Playground and tests). Sizes and times are capped, redirects are checked
 * against the same rule.
 */
import type { BotMode } from '../../config';
import { UpstreamError, ValidationError } from '../../errors';

export interface TransferLimits {
  readonly mode: BotMode;
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_REDIRECTS = 3;

/**
 * Where Teams keeps files it hands to a bot (download links of uploads, upload links of file consent): the
 * user's OneDrive / SharePoint, in the public and the national clouds.
 */
export const FILE_HOST_SUFFIXES = [
  '.sharepoint.com',
  '.sharepoint.us',
  '.sharepoint-mil.us',
  '.sharepoint.de',
  '.sharepoint.cn',
] as const;

/** True for a host Teams' file links may point at (no IP literals, only the suffixes above). */
export function isTeamsFileHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (/^\[|^\d+\.\d+\.\d+\.\d+$/.test(host)) return false;
  return FILE_HOST_SUFFIXES.some((s) => host.endsWith(s));
}

/**
 * Checks a file URL against the mode's rule, so that a crafted attachment cannot make the bot fetch or upload to
 * an arbitrary (internal) address: production takes only https links to OneDrive / SharePoint hosts; local mode
 * also takes loopback http (the Playground, tests).
 * @throws ValidationError for any other link.
 */
export function checkFileUrl(raw: string, mode: BotMode): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('The file link Teams gave is not a valid URL.');
  }
  if (url.protocol === 'https:') {
    if (mode === 'local' || isTeamsFileHost(url.hostname)) return url;
    throw new ValidationError(
      'The file link does not point at OneDrive or SharePoint, so I did not open it.',
    );
  }
  if (url.protocol === 'http:' && mode === 'local' && LOOPBACK.has(url.hostname)) return url;
  throw new ValidationError('The file link is not an https link, so I did not open it.');
}

/**
 * Downloads a file, stopping at `maxBytes`.
 * @throws ValidationError for a refused link or a file over the limit; UpstreamError when the download fails.
 */
export async function downloadFile(raw: string, limits: TransferLimits): Promise<Buffer> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = checkFileUrl(raw, limits.mode);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        if (hop >= MAX_REDIRECTS)
          throw new UpstreamError('The file link redirected too often.', 'files', res.status);
        url = checkFileUrl(new URL(res.headers.get('location') ?? '', url).href, limits.mode);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new UpstreamError(
          `The file could not be downloaded (HTTP ${res.status}).`,
          'files',
          res.status,
        );
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > limits.maxBytes) {
        await res.body?.cancel();
        throw tooLarge(limits.maxBytes);
      }
      return await readCapped(res, limits.maxBytes);
    }
  } catch (e) {
    if (e instanceof ValidationError || e instanceof UpstreamError) throw e;
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      throw new UpstreamError(
        `The file took longer than ${Math.round(limits.timeoutMs / 1000)} s to download.`,
        'files',
      );
    }
    throw new UpstreamError('The file could not be downloaded.', 'files');
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  // Leaving the loop early (too large) cancels the stream.
  for await (const value of res.body as AsyncIterable<Uint8Array>) {
    total += value.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): ValidationError {
  return new ValidationError(
    `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; split it into smaller CSV files.`,
  );
}

/**
 * Uploads bytes to a file-consent upload URL in one request (OneDrive upload-session semantics: `Content-Range`
 * covering the whole file).
 * @throws ValidationError for a refused link; UpstreamError when the upload fails.
 */
export async function uploadFile(raw: string, bytes: Buffer, limits: TransferLimits): Promise<void> {
  const url = checkFileUrl(raw, limits.mode);
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      redirect: 'error',
      signal: AbortSignal.timeout(limits.timeoutMs),
      headers: {
        'content-type': 'text/csv',
        'content-length': String(bytes.byteLength),
        'content-range': `bytes 0-${bytes.byteLength - 1}/${bytes.byteLength}`,
      },
      body: bytes,
    });
  } catch {
    throw new UpstreamError('The file could not be uploaded to your OneDrive.', 'files');
  }
  await res.body?.cancel();
  if (!res.ok)
    throw new UpstreamError(`The upload to your OneDrive failed (HTTP ${res.status}).`, 'files', res.status);
}
