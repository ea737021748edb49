/**
 * A small subset of KQL, enough for the hit queries an integration runs against advanced hunting: one table, then
 * `where`, `extend`, `project`, `project-away`, `join` (inner, innerunique, leftouter, leftsemi, leftanti), `summarize`
 * (`arg_max(Col, *)`, `count()`), `distinct`, `order by`/`sort by`, `top`, `take`/`limit`. Expressions: columns,
 * string/number/bool literals, `ago()`, `now()`, `datetime()`, `tostring()`, `tolower()`, `toupper()`,
 * `parse_json()` with `.Key` access, `isempty()`, `isnotempty()`, `not()`, `==`, `!=`, `=~`, `!~`, `<`, `<=`, `>`,
 * `>=`, `in`, `!in`, `in~`, `has`, `!has`, `has_any`, `contains`, `!contains`, `startswith`, `endswith`, `between`,
 * `and`, `or`. Anything else is rejected with a {@link KqlError}, never silently ignored: a query the simulator
 * cannot answer faithfully must fail loudly.
 */
import type { HuntingRow, HuntingValue } from './eventStore';

/** A column of a result: the `singlePropertySchema` of Graph (reference §7.3). */
export interface KqlColumn {
  readonly name: string;
  readonly type: string;
}

/** A table the evaluator works on. */
export interface KqlTable {
  readonly columns: readonly KqlColumn[];
  readonly rows: readonly HuntingRow[];
}

/** The query is malformed or outside the supported subset. */
export class KqlError extends Error {
  override readonly name = 'KqlError';
}

/** What the evaluator needs: the source tables (already limited to the time window) and the clock. */
export interface KqlContext {
  table(name: string): KqlTable | undefined;
  readonly now: Date;
}

type Token =
  | { readonly k: 'id'; readonly v: string }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'span'; readonly v: number }
  | { readonly k: 'p'; readonly v: string };

const SPAN_MS: Readonly<Record<string, number>> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const PUNCT = [
  '==',
  '!=',
  '=~',
  '!~',
  '>=',
  '<=',
  '..',
  '>',
  '<',
  '=',
  '(',
  ')',
  ',',
  '.',
  '|',
  ';',
  '*',
  '~',
  '!',
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j += 1;
        value += text[j];
        j += 1;
      }
      if (j >= text.length) throw new KqlError('Unterminated string literal.');
      tokens.push({ k: 'str', v: value });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^(\d+(?:\.\d+)?)(ms|d|h|m|s)?(?![A-Za-z0-9_])/.exec(text.slice(i));
      if (m === null) throw new KqlError(`Unexpected characters at ${i}.`);
      const unit = m[2];
      tokens.push(
        unit === undefined
          ? { k: 'num', v: Number(m[1]) }
          : { k: 'span', v: Number(m[1]) * (SPAN_MS[unit] ?? 0) },
      );
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_-]*/.exec(text.slice(i)) as RegExpExecArray;
      // Hyphens belong to identifiers only in operator names such as project-away.
      let word = m[0];
      const literal = /^datetime\s*\(([^)]*)\)/i.exec(text.slice(i));
      if (literal !== null) {
        // datetime(2026-12-01T00:00:00Z) holds characters the tokenizer does not know; keep it raw.
        tokens.push(
          { k: 'id', v: 'datetime' },
          { k: 'p', v: '(' },
          { k: 'str', v: (literal[1] ?? '').trim() },
        );
        tokens.push({ k: 'p', v: ')' });
        i += literal[0].length;
        continue;
      }
      if (word.includes('-') && !/^project-(away|keep|rename|reorder)$/.test(word)) word = word.split('-')[0];
      tokens.push({ k: 'id', v: word });
      i += word.length;
    } else {
      const p = PUNCT.find((q) => text.startsWith(q, i));
      if (p === undefined) throw new KqlError(`Unexpected character '${c}'.`);
      tokens.push({ k: 'p', v: p });
      i += p.length;
    }
  }
  return tokens;
}

