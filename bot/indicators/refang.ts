/**
 * Turning what an analyst pastes into candidate values: Teams HTML clean-up, splitting a multi-value paste and
 * refanging defanged indicators (SPEC §3).
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/** Decodes the HTML entities Teams puts into message text (`&amp;`, `&nbsp;`, `&#46;`, `&#x2e;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6}|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower in NAMED_ENTITIES) return NAMED_ENTITIES[lower] ?? whole;
    if (lower.startsWith('#x') || lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
      if (Number.isFinite(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
        return String.fromCodePoint(code);
      }
    }
    return whole;
  });
}

const BLOCK_TAGS = /<\/?(?:p|div|br|li|ul|ol|tr|table|pre|h[1-6])(?:\s[^<>]*)?\/?>/gi;
const INLINE_TAGS =
  /<\/?(?:span|strong|b|i|em|u|s|code|font|tbody|td|th|thead|blockquote|img|at)(?:\s[^<>]*)?\/?>/gi;
const ANCHOR = /<a\s[^<>]*?href\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))[^<>]*>([\s\S]*?)<\/a\s*>/gi;
const AT_MENTION = /<at(?:\s[^<>]*)?>[\s\S]*?<\/at\s*>/gi;

/**
 * Cleans Teams message text: removes `<at>` mentions, replaces auto-links (`<a href="http://x">x</a>`) by what
 * the analyst typed (the link text — Teams adds `http://` to a bare domain), strips formatting tags, turns block
 * tags into line breaks and decodes entities. Text that is not a known HTML tag (such as `<evil.com>`) is kept.
 */
export function cleanTeamsText(text: string): string {
  let out = text.replace(AT_MENTION, ' ');
  out = out.replace(ANCHOR, (_whole, _q, dq?: string, sq?: string, bare?: string, inner?: string) => {
    const href = decodeEntities(dq ?? sq ?? bare ?? '');
    const label = decodeEntities((inner ?? '').replace(/<[^<>]*>/g, '')).trim();
    if (!label) return ` ${href} `;
    const truncated = /(?:…|\.\.\.)$/.exec(label);
    if (truncated && href.includes(label.slice(0, truncated.index))) return ` ${href} `;
    return ` ${label} `;
  });
  out = out.replace(BLOCK_TAGS, '\n').replace(INLINE_TAGS, '');
  return decodeEntities(out);
}

/** Zero-width and bidi control characters that ride along when copying from chat or web pages. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]/g;

const DEFANGED_DOT =
  /\s*(?:\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\})\s*/gi;

/**
 * Splits a multi-value paste into candidate values: by line, whitespace, comma and semicolon; keeps commas that
 * belong to a URL path; drops list bullets and numbering. Teams HTML is cleaned first ({@link cleanTeamsText}).
 */
export function splitValues(text: string): string[] {
  return splitCleanText(cleanTeamsText(text));
}

/** {@link splitValues} for text that is already cleaned of Teams HTML. */
export function splitCleanText(text: string): string[] {
  const prepared = text.replace(INVISIBLE, '').replace(DEFANGED_DOT, '[.]');
  const values: string[] = [];
  for (const token of prepared.split(/[\s;]+/)) {
    if (!token) continue;
    let previousHasPath = false;
    for (const piece of token.split(',')) {
      const trimmed = piece.trim();
      if (!trimmed) continue;
      const last = values.length - 1;
      if (previousHasPath && last >= 0 && !/[.:[\]]/.test(trimmed)) {
        values[last] = `${values[last]},${trimmed}`;
        continue;
      }
      if (isBullet(trimmed)) continue;
      values.push(trimmed);
      previousHasPath = /^[^/]*[^/:]\/[^/]/.test(refang(trimmed)) || /:\/\/[^/]+\/./.test(refang(trimmed));
    }
  }
  return values;
}

function isBullet(token: string): boolean {
  return /^(?:[-*•·–—]|\d{1,4}[.)])$/.test(token);
}

/** What refanging changed, for showing the analyst how the value was understood. */
export interface RefangResult {
  value: string;
  changed: boolean;
}

/**
 * Refangs a defanged value: `hxxp(s)://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, surrounding `<>`,
 * quotes, brackets and trailing punctuation; removes invisible characters and surrounding whitespace.
 */
export function refangValue(input: string): RefangResult {
  const value = refang(input);
  return { value, changed: value !== input.trim() };
}

/** {@link refangValue} returning only the value. */
export function refang(input: string): string {
  let v = input.replace(INVISIBLE, '').trim();
  for (let i = 0; i < 3; i++) {
    const before = v;
    v = v.replace(/^["'`“”‘’«]+|["'`“”‘’»]+$/g, '');
    if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1);
    if (v.startsWith('[') && v.endsWith(']') && !/^\[[0-9a-f:.]*\]$/i.test(v)) v = v.slice(1, -1);
    if (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1);
    v = v.replace(/[,;]+$/, '').trim();
    if (v === before) break;
  }
  v = v
    .replace(DEFANGED_DOT, '.')
    .replace(/\[\s*:\/\/\s*\]/g, '://')
    .replace(/\[\s*:\s*\]|\(\s*:\s*\)/g, ':')
    .replace(/\[\s*\/\s*\]/g, '/')
    .replace(/^h(?:xx|XX|\*\*|__)p(s?)(?=:|\[:)/i, 'http$1')
    .replace(/^fxp(?=:)/i, 'ftp')
    .replace(/^(https?):\/\/\[\.\]/i, '$1://');
  return v;
}
