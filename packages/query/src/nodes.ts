// Which nodes an operator means, in a line: `kasper run --nodes 'class=Role::Web and
// facts.os.release.major=12'`. The short form is translated into PuppetDB's AST query on the
// `nodes` entity — the same query language the rest of this package compiles to SQL — so the
// matching is the store's, never a second matcher in JavaScript:
//
//   web*                          certname matches the glob          ["~", "certname", "^web.*$"]
//   name=db01.example.com         certname (also certname=…)         ["=", "certname", "db01.example.com"]
//   class=Role::Web               the latest catalog has the class   ["subquery", "resources", [type Class, title Role::Web]]
//   facts.os.release.major=12     a fact, by its dotted path         ["subquery", "inventory", ["=", "facts.os.release.major", "12"]]
//   trusted.extensions.pp_role=web
//   environment=production        the latest catalog's environment
//
// Operators `=`, `!=`, `~` and `!~` (regular expressions), `<`, `<=`, `>`, `>=` (numbers);
// `and`, `or`, `not` (or `!`) and parentheses. An unquoted value also matches the number or
// Boolean it spells (facts from Facter say "12" where custom facts may say 12); a quoted one
// ("12", '12') only that string. A whole PQL query (`nodes[certname] { … }`, `inventory { … }`)
// or an AST query (`["=", "certname", "x"]`) is taken as it is.
import { raise } from './errors.ts';
import { parsePql, PQL_ENTITIES } from './pql.ts';

type Ast = unknown[];

interface Token {
  kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen';
  text: string;
  at: number;
}

const OPERATORS = ['!=', '!~', '<=', '>=', '=', '~', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'lparen' : 'rparen', text: c, at: i });
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw raise('KSP-QUERY-016', { query: text, at: i, reason: 'the quoted value does not end' });
      tokens.push({ kind: 'string', text: value, at: i });
      i = j + 1;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      // `!` alone is `not`; `!=`, `!~` are operators.
      if (op) {
        tokens.push({ kind: 'op', text: op, at: i });
        i += op.length;
      } else if (c === '!') {
        tokens.push({ kind: 'word', text: 'not', at: i });
        i++;
      } else {
        const m = /^[^\s()"'=!~<>]+/.exec(text.slice(i))!;
        tokens.push({ kind: 'word', text: m[0], at: i });
        i += m[0].length;
      }
    }
  }
  return tokens;
}

/** A shell glob (`*`, `?`, `[…]`) as an anchored regular expression; null when it has none. */
export function globToRegex(glob: string): string | null {
  if (!/[*?[]/.test(glob)) return null;
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += /[\\^$.|+(){}]/.test(c) ? `\\${c}` : c;
  }
  return `^${re}$`;
}

/** Puppet's class reference: every segment capitalized (`role::web` is `Role::Web`). */
const className = (name: string) => name.replace(/^::/, '').split('::').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('::');

/** A value as typed: unquoted `12` is also the number 12, `true` the Boolean. */
function valueMatch(op: string, field: string, value: string, quoted: boolean): Ast {
  if (op === '~') return ['~', field, value];
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    const n = Number(value);
    if (value === '' || !Number.isFinite(n)) throw raise('KSP-QUERY-016', { query: `${field} ${op} ${value}`, at: 0, reason: `'${op}' compares numbers, not '${value}'` });
    return [op, field, n];
  }
  const alternatives: Ast[] = [['=', field, value]];
  if (!quoted && value !== '' && Number.isFinite(Number(value))) alternatives.push(['=', field, Number(value)]);
  if (!quoted && (value === 'true' || value === 'false')) alternatives.push(['=', field, value === 'true']);
  return alternatives.length === 1 ? alternatives[0] : ['or', ...alternatives];
}

/** One comparison: `field op value`, or a bare name glob. */
function term(field: string, op: string, value: string, quoted: boolean, query: string, at: number): Ast {
  const negate = op === '!=' || op === '!~';
  const positive = negate ? (op === '!=' ? '=' : '~') : op;
  let ast: Ast;
  const f = field.toLowerCase();
  if (f === 'name' || f === 'certname' || f === 'node') {
    if (!['=', '~'].includes(positive)) throw raise('KSP-QUERY-016', { query, at, reason: `a name takes =, !=, ~ or !~, not ${op}` });
    const glob = positive === '=' && !quoted ? globToRegex(value) : null;
    ast = positive === '~' ? ['~', 'certname', value] : glob ? ['~', 'certname', glob] : ['=', 'certname', value];
  } else if (f === 'class') {
    if (!['=', '~'].includes(positive)) throw raise('KSP-QUERY-016', { query, at, reason: `a class takes =, !=, ~ or !~, not ${op}` });
    const glob = positive === '=' && !quoted ? globToRegex(className(value)) : null;
    const title = positive === '~' ? ['~', 'title', value] : glob ? ['~', 'title', glob] : ['=', 'title', className(value)];
    ast = ['subquery', 'resources', ['and', ['=', 'type', 'Class'], title]];
  } else if (f === 'environment') {
    if (!['=', '~'].includes(positive)) throw raise('KSP-QUERY-016', { query, at, reason: `an environment takes =, !=, ~ or !~, not ${op}` });
    ast = [positive, 'catalog_environment', value];
  } else if (/^(facts|trusted)\.\S+$/.test(field)) {
    ast = ['subquery', 'inventory', valueMatch(positive, field, value, quoted)];
  } else {
    throw raise('KSP-QUERY-016', { query, at, reason: `'${field}' is not something nodes are chosen by (name, class, environment, facts.…, trusted.…)` });
  }
  return negate ? ['not', ast] : ast;
}