type Expr =
  | { readonly t: 'col'; readonly name: string }
  | { readonly t: 'lit'; readonly v: Value }
  | { readonly t: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly t: 'member'; readonly obj: Expr; readonly key: string }
  | { readonly t: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr }
  | { readonly t: 'list'; readonly op: string; readonly l: Expr; readonly items: readonly Expr[] }
  | { readonly t: 'between'; readonly neg: boolean; readonly l: Expr; readonly lo: Expr; readonly hi: Expr };

type Value =
  HuntingValue | Date | { readonly span: number } | Readonly<Record<string, unknown>> | readonly unknown[];

const WORD_OPS = new Set([
  'has',
  'contains',
  'startswith',
  'endswith',
  'contains_cs',
  'has_cs',
  'in',
  'has_any',
]);
const COMPARE_OPS = new Set(['==', '!=', '=~', '!~', '>', '>=', '<', '<=']);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  done(): boolean {
    return this.pos >= this.tokens.length;
  }
  isP(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.k === 'p' && t.v === v;
  }
  isId(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.k === 'id' && t.v.toLowerCase() === v;
  }
  next(): Token {
    const t = this.tokens[this.pos];
    if (t === undefined) throw new KqlError('Unexpected end of query.');
    this.pos += 1;
    return t;
  }
  expectP(v: string): void {
    const t = this.next();
    if (t.k !== 'p' || t.v !== v) throw new KqlError(`Expected '${v}'.`);
  }
  ident(): string {
    const t = this.next();
    if (t.k !== 'id') throw new KqlError('Expected a name.');
    return t.v;
  }

  /** Query := statement (';' statement)* — `let` statements are not supported; the last statement is evaluated. */
  query(): Pipeline {
    let last: Pipeline | undefined;
    while (!this.done()) {
      if (this.isP(';')) {
        this.next();
        continue;
      }
      if (this.isId('let')) throw new KqlError("The simulator does not support 'let' statements.");
      last = this.pipeline();
      if (!this.done() && !this.isP(';')) throw new KqlError('Unexpected token after the query.');
    }
    if (last === undefined) throw new KqlError('The query is empty.');
    return last;
  }

  pipeline(): Pipeline {
    const source = this.ident();
    const ops: Operator[] = [];
    while (this.isP('|')) {
      this.next();
      ops.push(this.operator());
    }
    return { source, ops };
  }

  operator(): Operator {
    const name = this.ident().toLowerCase();
    switch (name) {
      case 'where':
        return { op: 'where', e: this.expr() };
      case 'extend':
      case 'project':
        return { op: name, items: this.assignments(name === 'project') };
      case 'project-away':
        return { op: 'project-away', names: this.names() };
      case 'take':
      case 'limit':
        return { op: 'take', n: this.count() };
      case 'top': {
        const n = this.count();
        if (!this.isId('by')) throw new KqlError("Expected 'by' after top N.");
        this.next();
        return { op: 'top', n, keys: this.sortKeys() };
      }
      case 'order':
      case 'sort':
        if (!this.isId('by')) throw new KqlError(`Expected 'by' after ${name}.`);
        this.next();
        return { op: 'sort', keys: this.sortKeys() };
      case 'distinct':
        return { op: 'distinct', names: this.names() };
      case 'summarize':
        return this.summarize();
      case 'join':
        return this.join();
      default:
        throw new KqlError(`The simulator does not support the '${name}' operator.`);
    }
  }

  count(): number {
    const t = this.next();
    if (t.k !== 'num') throw new KqlError('Expected a number.');
    return t.v;
  }

  names(): string[] {
    const out = [this.ident()];
    while (this.isP(',')) {
      this.next();
      out.push(this.ident());
    }
    return out;
  }

  assignments(allowBare: boolean): Assignment[] {
    const out: Assignment[] = [];
    do {
      if (out.length > 0) this.next();
      if (this.peek()?.k === 'id' && this.isP('=', 1)) {
        const name = this.ident();
        this.next();
        out.push({ name, e: this.expr() });
      } else {
        const e = this.expr();
        if (e.t !== 'col' && !allowBare) throw new KqlError('extend needs Name = expression.');
        out.push({ name: e.t === 'col' ? e.name : `Column${out.length + 1}`, e });
      }
    } while (this.isP(','));
    return out;
  }

  sortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    do {
      if (keys.length > 0) this.next();
      const name = this.ident();
      let desc = true;
      if (this.isId('asc') || this.isId('desc')) desc = this.ident().toLowerCase() === 'desc';
      keys.push({ name, desc });
    } while (this.isP(','));
    return keys;
  }

  summarize(): Operator {
    let alias: string | undefined;
    if (this.peek()?.k === 'id' && this.isP('=', 1)) {
      alias = this.ident();
      this.next();
    }
    const fn = this.ident().toLowerCase();
    this.expectP('(');
    let argMax: string | undefined;
    if (fn === 'arg_max') {
      argMax = this.ident();
      this.expectP(',');
      this.expectP('*');
    } else if (fn !== 'count') {
      throw new KqlError(
        `The simulator supports only arg_max(Col, *) and count() in summarize, not ${fn}().`,
      );
    }
    this.expectP(')');
    let by: string[] = [];
    if (this.isId('by')) {
      this.next();
      by = this.names();
    }
    return argMax === undefined
      ? { op: 'count', alias: alias ?? 'count_', by }
      : { op: 'argmax', col: argMax, by };
  }

  join(): Operator {
    let kind = 'innerunique';
    while (this.peek()?.k === 'id' && this.isP('=', 1)) {
      const key = this.ident().toLowerCase();
      this.next();
      const value = this.ident().toLowerCase();
      if (key === 'kind') kind = value;
    }
    let right: Pipeline;
    if (this.isP('(')) {
      this.next();
      right = this.pipeline();
      this.expectP(')');
    } else {
      right = { source: this.ident(), ops: [] };
    }
    if (!this.isId('on')) throw new KqlError("Expected 'on' in join.");
    this.next();
    const keys: { left: string; right: string }[] = [];
    do {
      if (keys.length > 0) this.next();
      const first = this.ident();
      if (first === '$left') {
        this.expectP('.');
        const left = this.ident();
        this.expectP('==');
        if (this.ident() !== '$right') throw new KqlError('Expected $right.');
        this.expectP('.');
        keys.push({ left, right: this.ident() });
      } else {
        keys.push({ left: first, right: first });
      }
    } while (this.isP(','));
    if (!['inner', 'innerunique', 'leftouter', 'leftsemi', 'leftanti'].includes(kind)) {
      throw new KqlError(`The simulator does not support join kind=${kind}.`);
    }
    return { op: 'join', kind, right, keys };
  }

  expr(): Expr {
    let left = this.andExpr();
    while (this.isId('or')) {
      this.next();
      left = { t: 'bin', op: 'or', l: left, r: this.andExpr() };
    }
    return left;
  }

  andExpr(): Expr {
    let left = this.comparison();
    while (this.isId('and')) {
      this.next();
      left = { t: 'bin', op: 'and', l: left, r: this.comparison() };
    }
    return left;
  }

  comparison(): Expr {
    const left = this.primary();
    const t = this.peek();
    if (t?.k === 'p' && COMPARE_OPS.has(t.v)) {
      this.next();
      return { t: 'bin', op: t.v, l: left, r: this.primary() };
    }
    let neg = false;
    if (this.isP('!') && this.peek(1)?.k === 'id') {
      this.next();
      neg = true;
    }
    const w = this.peek();
    if (w?.k === 'id' && (WORD_OPS.has(w.v.toLowerCase()) || w.v.toLowerCase() === 'between')) {
      this.next();
      let op = w.v.toLowerCase();
      if (op === 'in' && this.isP('~')) {
        this.next();
        op = 'in~';
      }
      if (op === 'between') {
        this.expectP('(');
        const lo = this.primary();
        this.expectP('..');
        const hi = this.primary();
        this.expectP(')');
        return { t: 'between', neg, l: left, lo, hi };
      }
      if (op === 'in' || op === 'in~' || op === 'has_any') {
        this.expectP('(');
        const items: Expr[] = [];
        while (!this.isP(')')) {
          if (items.length > 0) this.expectP(',');
          items.push(this.primary());
        }
        this.next();
        return { t: 'list', op: `${neg ? '!' : ''}${op}`, l: left, items };
      }
      return { t: 'bin', op: `${neg ? '!' : ''}${op}`, l: left, r: this.primary() };
    }
    if (neg) throw new KqlError("Unexpected '!'.");
    return left;
  }

  primary(): Expr {
    let e = this.atom();
    while (this.isP('.') && this.peek(1)?.k === 'id') {
      this.next();
      e = { t: 'member', obj: e, key: this.ident() };
    }
    return e;
  }

  atom(): Expr {
    const t = this.next();
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'num') return { t: 'lit', v: t.v };
    if (t.k === 'span') return { t: 'lit', v: { span: t.v } };
    if (t.k === 'p' && t.v === '(') {
      const e = this.expr();
      this.expectP(')');
      return e;
    }
    if (t.k !== 'id') throw new KqlError(`Unexpected '${t.v}'.`);
    const word = t.v;
    if (word === 'true' || word === 'false') return { t: 'lit', v: word === 'true' };
    if (this.isP('(')) {
      this.next();
      const fn = word.toLowerCase();
      if (fn === 'datetime') {
        let raw = '';
        while (!this.isP(')')) {
          const part = this.next();
          raw += String(part.v);
        }
        this.next();
        const ms = Date.parse(raw.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
        if (Number.isNaN(ms)) throw new KqlError(`Invalid datetime '${raw}'.`);
        return { t: 'lit', v: new Date(ms) };
      }
      const args: Expr[] = [];
      while (!this.isP(')')) {
        if (args.length > 0) this.expectP(',');
        args.push(this.expr());
      }
      this.next();
      if (!FUNCTIONS.has(fn)) throw new KqlError(`The simulator does not support the function ${fn}().`);
      return { t: 'call', fn, args };
    }
    return { t: 'col', name: word };
  }
}

