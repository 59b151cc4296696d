// Token types of the Puppet language. The lexer is hand-written (Puppet's lexing depends on
// context: regex versus division, `[` after whitespace, string interpolation, heredoc bodies on
// the following lines, EPP text), so these token types carry no patterns; they exist for the
// chevrotain parser and for readable error messages.
import { createToken, Lexer, type IToken, type TokenType } from './chevrotain.ts';

const NA = Lexer.NA;

/** A token with the decoded value the lexer computed (string text, number text, heredoc syntax). */
export interface PToken extends IToken {
  value?: string;
}

function t(name: string, label: string, categories?: TokenType[]): TokenType {
  return categories ? createToken({ name, pattern: NA, label, categories }) : createToken({ name, pattern: NA, label });
}

/** Keywords may be used as attribute names (`unless => …`) and, some of them, as hash keys. */
export const Keyword = t('Keyword', 'keyword');
/** The binary operators of expressions (`or` … `in`): one category, so one rule parses them all. */
export const BinaryOperator = t('BinaryOperator', 'an operator');
/** The prefix operators `-`, `*` (splat) and `!`. */
export const PrefixOperator = t('PrefixOperator', "'-', '*' or '!'");
const BIN = [BinaryOperator];

export const LBRACK = t('LBRACK', "'['");
export const LISTSTART = t('LISTSTART', "'['");
export const RBRACK = t('RBRACK', "']'");
export const LBRACE = t('LBRACE', "'{'");
export const SELBRACE = t('SELBRACE', "'{'");
export const RBRACE = t('RBRACE', "'}'");
export const LPAREN = t('LPAREN', "'('");
export const WSLPAREN = t('WSLPAREN', "'('");
export const RPAREN = t('RPAREN', "')'");
export const EQUALS = t('EQUALS', "'='");
export const APPENDS = t('APPENDS', "'+='");
export const DELETES = t('DELETES', "'-='");
export const ISEQUAL = t('ISEQUAL', "'=='", BIN);
export const NOTEQUAL = t('NOTEQUAL', "'!='", BIN);
export const MATCH = t('MATCH', "'=~'", BIN);
export const NOMATCH = t('NOMATCH', "'!~'", BIN);
export const GREATEREQUAL = t('GREATEREQUAL', "'>='", BIN);
export const GREATERTHAN = t('GREATERTHAN', "'>'", BIN);
export const LESSEQUAL = t('LESSEQUAL', "'<='", BIN);
export const LESSTHAN = t('LESSTHAN', "'<'", BIN);
export const FARROW = t('FARROW', "'=>'");
export const PARROW = t('PARROW', "'+>'");
export const LSHIFT = t('LSHIFT', "'<<'", BIN);
export const LLCOLLECT = t('LLCOLLECT', "'<<|'");
export const LCOLLECT = t('LCOLLECT', "'<|'");
export const RSHIFT = t('RSHIFT', "'>>'", BIN);
export const RRCOLLECT = t('RRCOLLECT', "'|>>'");
export const RCOLLECT = t('RCOLLECT', "'|>'");
export const PLUS = t('PLUS', "'+'", BIN);
export const MINUS = t('MINUS', "'-'", [BinaryOperator, PrefixOperator]);
export const DIV = t('DIV', "'/'", BIN);
export const TIMES = t('TIMES', "'*'", [BinaryOperator, PrefixOperator]);
export const MODULO = t('MODULO', "'%'", BIN);
export const NOT = t('NOT', "'!'", [PrefixOperator]);
export const DOT = t('DOT', "'.'");
export const PIPE = t('PIPE', "'|'");
export const AT = t('AT', "'@'");
export const ATAT = t('ATAT', "'@@'");
export const COLON = t('COLON', "':'");
export const COMMA = t('COMMA', "','");
export const SEMIC = t('SEMIC', "';'");
export const QMARK = t('QMARK', "'?'");
export const TILDE = t('TILDE', "'~'");
export const IN_EDGE = t('IN_EDGE', "'->'");
export const IN_EDGE_SUB = t('IN_EDGE_SUB', "'~>'");
export const OUT_EDGE = t('OUT_EDGE', "'<-'");
export const OUT_EDGE_SUB = t('OUT_EDGE_SUB', "'<~'");

