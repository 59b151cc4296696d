// What both parsers (the fast one, fast-parser.ts, and chevrotain's, parser.ts) share of the
// grammar's rules, in a module of its own so that neither the lexer nor the fast parser loads
// chevrotain to know them.

/** Functions that may be called without parentheses as statements (`include foo, bar`). */
export const STATEMENT_CALLS = new Set([
  'require', 'realize', 'include', 'contain', 'tag', 'debug', 'info', 'notice', 'warning', 'err',
  'fail', 'import', 'break', 'next', 'return',
]);

/**
 * How deeply expressions may nest: a statement is at level 1, and each bracket, brace,
 * parenthesis, block, call's arguments, selector or interpolation around an expression adds a
 * level. Parsing recurses once per level (about 7 KB of stack per level before the JIT compiles
 * the parser), and so do the stages after it; at 50 a parse stays within 600 KB, well inside
 * Node's default 984 KB, and real code never comes near (Debian's 93 module packages nest at
 * most 11 deep). Long chains are not nesting: they are read in loops.
 */
export const MAX_NESTING = 50;