const FUNCTIONS = new Set([
  'ago',
  'now',
  'tostring',
  'tolower',
  'toupper',
  'parse_json',
  'todynamic',
  'isempty',
  'isnotempty',
  'not',
]);

interface Assignment {
  readonly name: string;
  readonly e: Expr;
}
interface SortKey {
  readonly name: string;
  readonly desc: boolean;
}
interface Pipeline {
  readonly source: string;
  readonly ops: readonly Operator[];
}
type Operator =
  | { readonly op: 'where'; readonly e: Expr }
  | { readonly op: 'extend' | 'project'; readonly items: readonly Assignment[] }
  | { readonly op: 'project-away' | 'distinct'; readonly names: readonly string[] }
  | { readonly op: 'take'; readonly n: number }
  | { readonly op: 'top'; readonly n: number; readonly keys: readonly SortKey[] }
  | { readonly op: 'sort'; readonly keys: readonly SortKey[] }
  | { readonly op: 'count'; readonly alias: string; readonly by: readonly string[] }
  | { readonly op: 'argmax'; readonly col: string; readonly by: readonly string[] }
  | {
      readonly op: 'join';
      readonly kind: string;
      readonly right: Pipeline;
      readonly keys: readonly { left: string; right: string }[];
    };

function isDate(v: Value): v is Date {
  return v instanceof Date;
}

