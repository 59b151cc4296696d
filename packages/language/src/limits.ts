// What both parsers (the fast one, fast-parser.ts, and chevrotain's, parser.ts) share of the
// grammar's rules, in a module of its own so that neither the lexer nor the fast parser loads
// chevrotain to know them.
import type * as A from './ast.ts';

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

/**
 * `Type { attributes }` without a title, by what stands before the brace: resource defaults (a
 * type reference), an override (an access or a collector), or a call (`notice { a => 1 }` is
 * notice({ 'a' => 1 }) when the name may be called without parentheses and every attribute is
 * `name => value`: Puppet's reading). Undefined where it is a resource missing its title, which
 * each parser handles its own way. `span` is the whole expression's, `hashSpan` brace to brace.
 */
export function untitledResource(typeExpr: A.Expression, ops: A.AttributeOp[], span: A.Range, hashSpan: A.Range): A.Expression | undefined {
  switch (typeExpr.kind) {
    case 'QualifiedReference':
      return { kind: 'ResourceDefaultsExpression', form: 'regular', typeRef: typeExpr, operations: ops, ...span };
    case 'AccessExpression':
    case 'CollectExpression':
      return { kind: 'ResourceOverrideExpression', form: 'regular', resources: typeExpr, operations: ops, ...span };
    case 'QualifiedName':
      if (STATEMENT_CALLS.has(typeExpr.value) && ops.every((o) => o.kind === 'AttributeOperation' && o.operator === '=>')) {
        const entries = (ops as A.AttributeOperation[]).map((o): A.KeyedEntry => ({
          kind: 'KeyedEntry', key: { kind: 'LiteralString', value: o.name, start: o.start, end: o.start + o.name.length }, value: o.value, start: o.start, end: o.end,
        }));
        const hash: A.LiteralHash = { kind: 'LiteralHash', entries, ...hashSpan };
        return { kind: 'CallNamedFunctionExpression', functor: typeExpr, args: [hash], lambda: null, parenthesized: false, ...span };
      }
      return undefined;
    default:
      return undefined;
  }
}