class Parser {
  private i = 0;
  private readonly tokens: Token[];
  private readonly query: string;
  constructor(query: string) {
    this.query = query;
    this.tokens = tokenize(query);
  }
  private fail(reason: string, at = this.tokens[this.i]?.at ?? this.query.length): never {
    throw raise('KSP-QUERY-016', { query: this.query, at, reason });
  }
  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.kind === 'word' && t.text.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }
  parse(): Ast {
    if (!this.tokens.length) this.fail('no nodes are named');
    const ast = this.or();
    if (this.i < this.tokens.length) this.fail(`unexpected '${this.tokens[this.i].text}'`);
    return ast;
  }
  private or(): Ast {
    const parts = [this.and()];
    while (this.keyword('or')) parts.push(this.and());
    return parts.length === 1 ? parts[0] : ['or', ...parts];
  }
  private and(): Ast {
    const parts = [this.unary()];
    while (this.keyword('and')) parts.push(this.unary());
    return parts.length === 1 ? parts[0] : ['and', ...parts];
  }
  private unary(): Ast {
    if (this.keyword('not')) return ['not', this.unary()];
    const t = this.peek();
    if (!t) this.fail('the query ends too early');
    if (t.kind === 'lparen') {
      this.i++;
      const inner = this.or();
      if (this.peek()?.kind !== 'rparen') this.fail("a '(' is not closed");
      this.i++;
      return inner;
    }
    if (t.kind !== 'word' && t.kind !== 'string') this.fail(`unexpected '${t.text}'`);
    this.i++;
    const op = this.peek();
    if (op?.kind === 'op') {
      this.i++;
      const v = this.peek();
      if (!v || (v.kind !== 'word' && v.kind !== 'string')) this.fail(`'${t.text} ${op.text}' needs a value`);
      this.i++;
      return term(t.text, op.text, v.text, v.kind === 'string', this.query, t.at);
    }
    // A bare word: a name or a glob of names.
    return term('name', '=', t.text, t.kind === 'string', this.query, t.at);
  }
}

/**
 * The filter of a `nodes` query for an operator's node selection (the short form above, PQL on
 * nodes or inventory, or an AST query), as PuppetDB's AST. Throws KSP-QUERY-016 (or the PQL
 * parser's KSP-QUERY-001) with where it went wrong.
 */
export function nodeSelection(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let ast: unknown;
    try {
      ast = JSON.parse(trimmed);
    } catch (e) {
      throw raise('KSP-QUERY-016', { query: text, at: 0, reason: `not JSON: ${(e as Error).message}` });
    }
    if (!Array.isArray(ast)) throw raise('KSP-QUERY-016', { query: text, at: 0, reason: 'an AST query is a JSON array' });
    return ast;
  }
  const entity = /^([a-z_]+)\s*[[{]/.exec(trimmed)?.[1];
  if (entity && PQL_ENTITIES.has(entity)) {
    const from = parsePql(trimmed) as unknown[];
    // ["from", entity, filter-or-extract, …paging]: the nodes the query's rows name.
    const body = from[2] as unknown[] | undefined;
    const filter = Array.isArray(body) && body[0] === 'extract' ? body[2] : body;
    if (entity === 'nodes') return (filter as unknown[] | undefined) ?? ['~', 'certname', ''];
    return ['in', 'certname', ['extract', 'certname', filter ? [`select_${entity}`, filter] : [`select_${entity}`]]];
  }
  return new Parser(text).parse();
}

/** The whole query: active nodes' names chosen by `text`, sorted, as `["from", "nodes", …]`. */
export function nodeSelectionQuery(text: string): unknown[] {
  return ['from', 'nodes', ['extract', ['certname'], ['and', ['=', 'node_state', 'active'], nodeSelection(text)]], ['order_by', ['certname']]];
}