function toMs(v: Value): number | undefined {
  if (isDate(v)) return v.getTime();
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function toText(v: Value): string {
  if (v === null || v === undefined) return '';
  if (isDate(v)) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function parseDynamic(v: Value): Value {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as Value;
  } catch {
    return v;
  }
}

function compareValues(a: Value, b: Value): number | undefined {
  if (isDate(a) || isDate(b)) {
    const x = toMs(a);
    const y = toMs(b);
    return x === undefined || y === undefined ? undefined : x - y;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function hasTerm(haystack: string, term: string): boolean {
  const h = haystack.toLowerCase();
  const t = term.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(t, from);
    if (at < 0) return false;
    const before = h[at - 1];
    const after = h[at + t.length];
    if (
      (before === undefined || !/[a-z0-9]/.test(before)) &&
      (after === undefined || !/[a-z0-9]/.test(after))
    ) {
      return true;
    }
    from = at + 1;
  }
}

function evaluate(e: Expr, row: HuntingRow, ctx: KqlContext): Value {
  switch (e.t) {
    case 'col':
      if (!(e.name in row)) throw new KqlError(`Failed to resolve column '${e.name}'.`);
      return row[e.name];
    case 'lit':
      return e.v;
    case 'member': {
      const obj = parseDynamic(evaluate(e.obj, row, ctx));
      if (obj === null || typeof obj !== 'object' || isDate(obj)) return null;
      const value = (obj as Record<string, unknown>)[e.key];
      return value === undefined ? null : (value as Value);
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, row, ctx));
      const first = args[0] ?? null;
      switch (e.fn) {
        case 'ago': {
          if (typeof first !== 'object' || first === null || !('span' in first)) {
            throw new KqlError('ago() needs a timespan such as 1d.');
          }
          return new Date(ctx.now.getTime() - (first as { span: number }).span);
        }
        case 'now':
          return ctx.now;
        case 'tostring':
          return toText(first);
        case 'tolower':
          return toText(first).toLowerCase();
        case 'toupper':
          return toText(first).toUpperCase();
        case 'parse_json':
        case 'todynamic':
          return parseDynamic(first);
        case 'isempty':
          return toText(first) === '';
        case 'isnotempty':
          return toText(first) !== '';
        case 'not':
          return first !== true;
        default:
          throw new KqlError(`Unsupported function ${e.fn}().`);
      }
    }
    case 'between': {
      const v = evaluate(e.l, row, ctx);
      const lo = compareValues(v, evaluate(e.lo, row, ctx));
      const hi = compareValues(v, evaluate(e.hi, row, ctx));
      const inside = lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
      return e.neg ? !inside : inside;
    }
    case 'list': {
      const v = evaluate(e.l, row, ctx);
      const items = e.items.map((i) => toText(evaluate(i, row, ctx)));
      const text = toText(v);
      const op = e.op.replace(/^!/, '');
      let hit: boolean;
      if (op === 'in') hit = items.includes(text);
      else if (op === 'in~') hit = items.some((i) => i.toLowerCase() === text.toLowerCase());
      else hit = items.some((i) => hasTerm(text, i));
      return e.op.startsWith('!') ? !hit : hit;
    }
    case 'bin': {
      if (e.op === 'and') return evaluate(e.l, row, ctx) === true && evaluate(e.r, row, ctx) === true;
      if (e.op === 'or') return evaluate(e.l, row, ctx) === true || evaluate(e.r, row, ctx) === true;
      const l = evaluate(e.l, row, ctx);
      const r = evaluate(e.r, row, ctx);
      const neg = e.op.startsWith('!') && e.op !== '!=' && e.op !== '!~';
      const op = neg ? e.op.slice(1) : e.op;
      let result: boolean;
      switch (op) {
        case '==':
          result = isDate(l) || isDate(r) ? compareValues(l, r) === 0 : toText(l) === toText(r) && l !== null;
          break;
        case '!=':
          result = isDate(l) || isDate(r) ? compareValues(l, r) !== 0 : toText(l) !== toText(r);
          break;
        case '=~':
          result = toText(l).toLowerCase() === toText(r).toLowerCase();
          break;
        case '!~':
          result = toText(l).toLowerCase() !== toText(r).toLowerCase();
          break;
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const c = compareValues(l, r);
          result =
            c !== undefined && (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
          break;
        }
        case 'has':
          result = hasTerm(toText(l), toText(r));
          break;
        case 'has_cs':
          result = toText(l).includes(toText(r));
          break;
        case 'contains':
          result = toText(l).toLowerCase().includes(toText(r).toLowerCase());
          break;
        case 'contains_cs':
          result = toText(l).includes(toText(r));
          break;
        case 'startswith':
          result = toText(l).toLowerCase().startsWith(toText(r).toLowerCase());
          break;
        case 'endswith':
          result = toText(l).toLowerCase().endsWith(toText(r).toLowerCase());
          break;
        default:
          throw new KqlError(`Unsupported operator ${e.op}.`);
      }
      return neg ? !result : result;
    }
  }
}

