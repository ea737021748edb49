/**
 * File hashes (MD5, SHA-1, SHA-256) and certificate thumbprints (SHA-1, 40 hex).
 */
import type { IndicatorType } from './types';

/** Hex length of each hash indicator type. */
export const HASH_LENGTHS = {
  FileMd5: 32,
  FileSha1: 40,
  FileSha256: 64,
  CertificateThumbprint: 40,
} as const satisfies Partial<Record<IndicatorType, number>>;

export type HashType = keyof typeof HASH_LENGTHS;

const HASH_NAMES: Record<HashType, string> = {
  FileMd5: 'MD5',
  FileSha1: 'SHA-1',
  FileSha256: 'SHA-256',
  CertificateThumbprint: 'certificate thumbprint',
};

/** Outcome of checking a hash. */
export type HashCheck =
  | { ok: true; type: HashType; value: string; notes: string[] }
  | { ok: false; code: string; message: string; suggestion?: string };

const PREFIX = /^(md5|sha-?1|sha-?256|thumbprint|sha1 fingerprint)\s*[:=]\s*/i;

/**
 * Strips an algorithm prefix (`sha256:`), separators of a thumbprint (`AB:CD:…`, spaces) and returns the
 * algorithm the prefix named, if any.
 */
export function prepareHash(input: string): { hex: string; prefixType?: HashType; hadSeparators: boolean } {
  let text = input.trim();
  let prefixType: HashType | undefined;
  const prefix = PREFIX.exec(text);
  if (prefix) {
    const p = (prefix[1] ?? '').toLowerCase().replace('-', '');
    prefixType =
      p === 'md5'
        ? 'FileMd5'
        : p === 'sha256'
          ? 'FileSha256'
          : p === 'sha1'
            ? 'FileSha1'
            : 'CertificateThumbprint';
    text = text.slice(prefix[0].length);
  }
  const separated = /^[0-9a-f]{2}(?:[:\s-][0-9a-f]{2})+$/i.test(text);
  return { hex: separated ? text.replace(/[:\s-]/g, '') : text, prefixType, hadSeparators: separated };
}

/** Whether the text is a plain hex string of a hash length (so classification should treat it as a hash). */
export function hashTypeByLength(hex: string): HashType | undefined {
  if (!/^[0-9a-f]+$/i.test(hex)) return undefined;
  switch (hex.length) {
    case 32:
      return 'FileMd5';
    case 40:
      return 'FileSha1';
    case 64:
      return 'FileSha256';
    default:
      return undefined;
  }
}

/** Checks a hash for the expected type (or infers MD5/SHA-1/SHA-256 by length); returns it lower-cased. */
export function checkHash(input: string, expected?: HashType): HashCheck {
  const { hex, prefixType, hadSeparators } = prepareHash(input);
  const notes: string[] = [];
  if (hadSeparators) notes.push('separators removed');
  const want = expected ?? prefixType;
  if (!/^[0-9a-f]+$/i.test(hex)) {
    return {
      ok: false,
      code: 'invalidHash',
      message: `"${input}" is not a hexadecimal ${want ? HASH_NAMES[want] : 'hash'} (only 0-9 and a-f are allowed).`,
    };
  }
  const byLength = hashTypeByLength(hex);
  if (want === 'CertificateThumbprint') {
    if (hex.length !== 40) {
      return {
        ok: false,
        code: 'invalidThumbprint',
        message: `A certificate thumbprint is the SHA-1 thumbprint, 40 hex characters; this one has ${hex.length}.`,
      };
    }
  } else if (want !== undefined && byLength !== want) {
    const actual = byLength ? ` It looks like a ${HASH_NAMES[byLength]} (${hex.length} characters).` : '';
    return {
      ok: false,
      code: 'hashLengthMismatch',
      message: `A ${HASH_NAMES[want]} has exactly ${HASH_LENGTHS[want]} hex characters; this one has ${hex.length}.${actual}`,
      suggestion: byLength ? `Submit it as ${HASH_NAMES[byLength]} instead.` : undefined,
    };
  } else if (byLength === undefined) {
    return {
      ok: false,
      code: 'invalidHash',
      message: `A hash must be 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex characters; this one has ${hex.length}.`,
    };
  }
  const type = want ?? byLength;
  if (type === undefined) return { ok: false, code: 'invalidHash', message: `"${input}" is not a hash.` };
  const value = hex.toLowerCase();
  if (value !== hex) notes.push('lower-cased');
  if (/^0+$/.test(value)) {
    return { ok: false, code: 'invalidHash', message: `${value} is all zeros, not the hash of a real file.` };
  }
  return { ok: true, type, value, notes };
}
