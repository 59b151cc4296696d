// The fast parser: a hand-written recursive-descent parser of the same grammar as parser.ts
// (chevrotain's), for the common case of a file without errors.
//
// It reads the lexer's tokens by kind number, allocates nothing but the AST, and decides every
// choice the way chevrotain's lookahead does (the same tokens, in the same order of
// alternatives), so that on any input it either builds exactly the tree chevrotain builds, or
// gives up (returns null) at the first thing it does not expect: a syntax error, a problem the
// grammar's actions report (a resource without a title, `class` used as a name, …), or nesting
// beyond MAX_NESTING. Then index.ts parses the file again with chevrotain, whose messages (and
// error recovery) are the only ones a user sees: the fast parser reports nothing itself.
//
// The two are kept in step by test/fuzz/fast-parser.test.ts, which parses every file of the
// corpora and thousands of mutations of them with both and requires the same tree wherever the
// fast parser does not give up, and chevrotain's agreement that such a file has no error.
// A change to the grammar is made in both, in the same rule (the rules have the same names).
import type * as A from './ast.ts';
import { MAX_NESTING, STATEMENT_CALLS, foldBinary, untitledResource } from './limits.ts';
import * as K from './tokens.ts';

/** A token: its index in the file's TokenList, whose columns the parse reads (below). */
type Tok = number;
type Loc = A.Range | Tok;

/**
 * The columns of the tokens being parsed (kinds, start offsets, end offsets, values) and the list
 * itself, for images. (TV is TokenList.strings: read here only for tokens that have a value.) Set by fastParse for the duration of one parse (a parse is synchronous; a
 * nested one, were there any, puts back the outer one's).
 */
let TK: Uint8Array = new Uint8Array(0);
let TS: Int32Array = new Int32Array(0);
let TE: Int32Array = new Int32Array(0);
let TV: (string | undefined)[] = [];
let LIST: K.TokenList | null = null;

/** A token's text. */
function image(t: Tok): string {
  return LIST!.image(t);
}

/** A binary operator's token as foldBinary reads it (kind, image): one shared object per kind. */
const OPERATORS: ({ kind: number; image: string } | undefined)[] = [];
function operator(t: Tok): { kind: number; image: string } {
  return (OPERATORS[TK[t]] ??= { kind: TK[t], image: image(t) });
}

/** Thrown to give up; caught in fastParse. One instance: no stack trace is ever built. */
const GIVE_UP = { giveUp: true };

const VARIABLE = K.VARIABLE.idx, NUMBER = K.NUMBER.idx, STRING = K.STRING.idx, WORD = K.WORD.idx;
const DQPRE = K.DQPRE.idx, DQMID = K.DQMID.idx, DQPOST = K.DQPOST.idx, HEREDOC = K.HEREDOC.idx;
const REGEX = K.REGEX.idx, BOOLEAN = K.BOOLEAN.idx, UNDEF = K.UNDEF.idx, DEFAULT = K.DEFAULT.idx;
const NAME = K.NAME.idx, CLASSREF = K.CLASSREF.idx, PRIVATE = K.PRIVATE.idx, ATTR = K.ATTR.idx;
const LISTSTART = K.LISTSTART.idx, LBRACK = K.LBRACK.idx, RBRACK = K.RBRACK.idx;
const LBRACE = K.LBRACE.idx, SELBRACE = K.SELBRACE.idx, RBRACE = K.RBRACE.idx;
const LPAREN = K.LPAREN.idx, WSLPAREN = K.WSLPAREN.idx, RPAREN = K.RPAREN.idx;
const IF = K.IF.idx, ELSIF = K.ELSIF.idx, ELSE = K.ELSE.idx, UNLESS = K.UNLESS.idx, CASE = K.CASE.idx;
const CLASS = K.CLASS.idx, DEFINE = K.DEFINE.idx, NODE = K.NODE.idx, FUNCTION = K.FUNCTION.idx, TYPE = K.TYPE.idx;
const INHERITS = K.INHERITS.idx;
const RENDER_STRING = K.RENDER_STRING.idx, RENDER_EXPR = K.RENDER_EXPR.idx, EPP_START = K.EPP_START.idx;
const EPP_END = K.EPP_END.idx, EPP_END_TRIM = K.EPP_END_TRIM.idx;
const SEMIC = K.SEMIC.idx, COMMA = K.COMMA.idx, COLON = K.COLON.idx, DOT = K.DOT.idx, QMARK = K.QMARK.idx;
const PIPE = K.PIPE.idx, AT = K.AT.idx, ATAT = K.ATAT.idx;
const EQUALS = K.EQUALS.idx, APPENDS = K.APPENDS.idx, DELETES = K.DELETES.idx;
const FARROW = K.FARROW.idx, PARROW = K.PARROW.idx, RSHIFT = K.RSHIFT.idx;
const IN_EDGE = K.IN_EDGE.idx, IN_EDGE_SUB = K.IN_EDGE_SUB.idx, OUT_EDGE = K.OUT_EDGE.idx, OUT_EDGE_SUB = K.OUT_EDGE_SUB.idx;
const LCOLLECT = K.LCOLLECT.idx, LLCOLLECT = K.LLCOLLECT.idx, RCOLLECT = K.RCOLLECT.idx, RRCOLLECT = K.RRCOLLECT.idx;
const MINUS = K.MINUS.idx, TIMES = K.TIMES.idx, NOT = K.NOT.idx;
/**
 * Past the last token: the kind fastParse writes after the last token (four times), so that the
 * next kinds are read as TK[this.pos] and TK[this.pos + 1] without a bounds check or a call (a
 * one-shot command runs the parser mostly in V8's interpreter, where each call costs). The
 * position only grows, and once past the last token the parse ends in null (fastParse checks).
 */
