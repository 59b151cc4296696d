// Token kinds of the Puppet language. The lexer is hand-written (Puppet's lexing depends on
// context: regex versus division, `[` after whitespace, string interpolation, heredoc bodies on
// the following lines, EPP text), so these kinds carry no patterns. They are plain data, not
// chevrotain token types: the fast parser (fast-parser.ts) reads them without chevrotain, and
// chevrotain-tokens.ts makes chevrotain's token types from them when a file needs the
// chevrotain parser (files with syntax errors), so a valid file never loads chevrotain.

/** A kind of token: its name, the words error messages use for it, and its number (`idx`). */
export interface TokenKind {
  readonly name: string;
  readonly LABEL: string;
  /** The kind's number: `PToken.kind`, and the index into the tables below. */
  readonly idx: number;
  /** The categories it belongs to (Keyword, BinaryOperator, PrefixOperator). */
  readonly categories: readonly TokenKind[];
}

/**
 * A token as an object: its kind, text and place, and the decoded value the lexer computed (string
 * text, number text, heredoc syntax). The lexer keeps tokens in a TokenList (below), which the fast
 * parser reads; these objects are made from it only for chevrotain (files with syntax errors), where
 * line and column and chevrotain's token type are added (chevrotain-tokens.ts), and for tests.
 */
export interface PToken {
  /** The kind's number (TokenKind.idx), whoever holds the token. */
  kind: number;
  image: string;
  startOffset: number;
  endOffset: number;
  value: string | undefined;
}

/**
 * A file's tokens, one column per field (struct of arrays), not one object per token: a token is
 * an index. The kinds, offsets and flags are typed arrays (outside V8's heap, never copied by a
 * collection); one array of strings holds each token's decoded value (string text, a variable's
 * name, a heredoc's syntax; a name's value is its text), or, for a token without a value (an
 * operator, whose text is its kind's shared string), its text. Another token's text is sliced
 * from the file's text when asked for (`image`): the fast parser never asks for most of them.
 * The tokens of a big file live until its tree is built, and as objects (nine fields, then five)
 * every young-generation collection copied them (docs/performance.md, parser section).
 *
 * A list that is done with (`release`, once its file's tree is built) gives its typed columns to
 * the next list made: allocating typed arrays for every file costs more than a small file's
 * tokens do.
 */
export class TokenList {
  length = 0;
  kinds: Uint8Array;
  starts: Int32Array;
  /** Chevrotain's endOffset: the offset of the last character (the start for an empty token). */
  ends: Int32Array;
  /** TokenList.EMPTY, TokenList.NO_VALUE. */
  flags: Uint8Array;
  /** The value, or with NO_VALUE the text. */
  strings: (string | undefined)[] = [];
  readonly text: string;
  /** A token of no characters (its text is ''). */
  static readonly EMPTY = 1;
  /** A token without a value: `strings` holds its text. */
  static readonly NO_VALUE = 2;

  constructor(text: string) {
    this.text = text;
    const s = spare;
    if (s !== null) {
      spare = null;
      this.kinds = s.kinds;
      this.starts = s.starts;
      this.ends = s.ends;
      this.flags = s.flags;
    } else {
      const capacity = (text.length >> 3) + 64;
      this.kinds = new Uint8Array(capacity);
      this.starts = new Int32Array(capacity);
      this.ends = new Int32Array(capacity);
      this.flags = new Uint8Array(capacity);
    }
  }

  /** Room for more tokens (the lexer writes them into the columns itself: Scanner.emit in lexer.ts). */
  grow(): void {
    const n = this.kinds.length * 2 + 64;
    const kinds = new Uint8Array(n);
    kinds.set(this.kinds);
    const starts = new Int32Array(n);
    starts.set(this.starts);
    const ends = new Int32Array(n);
    ends.set(this.ends);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }

  /** The token's value (undefined for an operator and other tokens without one). */
  value(i: number): string | undefined {
    return (this.flags[i] & TokenList.NO_VALUE) !== 0 ? undefined : this.strings[i];
  }

  /** The token's text. */
  image(i: number): string {
    const f = this.flags[i];
    if ((f & TokenList.EMPTY) !== 0) return '';
    const s = this.strings[i]!;
    if ((f & TokenList.NO_VALUE) !== 0) return s;
    const start = this.starts[i];
    const end = this.ends[i] + 1;
    // a value that is the token's own text (a name, a word) is its text too: one string
    return s.length === end - start && this.text.startsWith(s, start) ? s : this.text.slice(start, end);
  }