function toCell(v: Value): HuntingValue {
  if (v === null || v === undefined) return null;
  if (isDate(v)) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return v;
}

function typeOf(e: Expr, columns: readonly KqlColumn[], sample: Value): string {
  if (e.t === 'col') return columns.find((c) => c.name === e.name)?.type ?? 'String';
  if (isDate(sample)) return 'DateTime';
  if (typeof sample === 'number') return Number.isInteger(sample) ? 'Int64' : 'Double';
  if (typeof sample === 'boolean') return 'Boolean';
  if (e.t === 'member' || (e.t === 'call' && (e.fn === 'parse_json' || e.fn === 'todynamic')))
    return 'Dynamic';
  return 'String';
}

function sortRows(rows: HuntingRow[], keys: readonly SortKey[]): HuntingRow[] {
  return [...rows].sort((a, b) => {
    for (const key of keys) {
      const c = compareValues(a[key.name] ?? null, b[key.name] ?? null) ?? 0;
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  });
}

function keyOf(row: HuntingRow, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => row[n] ?? null));
}

function requireColumns(table: KqlTable, names: readonly string[]): void {
  for (const name of names) {
    if (!table.columns.some((c) => c.name === name))
      throw new KqlError(`Failed to resolve column '${name}'.`);
  }
}

function run(pipeline: Pipeline, ctx: KqlContext): KqlTable {
  const source = ctx.table(pipeline.source);
  if (source === undefined)
    throw new KqlError(`Failed to resolve table expression named '${pipeline.source}'.`);
  let table: KqlTable = source;
  for (const op of pipeline.ops) table = apply(table, op, ctx);
  return table;
}