export const END = 255;
const SENTINELS = 4;

/** Token kinds: fewer than END (packages/language/test/lexer.test.ts holds it). */
const KINDS = K.allTokens.length;
function table(kinds: number[]): Uint8Array {
  const t = new Uint8Array(KINDS + 1);
  for (const k of kinds) t[k] = 1;
  return t;
}
const inCategory = (c: K.TokenKind) => K.allTokens.filter((k) => k.categories.includes(c)).map((k) => k.idx);
const IS_KEYWORD = table(inCategory(K.Keyword));
const IS_BINARY = table(inCategory(K.BinaryOperator));
const IS_PREFIX = table(inCategory(K.PrefixOperator));
/** What a primary may start with (the alternatives of the rule primary). */
const PRIMARY_FIRST = [VARIABLE, NUMBER, STRING, WORD, DQPRE, HEREDOC, REGEX, BOOLEAN, UNDEF, DEFAULT, NAME, CLASSREF,
  PRIVATE, ATTR, LISTSTART, LBRACK, LBRACE, LPAREN, WSLPAREN, IF, UNLESS, CASE, CLASS, DEFINE, NODE, FUNCTION, TYPE,
  RENDER_STRING, RENDER_EXPR];
/** What an expression may start with: a prefix operator or a primary. */
const EXPR_FIRST = table([...inCategory(K.PrefixOperator), ...PRIMARY_FIRST]);
/** What a statement, an assignment, a call's argument or a collection's entry may start with. */
const STATEMENT_FIRST = table([AT, ATAT, ...inCategory(K.PrefixOperator), ...PRIMARY_FIRST]);
const PARAMETER_FIRST = table([CLASSREF, TIMES, VARIABLE]);
const HOSTNAME_FIRST = table([NAME, NUMBER, STRING, DQPRE, DEFAULT, REGEX]);

const RE_HEX = /^0[xX]/;
const RE_OCTAL = /^0\d/;
const RE_FLOAT = /[.eE]/;

/**
 * The program the tokens make, exactly as PuppetParser builds it (its `end` is the last
 * statement's), or null where that parser would report anything.
 */
export function fastParse(tokens: K.TokenList, kind: 'manifest' | 'epp'): A.Program | null {
  const tk = TK, ts = TS, te = TE, tv = TV, list = LIST;
  const n = tokens.length;
  if (tokens.kinds.length < n + SENTINELS) tokens.grow();
  for (let i = n; i < n + SENTINELS; i++) tokens.kinds[i] = END;
  TK = tokens.kinds;
  TS = tokens.starts;
  TE = tokens.ends;
  TV = tokens.strings;
  LIST = tokens;
  const p = new FastParser(tokens.length);
  try {
    const program = kind === 'epp' ? p.epp() : p.manifest();
    return p.pos === tokens.length ? program : null;
  } catch (e) {
    if (e === GIVE_UP) return null;
    if (e instanceof RangeError) return null; // a stack overflow: chevrotain reports what it can
    throw e;
  } finally {
    TK = tk;
    TS = ts;
    TE = te;
    TV = tv;
    LIST = list;
  }
}

function endOf(x: Loc): number {
  return typeof x === 'number' ? TE[x] + 1 : x.end;
}
function startOf(x: Loc): number {
  return typeof x === 'number' ? TS[x] : x.start;
}

class FastParser {
  pos = 0;
  private depth = 0;
  /** How many tokens there are. */
  private readonly n: number;

  constructor(n: number) {
    this.n = n;
  }

  /** The next token, which must be of kind `k`. */
  private expect(k: number): Tok {
    const t = this.pos;
    if (t >= this.n || TK[t] !== k) throw GIVE_UP;
    this.pos = t + 1;
    return t;
  }

  /** The next token (n, past the last, where there is none). */
  private next(): Tok {
    return this.pos++;
  }

  // ---------------------------------------------------------------- programs and statements

  manifest(): A.Program {
    const body = this.statements();
    return { kind: 'Program', body, start: 0, end: body.length ? body[body.length - 1].end : 0 };
  }

  epp(): A.Program {
    this.expect(EPP_START);
    let params: A.Parameter[] | null = null;
    if (TK[this.pos] === PIPE) {
      this.pos++;
      params = this.parameterList();
      this.expect(PIPE);
    }
    const body = this.statements();
    return { kind: 'Program', body, eppParameters: params, start: 0, end: body.length ? body[body.length - 1].end : 0 };
  }