export const STRING = t('STRING', 'a quoted string');
export const WORD = t('WORD', 'a bare word');
export const DQPRE = t('DQPRE', 'a double-quoted string');
export const DQMID = t('DQMID', 'the middle of a double-quoted string');
export const DQPOST = t('DQPOST', 'the end of a double-quoted string');
export const NUMBER = t('NUMBER', 'a number');
export const VARIABLE = t('VARIABLE', 'a variable');
export const REGEX = t('REGEX', 'a regular expression');
export const HEREDOC = t('HEREDOC', 'a heredoc');
export const NAME = t('NAME', 'a name');
export const CLASSREF = t('CLASSREF', 'a type name');
export const OTHER = t('OTHER', 'an unknown character');

export const EPP_START = t('EPP_START', 'start of template');
export const EPP_END = t('EPP_END', "'%>'");
export const EPP_END_TRIM = t('EPP_END_TRIM', "'-%>'");
export const RENDER_STRING = t('RENDER_STRING', 'template text');
export const RENDER_EXPR = t('RENDER_EXPR', "'<%='");

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
export const BOOLEAN = t('BOOLEAN', "'true' or 'false'");
export const IN = t('IN', "'in'", [Keyword, BinaryOperator]);
export const UNLESS = t('UNLESS', "'unless'", [Keyword]);
export const FUNCTION = t('FUNCTION', "'function'", [Keyword]);
export const TYPE = t('TYPE', "'type'", [Keyword]);
export const ATTR = t('ATTR', "'attr'", [Keyword]);
export const PRIVATE = t('PRIVATE', "'private'", [Keyword]);

export const KEYWORDS: Record<string, TokenType> = {
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

export const allTokens: TokenType[] = [
  Keyword, BinaryOperator, PrefixOperator, LBRACK, LISTSTART, RBRACK, LBRACE, SELBRACE, RBRACE, LPAREN, WSLPAREN, RPAREN, EQUALS,
  APPENDS, DELETES, ISEQUAL, NOTEQUAL, MATCH, NOMATCH, GREATEREQUAL, GREATERTHAN, LESSEQUAL,
  LESSTHAN, FARROW, PARROW, LSHIFT, LLCOLLECT, LCOLLECT, RSHIFT, RRCOLLECT, RCOLLECT, PLUS, MINUS,
  DIV, TIMES, MODULO, NOT, DOT, PIPE, AT, ATAT, COLON, COMMA, SEMIC, QMARK, TILDE, IN_EDGE,
  IN_EDGE_SUB, OUT_EDGE, OUT_EDGE_SUB, STRING, WORD, DQPRE, DQMID, DQPOST, NUMBER, VARIABLE, REGEX,
  HEREDOC, NAME, CLASSREF, OTHER, EPP_START, EPP_END, EPP_END_TRIM, RENDER_STRING, RENDER_EXPR,
  CASE, CLASS, DEFAULT, DEFINE, IF, ELSIF, ELSE, INHERITS, NODE, AND, OR, UNDEF, BOOLEAN, IN,
  UNLESS, FUNCTION, TYPE, ATTR, PRIVATE,
];

/**
 * How tightly each binary operator binds, by token type index (Puppet's grammar, loosest first):
 * or, and, ? (the selector), < <= > >=, ==, !=, << >>, + -, * / %, =~ !~, in. All are left associative.
 */
export const PRECEDENCE: number[] = [];
[[OR], [AND], [QMARK], [LESSTHAN, LESSEQUAL, GREATERTHAN, GREATEREQUAL], [ISEQUAL, NOTEQUAL], [LSHIFT, RSHIFT],
  [PLUS, MINUS], [TIMES, DIV, MODULO], [MATCH, NOMATCH], [IN]].forEach((level, i) => {
  for (const tok of level) PRECEDENCE[tok.tokenTypeIdx!] = i + 1;
});