  /** Done with: the typed columns go to the next list made, and this one is left empty. */
  release(): void {
    if (this.kinds.length === 0) return;
    spare = { kinds: this.kinds, starts: this.starts, ends: this.ends, flags: this.flags };
    this.length = 0;
    this.kinds = new Uint8Array(0);
    this.starts = new Int32Array(0);
    this.ends = new Int32Array(0);
    this.flags = new Uint8Array(0);
    this.strings = [];
  }

  /** The tokens as objects (for chevrotain, which files with errors go to, and for tests). */
  toObjects(): PToken[] {
    const out: PToken[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) {
      out[i] = { kind: this.kinds[i], image: this.image(i), startOffset: this.starts[i], endOffset: this.ends[i], value: this.value(i) };
    }
    return out;
  }
}

/** The columns of the list released last, for the next one. */
let spare: Pick<TokenList, 'kinds' | 'starts' | 'ends' | 'flags'> | null = null;

export const allTokens: TokenKind[] = [];

function t(name: string, LABEL: string, categories: TokenKind[]): TokenKind {
  const kind: TokenKind = { name, LABEL, idx: allTokens.length, categories };
  allTokens.push(kind);
  return kind;
}

/** Keywords may be used as attribute names (`unless => …`) and, some of them, as hash keys. */
export const Keyword = t('Keyword', 'keyword', []);
/** The binary operators of expressions (`or` … `in`): one category, so one rule parses them all. */
export const BinaryOperator = t('BinaryOperator', 'an operator', []);
/** The prefix operators `-`, `*` (splat) and `!`. */
export const PrefixOperator = t('PrefixOperator', "'-', '*' or '!'", []);
export const LBRACK = t('LBRACK', "'['", []);
export const LISTSTART = t('LISTSTART', "'['", []);
export const RBRACK = t('RBRACK', "']'", []);
export const LBRACE = t('LBRACE', "'{'", []);
export const SELBRACE = t('SELBRACE', "'{'", []);
export const RBRACE = t('RBRACE', "'}'", []);
export const LPAREN = t('LPAREN', "'('", []);
export const WSLPAREN = t('WSLPAREN', "'('", []);
export const RPAREN = t('RPAREN', "')'", []);
export const EQUALS = t('EQUALS', "'='", []);
export const APPENDS = t('APPENDS', "'+='", []);
export const DELETES = t('DELETES', "'-='", []);
export const ISEQUAL = t('ISEQUAL', "'=='", [BinaryOperator]);
export const NOTEQUAL = t('NOTEQUAL', "'!='", [BinaryOperator]);
export const MATCH = t('MATCH', "'=~'", [BinaryOperator]);
export const NOMATCH = t('NOMATCH', "'!~'", [BinaryOperator]);
export const GREATEREQUAL = t('GREATEREQUAL', "'>='", [BinaryOperator]);
export const GREATERTHAN = t('GREATERTHAN', "'>'", [BinaryOperator]);
export const LESSEQUAL = t('LESSEQUAL', "'<='", [BinaryOperator]);
export const LESSTHAN = t('LESSTHAN', "'<'", [BinaryOperator]);
export const FARROW = t('FARROW', "'=>'", []);
export const PARROW = t('PARROW', "'+>'", []);
export const LSHIFT = t('LSHIFT', "'<<'", [BinaryOperator]);
export const LLCOLLECT = t('LLCOLLECT', "'<<|'", []);
export const LCOLLECT = t('LCOLLECT', "'<|'", []);
export const RSHIFT = t('RSHIFT', "'>>'", [BinaryOperator]);
export const RRCOLLECT = t('RRCOLLECT', "'|>>'", []);
export const RCOLLECT = t('RCOLLECT', "'|>'", []);
export const PLUS = t('PLUS', "'+'", [BinaryOperator]);
export const MINUS = t('MINUS', "'-'", [BinaryOperator, PrefixOperator]);
export const DIV = t('DIV', "'/'", [BinaryOperator]);
export const TIMES = t('TIMES', "'*'", [BinaryOperator, PrefixOperator]);
export const MODULO = t('MODULO', "'%'", [BinaryOperator]);
export const NOT = t('NOT', "'!'", [PrefixOperator]);
export const DOT = t('DOT', "'.'", []);
export const PIPE = t('PIPE', "'|'", []);
export const AT = t('AT', "'@'", []);
export const ATAT = t('ATAT', "'@@'", []);
export const COLON = t('COLON', "':'", []);
export const COMMA = t('COMMA', "','", []);
export const SEMIC = t('SEMIC', "';'", []);
export const QMARK = t('QMARK', "'?'", []);
export const TILDE = t('TILDE', "'~'", []);
export const IN_EDGE = t('IN_EDGE', "'->'", []);
export const IN_EDGE_SUB = t('IN_EDGE_SUB', "'~>'", []);
export const OUT_EDGE = t('OUT_EDGE', "'<-'", []);
export const OUT_EDGE_SUB = t('OUT_EDGE_SUB', "'<~'", []);
export const STRING = t('STRING', 'a quoted string', []);
export const WORD = t('WORD', 'a bare word', []);
export const DQPRE = t('DQPRE', 'a double-quoted string', []);
export const DQMID = t('DQMID', 'the middle of a double-quoted string', []);
export const DQPOST = t('DQPOST', 'the end of a double-quoted string', []);
export const NUMBER = t('NUMBER', 'a number', []);
export const VARIABLE = t('VARIABLE', 'a variable', []);
export const REGEX = t('REGEX', 'a regular expression', []);
export const HEREDOC = t('HEREDOC', 'a heredoc', []);
export const NAME = t('NAME', 'a name', []);
export const CLASSREF = t('CLASSREF', 'a type name', []);
export const OTHER = t('OTHER', 'an unknown character', []);
export const EPP_START = t('EPP_START', 'start of template', []);
export const EPP_END = t('EPP_END', "'%>'", []);
export const EPP_END_TRIM = t('EPP_END_TRIM', "'-%>'", []);
export const RENDER_STRING = t('RENDER_STRING', 'template text', []);
export const RENDER_EXPR = t('RENDER_EXPR', "'<%='", []);
export const CASE = t('CASE', "'case'", [Keyword]);
export const CLASS = t('CLASS', "'class'", [Keyword]);
export const DEFAULT = t('DEFAULT', "'default'", [Keyword]);
export const DEFINE = t('DEFINE', "'define'", [Keyword]);
export const IF = t('IF', "'if'", [Keyword]);
export const ELSIF = t('ELSIF', "'elsif'", [Keyword]);
export const ELSE = t('ELSE', "'else'", [Keyword]);
export const INHERITS = t('INHERITS', "'inherits'", [Keyword]);
export const NODE = t('NODE', "'node'", [Keyword]);
export const AND = t('AND', "'and'", [Keyword, BinaryOperator]);
export const OR = t('OR', "'or'", [Keyword, BinaryOperator]);
export const UNDEF = t('UNDEF', "'undef'", [Keyword]);
export const BOOLEAN = t('BOOLEAN', "'true' or 'false'", []);
export const IN = t('IN', "'in'", [Keyword, BinaryOperator]);
export const UNLESS = t('UNLESS', "'unless'", [Keyword]);
export const FUNCTION = t('FUNCTION', "'function'", [Keyword]);
export const TYPE = t('TYPE', "'type'", [Keyword]);
export const ATTR = t('ATTR', "'attr'", [Keyword]);
export const PRIVATE = t('PRIVATE', "'private'", [Keyword]);

