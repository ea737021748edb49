/**
 * A small OData `$filter` parser and evaluator for the indicator list: comparisons (`eq ne gt ge lt le`),
 * `and`/`or`/`not`, parentheses, `contains`/`startswith`/`endswith`/`tolower`/`toupper`, `any` on lists, string
 * literals with `'` escaped as `''`. String comparisons ignore case.
 */

/** Thrown for a filter that does not parse or names an unknown property (answered as 400 ODataError). */
export class ODataFilterError extends Error {
  override readonly name = 'ODataFilterError';
}

/** Type of a filterable property. */
export type FieldType = 'string' | 'date' | 'bool' | 'stringList';

type Value = string | number | boolean | null | Date | readonly string[] | undefined;

type Node =
  | { readonly t: 'lit'; readonly v: Value }
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'var'; readonly name: string }
  | { readonly t: 'cmp'; readonly op: string; readonly l: Node; readonly r: Node }
  | { readonly t: 'and' | 'or'; readonly l: Node; readonly r: Node }
  | { readonly t: 'not'; readonly e: Node }
  | { readonly t: 'call'; readonly fn: string; readonly args: readonly Node[] }
  | { readonly t: 'any'; readonly field: string; readonly v: string; readonly body: Node };

type Token =
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'date'; readonly v: Date }
  | { readonly k: 'id'; readonly v: string }
  | { readonly k: 'punct'; readonly v: '(' | ')' | ',' | ':' };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'tolower', 'toupper']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ k: 'punct', v: c });
      i += 1;
    } else if (c === "'") {
      let s = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw new ODataFilterError('Syntax error: unterminated string literal.');
        const ch = input[i] ?? '';
        if (ch === "'") {
          if (input[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        s += ch;
        i += 1;
      }
      tokens.push({ k: 'str', v: s });
    } else {
      const rest = input.slice(i);
      const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/.exec(rest);
      if (date !== null) {
        const d = new Date(date[0]);
        if (Number.isNaN(d.getTime())) throw new ODataFilterError(`Syntax error: bad date ${date[0]}.`);
        tokens.push({ k: 'date', v: d });
        i += date[0].length;
        continue;
      }
      const num = /^-?\d+(\.\d+)?/.exec(rest);
      if (num !== null) {
        tokens.push({ k: 'num', v: Number(num[0]) });
        i += num[0].length;
        continue;
      }
      const id = /^[A-Za-z_$][A-Za-z0-9_$./]*/.exec(rest);
      if (id === null) throw new ODataFilterError(`Syntax error at position ${i}: unexpected '${c}'.`);
      tokens.push({ k: 'id', v: id[0] });
      i += id[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly vars: string[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fields: Readonly<Record<string, FieldType>>,
  ) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new ODataFilterError('The $filter expression is empty.');
    const node = this.or();
    if (this.pos < this.tokens.length) throw new ODataFilterError(`Syntax error at token ${this.pos + 1}.`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t?.k === 'id' && t.v.toLowerCase() === word;
  }

  private expectPunct(p: string): void {
    const t = this.peek();
    if (t?.k !== 'punct' || t.v !== p) throw new ODataFilterError(`Syntax error: '${p}' expected.`);
    this.pos += 1;
  }

  private or(): Node {
    let l = this.and();
    while (this.isKeyword('or')) {
      this.pos += 1;
      l = { t: 'or', l, r: this.and() };
    }
    return l;
  }

  private and(): Node {
    let l = this.unary();
    while (this.isKeyword('and')) {
      this.pos += 1;
      l = { t: 'and', l, r: this.unary() };
    }
    return l;
  }

  private unary(): Node {
    if (this.isKeyword('not')) {
      this.pos += 1;
      return { t: 'not', e: this.unary() };
    }
    const left = this.operand();
    const t = this.peek();
    if (t?.k === 'id' && COMPARISONS.has(t.v.toLowerCase())) {
      this.pos += 1;
      return { t: 'cmp', op: t.v.toLowerCase(), l: left, r: this.operand() };
    }
    return left;
  }

  private operand(): Node {
    const t = this.peek();
    if (t === undefined) throw new ODataFilterError('Syntax error: unexpected end of the expression.');
    this.pos += 1;
    switch (t.k) {
      case 'str':
        return { t: 'lit', v: t.v };
      case 'num':
        return { t: 'lit', v: t.v };
      case 'date':
        return { t: 'lit', v: t.v };
      case 'punct': {
        if (t.v !== '(') throw new ODataFilterError(`Syntax error: unexpected '${t.v}'.`);
        const e = this.or();
        this.expectPunct(')');
        return e;
      }
      case 'id':
        return this.identifier(t.v);
    }
  }

  private identifier(name: string): Node {
    const lower = name.toLowerCase();
    if (lower === 'true' || lower === 'false') return { t: 'lit', v: lower === 'true' };
    if (lower === 'null') return { t: 'lit', v: null };
    const next = this.peek();
    if (next?.k === 'punct' && next.v === '(') {
      if (lower.endsWith('/any')) return this.lambda(name.slice(0, -4));
      if (!FUNCTIONS.has(lower)) throw new ODataFilterError(`Unknown function '${name}'.`);
      this.pos += 1;
      const args: Node[] = [this.or()];
      while (this.peek()?.k === 'punct' && (this.peek() as { v: string }).v === ',') {
        this.pos += 1;
        args.push(this.or());
      }
      this.expectPunct(')');
      const arity = lower === 'tolower' || lower === 'toupper' ? 1 : 2;
      if (args.length !== arity) throw new ODataFilterError(`Function '${name}' takes ${arity} argument(s).`);
      return { t: 'call', fn: lower, args };
    }
    if (this.vars.includes(name)) return { t: 'var', name };
    const field = this.fieldName(name);
    return { t: 'field', name: field };
  }

  private fieldName(name: string): string {
    const field = Object.keys(this.fields).find((f) => f.toLowerCase() === name.toLowerCase());
    if (field === undefined)
      throw new ODataFilterError(`Could not find a property named '${name}' on type 'Indicator'.`);
    return field;
  }

  private lambda(fieldName: string): Node {
    const field = this.fieldName(fieldName);
    if (this.fields[field] !== 'stringList') throw new ODataFilterError(`'${field}' is not a collection.`);
    this.expectPunct('(');
    const v = this.peek();
    if (v?.k !== 'id') throw new ODataFilterError('Syntax error: lambda variable expected.');
    this.pos += 1;
    this.expectPunct(':');
    this.vars.push(v.v);
    const body = this.or();
    this.vars.pop();
    this.expectPunct(')');
    return { t: 'any', field, v: v.v, body };
  }
}

/** A parsed filter: a predicate over records. */
export type FilterPredicate<T> = (record: T) => boolean;

function comparable(v: Value, asDate: boolean): string | number | boolean | null | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    if (asDate) {
      const t = Date.parse(v);
      return Number.isNaN(t) ? v.toLowerCase() : t;
    }
    return v.toLowerCase();
  }
  if (Array.isArray(v)) return undefined;
  return v as string | number | boolean | null | undefined;
}

function compare(op: string, l: Value, r: Value, asDate: boolean): boolean {
  if (Array.isArray(l)) {
    // A list equals a value when one of its items does (a lenient reading of `rbacGroupNames eq 'X'`).
    const items = l as readonly string[];
    const any = items.some((x) => compare('eq', x, r, asDate));
    return op === 'eq' ? any : op === 'ne' ? !any : false;
  }
  const a = comparable(l, asDate);
  const b = comparable(r, asDate);
  if (op === 'eq') return a === b || (a == null && b == null);
  if (op === 'ne') return !(a === b || (a == null && b == null));
  if (a === null || a === undefined || b === null || b === undefined) return false;
  switch (op) {
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}

/**
 * Parses `$filter` for records whose properties are `fields`.
 * @throws ODataFilterError for a filter that does not parse or names an unknown property.
 */
export function parseFilter<T>(
  filter: string,
  fields: Readonly<Record<string, FieldType>>,
): FilterPredicate<T> {
  const ast = new Parser(tokenize(filter), fields).parse();
  const isDateNode = (n: Node): boolean => n.t === 'field' && fields[n.name] === 'date';
  const evaluate = (n: Node, rec: T, scope: Readonly<Record<string, Value>>): Value => {
    switch (n.t) {
      case 'lit':
        return n.v;
      case 'field':
        return (rec as Record<string, Value>)[n.name];
      case 'var':
        return scope[n.name];
      case 'and':
        return evaluate(n.l, rec, scope) === true && evaluate(n.r, rec, scope) === true;
      case 'or':
        return evaluate(n.l, rec, scope) === true || evaluate(n.r, rec, scope) === true;
      case 'not':
        return evaluate(n.e, rec, scope) !== true;
      case 'cmp':
        return compare(
          n.op,
          evaluate(n.l, rec, scope),
          evaluate(n.r, rec, scope),
          isDateNode(n.l) || isDateNode(n.r),
        );
      case 'any': {
        const list = (rec as Record<string, Value>)[n.field];
        return (
          Array.isArray(list) &&
          list.some((x: string) => evaluate(n.body, rec, { ...scope, [n.v]: x }) === true)
        );
      }
      case 'call': {
        const args = n.args.map((a) => evaluate(a, rec, scope));
        const s = (v: Value): string | undefined => (typeof v === 'string' ? v.toLowerCase() : undefined);
        const a0 = s(args[0]);
        if (n.fn === 'tolower' || n.fn === 'toupper') return typeof args[0] === 'string' ? args[0] : null;
        const a1 = s(args[1]);
        if (a0 === undefined || a1 === undefined) return false;
        if (n.fn === 'contains') return a0.includes(a1);
        if (n.fn === 'startswith') return a0.startsWith(a1);
        return a0.endsWith(a1);
      }
    }
  };
  return (rec) => evaluate(ast, rec, {}) === true;
}