  private statements(): A.Expression[] {
    const out: A.Expression[] = [];
    for (;;) {
      const k = TK[this.pos];
      if (k === SEMIC) {
        this.pos++;
        continue;
      }
      if (k === END || STATEMENT_FIRST[k] === 0) break;
      // statement: `a` or `a, b, c`, and the folding of `name arg, arg` into calls (transformCalls)
      const first = this.assignment();
      let item: A.Expression | A.Expression[] = first;
      if (TK[this.pos] === COMMA) {
        const list = [first];
        while (TK[this.pos] === COMMA) {
          this.pos++;
          list.push(this.assignment());
        }
        item = list;
      }
      const prev = out.length ? out[out.length - 1] : undefined;
      if (prev && prev.kind === 'QualifiedName' && STATEMENT_CALLS.has(prev.value)) {
        const args = Array.isArray(item) ? item : [item];
        const last = args[args.length - 1];
        const s = prev.start;
        out[out.length - 1] = { kind: 'CallNamedFunctionExpression', functor: prev, args, lambda: null, parenthesized: false, start: s, end: Math.max(s, last.end) };
      } else if (Array.isArray(item)) {
        throw GIVE_UP; // a list that is no statement call's arguments
      } else {
        out.push(item);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- assignment, relationships, resources

  private assignment(): A.Expression {
    const first = this.relationship();
    let k = TK[this.pos];
    if (k !== EQUALS && k !== APPENDS && k !== DELETES) return first;
    const operands: A.Expression[] = [first];
    const ops: Tok[] = [];
    while (k === EQUALS || k === APPENDS || k === DELETES) {
      ops.push(this.next());
      operands.push(this.relationship());
      k = TK[this.pos];
    }
    let result = operands[operands.length - 1];
    for (let i = ops.length - 1; i >= 0; i--) {
      const left = operands[i];
      result = { kind: 'AssignmentExpression', operator: image(ops[i]) as '=', left, right: result, start: left.start, end: Math.max(left.start, result.end) };
    }
    return result;
  }

  private relationship(): A.Expression {
    let left = this.resource();
    let k = TK[this.pos];
    while (k === IN_EDGE || k === IN_EDGE_SUB || k === OUT_EDGE || k === OUT_EDGE_SUB) {
      const op = this.next();
      const right = this.resource();
      left = { kind: 'RelationshipExpression', operator: image(op) as '->', left, right, start: left.start, end: Math.max(left.start, right.end) };
      k = TK[this.pos];
    }
    return left;
  }

  private resource(): A.Expression {
    let forms: Tok[] | null = null;
    let k = TK[this.pos];
    while (k === AT || k === ATAT) {
      (forms ??= []).push(this.next());
      k = TK[this.pos];
    }
    const e = this.expression();
    let result = e;
    if (TK[this.pos] === LBRACE && isResourceShape(e)) result = this.resourceTail(e);
    if (!forms) return result;
    for (let i = forms.length - 1; i >= 0; i--) {
      const at = forms[i];
      const r = result;
      if (r.kind !== 'ResourceExpression' && r.kind !== 'ResourceDefaultsExpression' && r.kind !== 'ResourceOverrideExpression') throw GIVE_UP;
      if (r.form !== 'regular') throw GIVE_UP;
      result = { ...r, form: TK[at] === AT ? 'virtual' : 'exported', start: TS[at] };
    }
    return result;
  }

  /** After `type {`: titled bodies, or attribute operations for defaults and overrides. */
  private resourceTail(typeExpr: A.Expression): A.Expression {
    this.pos++; // {
    const k1 = TK[this.pos];
    const k2 = TK[this.pos + 1];
    // chevrotain's lookahead for the first alternative: `}`, `* =>`, or a name or keyword then `=>` / `+>`
    if (k1 === RBRACE || (k1 === TIMES && k2 === FARROW) || ((k1 === NAME || (k1 !== END && IS_KEYWORD[k1] === 1)) && (k2 === FARROW || k2 === PARROW))) {
      const lbrace = this.pos - 1;
      const ops = this.attributeOperations();
      const rbrace = this.expect(RBRACE);
      const s = typeExpr.start;
      const r = { start: s, end: Math.max(s, TE[rbrace] + 1) };
      const hs = TS[lbrace];
      const node = untitledResource(typeExpr, ops, r, { start: hs, end: Math.max(hs, TE[rbrace] + 1) });
      if (!node) throw GIVE_UP; // a resource without a title
      return node;
    }
    // `Notify { 'x': }` declares as `notify { 'x': }` does (Puppet takes either case).
    const bodies: A.ResourceBody[] = [this.resourceBody()];
    while (TK[this.pos] === SEMIC) {
      this.pos++;
      const k = TK[this.pos];
      if (k !== END && EXPR_FIRST[k] === 1) bodies.push(this.resourceBody());
    }
    const rbrace = this.expect(RBRACE);
    const s = typeExpr.start;
    return { kind: 'ResourceExpression', form: 'regular', typeName: typeExpr, bodies, start: s, end: Math.max(s, TE[rbrace] + 1) };
  }

  private resourceBody(): A.ResourceBody {
    const title = this.expression();
    this.expect(COLON);
    const ops = this.attributeOperations();
    const last = ops.length ? ops[ops.length - 1] : title;
    return { kind: 'ResourceBody', title, operations: ops, start: title.start, end: Math.max(title.start, last.end) };
  }

  private startsAttribute(k: number): boolean {
    return k === TIMES || k === NAME || (k !== END && IS_KEYWORD[k] === 1);
  }

  /** `a => 1, b +> 2, * => $h,` (trailing comma allowed, may be empty). */
  private attributeOperations(): A.AttributeOp[] {
    const ops: A.AttributeOp[] = [];
    if (!this.startsAttribute(TK[this.pos])) return ops;
    ops.push(this.attributeOperation());
    while (TK[this.pos] === COMMA && this.startsAttribute(TK[this.pos + 1])) {
      this.pos++;
      ops.push(this.attributeOperation());
    }
    if (TK[this.pos] === COMMA) this.pos++;
    return ops;
  }

  private attributeOperation(): A.AttributeOp {
    const first = this.next();
    if (TK[first] === TIMES) {
      this.expect(FARROW);
      const value = this.expression();
      return { kind: 'AttributesOperation', value, start: TS[first], end: Math.max(TS[first], value.end) };
    }
    const op = this.next();
    if (op >= this.n || (TK[op] !== FARROW && TK[op] !== PARROW)) throw GIVE_UP;
    const value = this.expression();
    return { kind: 'AttributeOperation', name: image(first), operator: image(op) as '=>', value, start: TS[first], end: Math.max(TS[first], value.end) };
  }

  // ---------------------------------------------------------------- operators

  private expression(): A.Expression {
    if (++this.depth > MAX_NESTING) throw GIVE_UP;
    let k = TK[this.pos];
    let prefixes: Tok[] | null = null;
    while (k !== END && IS_PREFIX[k] === 1) {
      (prefixes ??= []).push(this.next());
      k = TK[this.pos];
    }
    const first = this.postfix();
    k = TK[this.pos];
    if (k === END || (IS_BINARY[k] === 0 && k !== QMARK)) {
      this.depth--;
      return prefixes ? prefixed(prefixes, first) : first;
    }
    const operands: A.Expression[] = [prefixed(prefixes, first)];
    const ops: { kind: number; image: string }[] = [];
    while (k !== END && (IS_BINARY[k] === 1 || k === QMARK)) {
      ops.push(operator(this.next()));
      if (k === QMARK) {
        // `x ? { … }` is an operator too (looser than comparisons, tighter than `and`); its
        // operand slot holds the entries, and foldBinary fills in the left side.
        operands.push(this.selectorEntries());
        k = TK[this.pos];
        continue;
      }
      let before: Tok[] | null = null;
      k = TK[this.pos];
      while (k !== END && IS_PREFIX[k] === 1) {
        (before ??= []).push(this.next());
        k = TK[this.pos];
      }
      operands.push(prefixed(before, this.postfix()));
      k = TK[this.pos];
    }
    this.depth--;
    return foldBinary(operands, ops);
  }

  // ---------------------------------------------------------------- postfix: access, calls, selectors, collectors

  private postfix(): A.Expression {
    let e = this.primary();
    for (;;) {
      const k = TK[this.pos];
      if (k === LBRACK) {
        this.pos++;
        const keys = this.accessArgs();
        const close = this.expect(RBRACK);
        e = { kind: 'AccessExpression', target: e, keys, start: e.start, end: Math.max(e.start, TE[close] + 1) };
      } else if (k === DOT) {
        this.pos++;
        const name = this.next();
        if (name >= this.n || (TK[name] !== NAME && TK[name] !== TYPE)) throw GIVE_UP;
        const access: A.NamedAccessExpression = { kind: 'NamedAccessExpression', left: e, name: image(name), start: e.start, end: Math.max(e.start, TE[name] + 1) };
        let args: A.Expression[] = [];
        let parenthesized = false;
        let last: Loc = name;
        if (TK[this.pos] === LPAREN) {
          this.pos++;
          args = this.callArgs();
          last = this.expect(RPAREN);
          parenthesized = true;
        }
        let lambda: A.LambdaExpression | null = null;
        if (TK[this.pos] === PIPE) {
          lambda = this.lambda();
          last = lambda;
        }
        e = { kind: 'CallMethodExpression', functor: access, args, lambda, parenthesized, start: e.start, end: Math.max(e.start, endOf(last)) };
      } else if (k === LPAREN) {
        if (!isCallable(e)) throw GIVE_UP;
        this.pos++;
        const args = this.callArgs();
        let last: Loc = this.expect(RPAREN);
        let lambda: A.LambdaExpression | null = null;
        if (TK[this.pos] === PIPE) {
          lambda = this.lambda();
          last = lambda;
        }
        e = { kind: 'CallNamedFunctionExpression', functor: e, args, lambda, parenthesized: true, start: e.start, end: Math.max(e.start, endOf(last)) };
      } else if (k === LCOLLECT || k === LLCOLLECT) {
        const open = this.next();
        let query: A.Expression | null = null;
        if (this.exprFirst(TK[this.pos])) query = this.expression();
        const close = this.next();
        if (close >= this.n || (TK[close] !== RCOLLECT && TK[close] !== RRCOLLECT)) throw GIVE_UP;
        const exported = TK[open] === LLCOLLECT;
        if (exported !== (TK[close] === RRCOLLECT)) throw GIVE_UP;
        let ops: A.AttributeOp[] = [];
        let last: Tok = close;
        if (TK[this.pos] === LBRACE) {
          this.pos++;
          ops = this.attributeOperations();
          last = this.expect(RBRACE);
        }
        const qs = TS[open];
        e = {
          kind: 'CollectExpression', typeRef: e,
          query: { kind: exported ? 'ExportedQuery' : 'VirtualQuery', expr: query, start: qs, end: Math.max(qs, TE[close] + 1) },
          operations: ops, start: e.start, end: Math.max(e.start, TE[last] + 1),
        } as A.CollectExpression;
      } else {
        return e;
      }
    }
  }

  private exprFirst(k: number): boolean {
    return k !== END && EXPR_FIRST[k] === 1;
  }

  private statementFirst(k: number): boolean {
    return k !== END && STATEMENT_FIRST[k] === 1;
  }

  /** After `?`: `{ a => x, b => y }`, or one entry alone; the left side is filled in by foldBinary. */
  private selectorEntries(): A.SelectorExpression {
    const entries: A.SelectorEntry[] = [];
    let first: Loc;
    let last: Loc;
    if (TK[this.pos] === SELBRACE) {
      first = this.next();
      entries.push(this.selectorEntry());
      while (TK[this.pos] === COMMA && this.exprFirst(TK[this.pos + 1])) {
        this.pos++;
        entries.push(this.selectorEntry());
      }
      if (TK[this.pos] === COMMA) this.pos++;
      last = this.expect(RBRACE);
    } else {
      const one = this.selectorEntry();
      entries.push(one);
      first = one;
      last = one;
    }
    const s0 = startOf(first);
    return { kind: 'SelectorExpression', left: undefined as unknown as A.Expression, entries, start: s0, end: Math.max(s0, endOf(last)) };
  }

  private selectorEntry(): A.SelectorEntry {
    const matching = this.expression();
    this.expect(FARROW);
    const value = this.expression();
    return { kind: 'SelectorEntry', matching, value, start: matching.start, end: Math.max(matching.start, value.end) };
  }

  /** Arguments of `[…]`: expressions or `key => value` pairs, trailing comma allowed. */
  private accessArgs(): A.Expression[] {
    const args: A.Expression[] = [this.accessArg()];
    while (TK[this.pos] === COMMA && this.exprFirst(TK[this.pos + 1])) {
      this.pos++;
      args.push(this.accessArg());
    }
    if (TK[this.pos] === COMMA) this.pos++;
    return groupPairs(args);
  }

  private accessArg(): A.Expression {
    const key = this.expression();
    if (TK[this.pos] !== FARROW) return key;
    this.pos++;
    const value = this.expression();
    return { kind: 'KeyedEntry', key, value, start: key.start, end: Math.max(key.start, value.end) };
  }

  /** Call arguments: assignments or `key => value` pairs (folded into one hash), trailing comma allowed. */
  private callArgs(): A.Expression[] {
    const args: A.Expression[] = [];
    if (!this.statementFirst(TK[this.pos])) return args;
    args.push(this.argument());
    while (TK[this.pos] === COMMA && this.statementFirst(TK[this.pos + 1])) {
      this.pos++;
      args.push(this.argument());
    }
    if (TK[this.pos] === COMMA) this.pos++;
    return groupPairs(args);
  }

  private argument(): A.Expression {
    const key = this.collectionEntry();
    if (TK[this.pos] !== FARROW) return key;
    this.pos++;
    const value = this.collectionEntry();
    return { kind: 'KeyedEntry', key, value, start: key.start, end: Math.max(key.start, value.end) };
  }

  /** An array or hash element: an assignment, or the keywords `type` / `function` as words. */
  private collectionEntry(): A.Expression {
    const k = TK[this.pos];
    if (k === TYPE || k === FUNCTION) {
      const k2 = TK[this.pos + 1];
      if (k2 !== CLASSREF && k2 !== LPAREN) {
        const t = this.next();
        return { kind: 'LiteralString', value: image(t), start: TS[t], end: TE[t] + 1 };
      }
    }
    return this.assignment();
  }

  // ---------------------------------------------------------------- primaries

  private primary(): A.Expression {
    if (this.pos >= this.n) throw GIVE_UP;
    const t = this.pos;
    const s = TS[t];
    const e = Math.max(s, TE[t] + 1);
    // (the commonest kinds first: a case is a comparison with a constant, one after another)
    switch (TK[t]) {
      case VARIABLE: this.pos++; return { kind: 'VariableExpression', name: TV[t] ?? '', start: s, end: e };
      case STRING: this.pos++; return { kind: 'LiteralString', value: TV[t] ?? '', start: s, end: e };
      case NAME: this.pos++; return { kind: 'QualifiedName', value: TV[t] ?? image(t), start: s, end: e };
      case NUMBER: this.pos++; return numberLiteral(t);
      case CLASSREF: this.pos++; return { kind: 'QualifiedReference', value: TV[t] ?? image(t), start: s, end: e };
      case WORD: this.pos++; return { kind: 'LiteralString', value: TV[t] ?? image(t), start: s, end: e };
      case DQPRE: return this.dqString();
      case HEREDOC: return this.heredoc();
      case REGEX: this.pos++; return { kind: 'LiteralRegex', pattern: TV[t] ?? '', start: s, end: e };
      case BOOLEAN: this.pos++; return { kind: 'LiteralBoolean', value: image(t) === 'true', start: s, end: e };
      case UNDEF: this.pos++; return { kind: 'LiteralUndef', start: s, end: e };
      case DEFAULT: this.pos++; return { kind: 'LiteralDefault', start: s, end: e };
      case PRIVATE:
      case ATTR: this.pos++; return { kind: 'ReservedWord', word: image(t), start: s, end: e };
      case LISTSTART:
      case LBRACK: return this.array();
      case LBRACE: return this.hash();
      case LPAREN:
      case WSLPAREN: {
        this.pos++;
        const inner = this.assignment();
        const close = this.expect(RPAREN);
        return { kind: 'ParenthesizedExpression', expr: inner, start: s, end: Math.max(s, TE[close] + 1) };
      }
      case IF: return this.ifExpression();
      case UNLESS: return this.unlessExpression();
      case CASE: return this.caseExpression();
      case CLASS:
        if (TK[this.pos + 1] === LBRACE) {
          this.pos++;
          return { kind: 'QualifiedName', value: 'class', start: s, end: e };
        }
        return this.classDefinition();
      case DEFINE: return this.defineDefinition();
      case NODE: return this.nodeDefinition();
      case FUNCTION: return this.functionDefinition();
      case TYPE:
        if (TK[this.pos + 1] === LPAREN) {
          this.pos++;
          return { kind: 'QualifiedName', value: 'type', start: s, end: e };
        }
        return this.typeDefinitionOrAlias();
      case RENDER_STRING: this.pos++; return { kind: 'RenderStringExpression', value: TV[t] ?? '', start: s, end: e };
      case RENDER_EXPR: {
        this.pos++;
        const inner = this.expression();
        const close = this.next();
        if (close >= this.n || (TK[close] !== EPP_END && TK[close] !== EPP_END_TRIM)) throw GIVE_UP;
        return { kind: 'RenderExpression', expr: inner, start: s, end: Math.max(s, TE[close] + 1) };
      }
      default:
        throw GIVE_UP;
    }
  }

  private dqString(): A.ConcatenatedString {
    const segments: (A.LiteralString | A.TextExpression)[] = [];
    const pre = this.next();
    if (TV[pre]) segments.push(textSegment(pre));
    const first = this.assignment();
    segments.push({ kind: 'TextExpression', expr: first, start: first.start, end: Math.max(first.start, first.end) });
    while (TK[this.pos] === DQMID) {
      const mid = this.next();
      if (TV[mid]) segments.push(textSegment(mid));
      const e = this.assignment();
      segments.push({ kind: 'TextExpression', expr: e, start: e.start, end: Math.max(e.start, e.end) });
    }
    const post = this.expect(DQPOST);
    if (TV[post]) segments.push(textSegment(post));
    const s = TS[pre];
    return { kind: 'ConcatenatedString', segments, start: s, end: Math.max(s, TE[post] + 1) };
  }

  private heredoc(): A.Heredoc {
    const h = this.next();
    let text: A.LiteralString | A.ConcatenatedString;
    const k = TK[this.pos];
    if (k === STRING) {
      const t = this.next();
      text = { kind: 'LiteralString', value: TV[t] ?? '', start: TS[t], end: TE[t] + 1 };
    } else if (k === DQPRE) {
      text = this.dqString();
    } else {
      throw GIVE_UP;
    }
    return { kind: 'Heredoc', syntax: TV[h] ?? '', text, start: TS[h], end: TE[h] + 1 };
  }

  private array(): A.LiteralList {
    const open = this.next();
    const values: A.Expression[] = [];
    if (this.statementFirst(TK[this.pos])) {
      values.push(this.argument());
      while (TK[this.pos] === COMMA && this.statementFirst(TK[this.pos + 1])) {
        this.pos++;
        values.push(this.argument());
      }
      if (TK[this.pos] === COMMA) this.pos++;
    }
    const close = this.expect(RBRACK);
    const s = TS[open];
    return { kind: 'LiteralList', values: groupPairs(values), start: s, end: Math.max(s, TE[close] + 1) };
  }

  private hash(): A.LiteralHash {
    const open = this.next();
    const entries: A.KeyedEntry[] = [];
    if (this.statementFirst(TK[this.pos])) {
      entries.push(this.hashPair());
      while (TK[this.pos] === COMMA && this.statementFirst(TK[this.pos + 1])) {
        this.pos++;
        entries.push(this.hashPair());
      }
      if (TK[this.pos] === COMMA) this.pos++;
    }
    const close = this.expect(RBRACE);
    const s = TS[open];
    return { kind: 'LiteralHash', entries, start: s, end: Math.max(s, TE[close] + 1) };
  }

  private hashPair(): A.KeyedEntry {
    const key = this.collectionEntry();
    this.expect(FARROW);
    const value = this.collectionEntry();
    return { kind: 'KeyedEntry', key, value, start: key.start, end: Math.max(key.start, value.end) };
  }

  // ---------------------------------------------------------------- control flow

  private block(): { body: A.Expression[]; close: Tok } {
    this.expect(LBRACE);
    const body = this.statements();
    const close = this.expect(RBRACE);
    return { body, close };
  }

  /** `if … {} elsif … {} … else {}`: the elsif branches are read in a loop, nested afterwards. */
  private ifExpression(): A.IfExpression {
    const kw = this.next();
    const test = this.expression();
    const then = this.block();
    const branches: { kw: Tok; test: A.Expression; then: { body: A.Expression[]; close: Tok } }[] = [{ kw, test, then }];
    while (TK[this.pos] === ELSIF) {
      const elsif = this.next();
      const t = this.expression();
      const b = this.block();
      branches.push({ kw: elsif, test: t, then: b });
    }
    let otherwise: { body: A.Expression[]; close: Tok } | null = null;
    if (TK[this.pos] === ELSE) {
      this.pos++;
      otherwise = this.block();
    }
    let elseBody: A.Expression[] | null = otherwise ? otherwise.body : null;
    let node!: A.IfExpression;
    for (let i = branches.length - 1; i >= 0; i--) {
      const br = branches[i];
      const s = TS[br.kw];
      const end = i < branches.length - 1 ? node.end : otherwise ? TE[otherwise.close] + 1 : TE[br.then.close] + 1;
      node = { kind: 'IfExpression', test: br.test, then: br.then.body, else: elseBody, start: s, end: Math.max(s, end) };
      elseBody = [node];
    }
    return node;
  }

  private unlessExpression(): A.UnlessExpression {
    const kw = this.next();
    const test = this.expression();
    const then = this.block();
    let elseBody: A.Expression[] | null = null;
    let last: Tok = then.close;
    if (TK[this.pos] === ELSE) {
      this.pos++;
      const b = this.block();
      elseBody = b.body;
      last = b.close;
    }
    const s = TS[kw];
    return { kind: 'UnlessExpression', test, then: then.body, else: elseBody, start: s, end: Math.max(s, TE[last] + 1) };
  }

  private caseExpression(): A.CaseExpression {
    const kw = this.next();
    const test = this.expression();
    this.expect(LBRACE);
    const options: A.CaseOption[] = [];
    if (!this.exprFirst(TK[this.pos])) throw GIVE_UP; // at least one option
    while (this.exprFirst(TK[this.pos])) options.push(this.caseOption());
    const close = this.expect(RBRACE);
    const s = TS[kw];
    return { kind: 'CaseExpression', test, options, start: s, end: Math.max(s, TE[close] + 1) };
  }

  private caseOption(): A.CaseOption {
    const values: A.Expression[] = [this.expression()];
    while (TK[this.pos] === COMMA) {
      this.pos++;
      values.push(this.expression());
    }
    this.expect(COLON);
    const b = this.block();
    const s = values[0].start;
    return { kind: 'CaseOption', values, body: b.body, start: s, end: Math.max(s, TE[b.close] + 1) };
  }

  private lambda(): A.LambdaExpression {
    const open = this.next();
    const parameters = this.parameterList();
    this.expect(PIPE);
    const returnType = this.optReturnType();
    const b = this.block();
    const s = TS[open];
    return { kind: 'LambdaExpression', parameters, body: b.body, returnType, start: s, end: Math.max(s, TE[b.close] + 1) };
  }

  // ---------------------------------------------------------------- definitions

  /** A definition's name; `class` or a quoted string there are problems chevrotain reports. */
  private className(): Tok {
    const k = TK[this.pos];
    if (k !== NAME && k !== WORD && k !== CLASSREF) throw GIVE_UP;
    return this.next();
  }

  private parameterParens(): A.Parameter[] {
    this.pos++; // ( (the caller checked)
    const params = this.parameterList();
    this.expect(RPAREN);
    return params;
  }

  private parameterList(): A.Parameter[] {
    const params: A.Parameter[] = [];
    let k = TK[this.pos];
    if (k === END || PARAMETER_FIRST[k] === 0) return params;
    params.push(this.parameter());
    while (TK[this.pos] === COMMA && (k = TK[this.pos + 1]) !== END && PARAMETER_FIRST[k] === 1) {
      this.pos++;
      params.push(this.parameter());
    }
    if (TK[this.pos] === COMMA) this.pos++;
    return params;
  }

  private parameter(): A.Parameter {
    let typeExpr: A.Expression | null = null;
    let capturesRest = false;
    let first: Loc | undefined;
    if (TK[this.pos] === CLASSREF) {
      typeExpr = this.typeExpression();
      first = typeExpr;
    }
    if (TK[this.pos] === TIMES) {
      const star = this.next();
      capturesRest = true;
      first = first ?? star;
    }
    const v = this.expect(VARIABLE);
    let value: A.Expression | null = null;
    if (TK[this.pos] === EQUALS) {
      this.pos++;
      value = this.expression();
    }
    const s = startOf(first ?? v);
    return { kind: 'Parameter', name: TV[v] ?? '', typeExpr, value, capturesRest, start: s, end: Math.max(s, endOf(value ?? v)) };
  }

  /** `Type` or `Type[args]`, as used for parameter and return types. */
  private typeExpression(): A.Expression {
    const t = this.expect(CLASSREF);
    const s = TS[t];
    const e: A.Expression = { kind: 'QualifiedReference', value: TV[t] ?? image(t), start: s, end: Math.max(s, TE[t] + 1) };
    if (TK[this.pos] !== LBRACK) return e;
    this.pos++;
    const keys = this.accessArgs();
    const close = this.expect(RBRACK);
    return { kind: 'AccessExpression', target: e, keys, start: s, end: Math.max(s, TE[close] + 1) };
  }

  private optReturnType(): A.Expression | null {
    if (TK[this.pos] !== RSHIFT) return null;
    this.pos++;
    return this.typeExpression();
  }

  private optParameters(): A.Parameter[] {
    const k = TK[this.pos];
    return k === LPAREN || k === WSLPAREN ? this.parameterParens() : [];
  }

  private classDefinition(): A.HostClassDefinition {
    const kw = this.next();
    const name = this.className();
    const parameters = this.optParameters();
    let parent: string | null = null;
    if (TK[this.pos] === INHERITS) {
      this.pos++;
      parent = TK[this.pos] === DEFAULT ? image(this.next()) : image(this.className());
    }
    const b = this.block();
    const s = TS[kw];
    return {
      kind: 'HostClassDefinition', name: image(name), nameRange: { start: TS[name], end: Math.max(TS[name], TE[name] + 1) }, parameters, parent,
      body: b.body, start: s, end: Math.max(s, TE[b.close] + 1),
    };
  }

  private defineDefinition(): A.ResourceTypeDefinition {
    const kw = this.next();
    const name = this.className();
    const parameters = this.optParameters();
    const b = this.block();
    const s = TS[kw];
    return {
      kind: 'ResourceTypeDefinition', name: image(name), nameRange: { start: TS[name], end: Math.max(TS[name], TE[name] + 1) }, parameters,
      body: b.body, start: s, end: Math.max(s, TE[b.close] + 1),
    };
  }

  private nodeDefinition(): A.NodeDefinition {
    const kw = this.next();
    const hosts: A.Expression[] = [this.hostname()];
    let k: number;
    while (TK[this.pos] === COMMA && (k = TK[this.pos + 1]) !== END && HOSTNAME_FIRST[k] === 1) {
      this.pos++;
      hosts.push(this.hostname());
    }
    if (TK[this.pos] === COMMA) this.pos++;
    let parent: A.Expression | null = null;
    if (TK[this.pos] === INHERITS) {
      this.pos++;
      parent = this.hostname();
    }
    const b = this.block();
    const s = TS[kw];
    return { kind: 'NodeDefinition', hostMatches: hosts, parent, body: b.body, start: s, end: Math.max(s, TE[b.close] + 1) };
  }

  private hostname(): A.Expression {
    const t = this.pos;
    if (t >= this.n) throw GIVE_UP;
    const s = TS[t];
    switch (TK[t]) {
      case NAME:
      case NUMBER: {
        this.pos++;
        const parts: Tok[] = [t];
        while (TK[this.pos] === DOT) {
          this.pos++;
          const part = this.next();
          if (part >= this.n || (TK[part] !== NAME && TK[part] !== NUMBER)) throw GIVE_UP;
          parts.push(part);
        }
        const last = parts[parts.length - 1];
        return { kind: 'LiteralString', value: parts.map((p) => image(p)).join('.'), start: s, end: Math.max(s, TE[last] + 1) } as A.LiteralString;
      }
      case STRING: this.pos++; return { kind: 'LiteralString', value: TV[t] ?? '', start: s, end: Math.max(s, TE[t] + 1) } as A.LiteralString;
      case DQPRE: return this.dqString();
      case DEFAULT: this.pos++; return { kind: 'LiteralDefault', start: s, end: Math.max(s, TE[t] + 1) } as A.LiteralDefault;
      case REGEX: this.pos++; return { kind: 'LiteralRegex', pattern: TV[t] ?? '', start: s, end: Math.max(s, TE[t] + 1) } as A.LiteralRegex;
      default: throw GIVE_UP;
    }
  }

  private functionDefinition(): A.FunctionDefinition {
    const kw = this.next();
    const name = this.className();
    const parameters = this.optParameters();
    const returnType = this.optReturnType();
    const b = this.block();
    const s = TS[kw];
    return {
      kind: 'FunctionDefinition', name: image(name), nameRange: { start: TS[name], end: Math.max(TS[name], TE[name] + 1) }, parameters, returnType,
      body: b.body, start: s, end: Math.max(s, TE[b.close] + 1),
    };
  }

  /** `type Name = TypeExpr` (an alias) or `type Name [inherits Parent] { … }` (a definition). */
  private typeDefinitionOrAlias(): A.Expression {
    const kw = this.next();
    const s = TS[kw];
    const k2 = TK[this.pos + 1];
    if (TK[this.pos] === CLASSREF && (k2 === INHERITS || k2 === LBRACE)) {
      const name = this.next();
      let parent: string | null = null;
      if (TK[this.pos] === INHERITS) {
        this.pos++;
        parent = image(this.expect(CLASSREF));
      }
      const b = this.block();
      return { kind: 'TypeDefinition', name: image(name), parent, body: b.body, start: s, end: Math.max(s, TE[b.close] + 1) } as A.TypeDefinition;
    }
    const lhs = this.typeExpression();
    this.expect(EQUALS);
    let rhs: A.Expression;
    const k = TK[this.pos];
    if (k === CLASSREF) {
      rhs = this.typeExpression();
      if (TK[this.pos] === LBRACE) {
        const h = this.hash();
        // `Object { … }`: the hash initialises the type
        rhs = { kind: 'AccessExpression', target: rhs, keys: [h], start: rhs.start, end: Math.max(rhs.start, h.end) };
      }
    } else if (k === LBRACE) {
      rhs = this.hash();
    } else if (k === LISTSTART || k === LBRACK) {
      rhs = this.array();
    } else {
      throw GIVE_UP;
    }
    if (lhs.kind !== 'QualifiedReference') throw GIVE_UP;
    return { kind: 'TypeAlias', name: lhs.value, nameRange: { start: lhs.start, end: Math.max(lhs.start, lhs.end) }, typeExpr: rhs, start: s, end: Math.max(s, rhs.end) } as A.TypeAlias;
  }
}

// ---------------------------------------------------------------- helpers (as in parser.ts)

/** Prefix operators (`-`, `*`, `!`) applied to an operand, the innermost last in `ops`. */
function prefixed(ops: Tok[] | null, operand: A.Expression): A.Expression {
  if (!ops) return operand;
  let e = operand;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    const s = TS[op];
    const end = Math.max(s, e.end);
    e = TK[op] === MINUS
      ? { kind: 'UnaryMinusExpression', expr: e, start: s, end }
      : TK[op] === TIMES
        ? { kind: 'UnfoldExpression', expr: e, start: s, end }
        : { kind: 'NotExpression', expr: e, start: s, end };
  }
  return e;
}

function isResourceShape(e: A.Expression): boolean {
  switch (e.kind) {
    case 'QualifiedName':
    case 'QualifiedReference':
      return true;
    case 'AccessExpression':
      return e.target.kind === 'QualifiedReference' || e.target.kind === 'QualifiedName';
    default:
      return false;
  }
}

function isCallable(e: A.Expression): boolean {
  return e.kind === 'QualifiedName' || e.kind === 'QualifiedReference' ||
    (e.kind === 'AccessExpression' && e.target.kind === 'QualifiedReference');
}

function numberLiteral(t: Tok): A.LiteralNumber {
  const text = image(t);
  let radix: 8 | 10 | 16 = 10;
  let value: number;
  let float = false;
  if (RE_HEX.test(text)) {
    radix = 16;
    value = parseInt(text.slice(2), 16);
  } else if (RE_OCTAL.test(text)) {
    radix = 8;
    value = parseInt(text.slice(1), 8);
  } else {
    float = RE_FLOAT.test(text);
    value = Number(text);
  }
  const s = TS[t];
  return { kind: 'LiteralNumber', value, text, radix, float, start: s, end: Math.max(s, TE[t] + 1) };
}

function textSegment(t: Tok): A.LiteralString {
  const s = TS[t];
  return { kind: 'LiteralString', value: TV[t] ?? '', start: s, end: Math.max(s, TE[t] + 1) };
}

/** Consecutive `key => value` arguments form one hash, as in Puppet. */
function groupPairs(args: A.Expression[]): A.Expression[] {
  let pairs = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i].kind === 'KeyedEntry') {
      pairs = true;
      break;
    }
  }
  if (!pairs) return args;
  const out: A.Expression[] = [];
  let open: A.LiteralHash | null = null;
  for (const a of args) {
    if (a.kind === 'KeyedEntry') {
      if (open !== null && out[out.length - 1] === open) {
        open.entries.push(a);
        open.end = a.end;
      } else {
        open = { kind: 'LiteralHash', entries: [a], start: a.start, end: a.end };
        out.push(open);
      }
    } else {
      out.push(a);
    }
  }
  return out;
}