function apply(table: KqlTable, op: Operator, ctx: KqlContext): KqlTable {
  switch (op.op) {
    case 'where':
      return { columns: table.columns, rows: table.rows.filter((row) => evaluate(op.e, row, ctx) === true) };
    case 'extend':
    case 'project': {
      const base =
        op.op === 'extend' ? table.columns.filter((c) => !op.items.some((i) => i.name === c.name)) : [];
      const samples = table.rows.map((row) => op.items.map((i) => evaluate(i.e, row, ctx)));
      const added = op.items.map((item, n) => {
        const sample = samples.map((s) => s[n]).find((v) => v !== null && v !== undefined) ?? null;
        return { name: item.name, type: typeOf(item.e, table.columns, sample) };
      });
      if (op.op === 'project' && table.rows.length === 0) {
        requireColumns(
          table,
          op.items.flatMap((i) => (i.e.t === 'col' ? [i.e.name] : [])),
        );
      }
      const rows = table.rows.map((row, r) => {
        const out: Record<string, HuntingValue> = {};
        for (const c of base) out[c.name] = row[c.name] ?? null;
        op.items.forEach((item, n) => {
          out[item.name] = toCell(samples[r][n]);
        });
        return out;
      });
      return { columns: [...base, ...added], rows };
    }
    case 'project-away':
      requireColumns(table, op.names);
      return {
        columns: table.columns.filter((c) => !op.names.includes(c.name)),
        rows: table.rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([k]) => !op.names.includes(k))),
        ),
      };
    case 'distinct': {
      requireColumns(table, op.names);
      const seen = new Set<string>();
      const rows: HuntingRow[] = [];
      for (const row of table.rows) {
        const key = keyOf(row, op.names);
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(Object.fromEntries(op.names.map((n) => [n, row[n] ?? null])));
      }
      return { columns: table.columns.filter((c) => op.names.includes(c.name)), rows };
    }
    case 'take':
      return { columns: table.columns, rows: table.rows.slice(0, op.n) };
    case 'top':
      requireColumns(
        table,
        op.keys.map((k) => k.name),
      );
      return { columns: table.columns, rows: sortRows([...table.rows], op.keys).slice(0, op.n) };
    case 'sort':
      requireColumns(
        table,
        op.keys.map((k) => k.name),
      );
      return { columns: table.columns, rows: sortRows([...table.rows], op.keys) };
    case 'count': {
      requireColumns(table, op.by);
      const groups = new Map<string, { row: HuntingRow; n: number }>();
      for (const row of table.rows) {
        const key = keyOf(row, op.by);
        const g = groups.get(key);
        if (g === undefined) groups.set(key, { row, n: 1 });
        else g.n += 1;
      }
      return {
        columns: [...table.columns.filter((c) => op.by.includes(c.name)), { name: op.alias, type: 'Int64' }],
        rows: [...groups.values()].map((g) => ({
          ...Object.fromEntries(op.by.map((n) => [n, g.row[n] ?? null])),
          [op.alias]: g.n,
        })),
      };
    }
    case 'argmax': {
      requireColumns(table, [op.col, ...op.by]);
      const best = new Map<string, HuntingRow>();
      for (const row of table.rows) {
        const key = keyOf(row, op.by);
        const current = best.get(key);
        if (current === undefined || (compareValues(row[op.col] ?? null, current[op.col] ?? null) ?? 0) > 0) {
          best.set(key, row);
        }
      }
      return { columns: table.columns, rows: [...best.values()] };
    }
    case 'join': {
      const right = run(op.right, ctx);
      requireColumns(
        table,
        op.keys.map((k) => k.left),
      );
      requireColumns(
        right,
        op.keys.map((k) => k.right),
      );
      const index = new Map<string, HuntingRow[]>();
      for (const row of right.rows) {
        const key = keyOf(
          row,
          op.keys.map((k) => k.right),
        );
        index.set(key, [...(index.get(key) ?? []), row]);
      }
      const leftKeys = op.keys.map((k) => k.left);
      if (op.kind === 'leftsemi' || op.kind === 'leftanti') {
        const keep = op.kind === 'leftsemi';
        return {
          columns: table.columns,
          rows: table.rows.filter((row) => index.has(keyOf(row, leftKeys)) === keep),
        };
      }
      // Right columns whose names collide get a numeric suffix, as KQL does (DeviceId → DeviceId1).
      const taken = new Set(table.columns.map((c) => c.name));
      const renamed = right.columns.map((c) => {
        let name = c.name;
        for (let n = 1; taken.has(name); n += 1) name = `${c.name}${n}`;
        taken.add(name);
        return { from: c.name, column: { name, type: c.type } };
      });
      let leftRows = table.rows;
      if (op.kind === 'innerunique') {
        const seen = new Set<string>();
        leftRows = leftRows.filter((row) => {
          const key = keyOf(row, leftKeys);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      }
      const rows: HuntingRow[] = [];
      for (const row of leftRows) {
        const matches = index.get(keyOf(row, leftKeys)) ?? [];
        if (matches.length === 0 && op.kind === 'leftouter') {
          rows.push({ ...row, ...Object.fromEntries(renamed.map((r) => [r.column.name, null])) });
        }
        for (const match of matches) {
          rows.push({
            ...row,
            ...Object.fromEntries(renamed.map((r) => [r.column.name, match[r.from] ?? null])),
          });
        }
      }
      return { columns: [...table.columns, ...renamed.map((r) => r.column)], rows };
    }
  }
}

/**
 * Runs a query of the supported subset.
 * @throws KqlError when the query is malformed or uses something outside the subset.
 */
export function runKql(query: string, ctx: KqlContext): KqlTable {
  return run(new Parser(tokenize(query)).query(), ctx);
}
