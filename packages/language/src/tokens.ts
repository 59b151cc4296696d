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
 * A token: its kind, text and place, and the decoded value the lexer computed (string text, number
 * text, heredoc syntax). Only what the fast parser reads, as few fields as can be: the tokens of a
 * file live until its tree is built and every young-generation collection copies them. Line and
 * column, and chevrotain's token type, are added when the tokens are handed to chevrotain
 * (chevrotain-tokens.ts).
 */
export interface PToken {
  /** The kind's number (TokenKind.idx), whoever holds the token. */
  kind: number;
  image: string;
  startOffset: number;
  endOffset: number;
  value: string | undefined;
}

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