export const KEYWORDS: Record<string, TokenKind> = {
  case: CASE,
  class: CLASS,
  default: DEFAULT,
  define: DEFINE,
  if: IF,
  elsif: ELSIF,
  else: ELSE,
  inherits: INHERITS,
  node: NODE,
  and: AND,
  or: OR,
  undef: UNDEF,
  false: BOOLEAN,
  true: BOOLEAN,
  in: IN,
  unless: UNLESS,
  function: FUNCTION,
  type: TYPE,
  attr: ATTR,
  private: PRIVATE,
};

/**
 * How tightly each binary operator binds, by kind (PToken.kind) (Puppet's grammar, loosest first):
 * or, and, ? (the selector), < <= > >=, ==, !=, << >>, + -, * / %, =~ !~, in. All are left associative.
 */
export const PRECEDENCE: number[] = [];
[[OR], [AND], [QMARK], [LESSTHAN, LESSEQUAL, GREATERTHAN, GREATEREQUAL], [ISEQUAL, NOTEQUAL], [LSHIFT, RSHIFT],
  [PLUS, MINUS], [TIMES, DIV, MODULO], [MATCH, NOMATCH], [IN]].forEach((level, i) => {
  for (const tok of level) PRECEDENCE[tok.idx] = i + 1;
});

/** Whether a token of kind `kind` belongs to the category `category` (or is of that kind). */
export function isA(kind: number, category: TokenKind): boolean {
  return kind === category.idx || allTokens[kind].categories.includes(category);
}
