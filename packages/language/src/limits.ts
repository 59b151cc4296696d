// What both parsers (the fast one, fast-parser.ts, and chevrotain's, parser.ts) share of the
// grammar's rules, in a module of its own so that neither the lexer nor the fast parser loads
// chevrotain to know them.
import type * as A from './ast.ts';
import { PRECEDENCE, QMARK } from './tokens.ts';

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

/** The range from a's start to b's end; after chevrotain's error recovery a part may be missing. */
function between(a: A.Range | undefined, b: A.Range | undefined): A.Range {
  const start = (a ?? b)?.start ?? 0;
  return { start, end: Math.max(start, (b ?? a)?.end ?? 0) };
}

/**
 * `a op b op c …` as Puppet's grammar groups it: tighter operators first, left to right within
 * a level (operator precedence parsing with an explicit stack, so no recursion). `ops[i]` stands
 * between `operands[i]` and `operands[i + 1]`, its `kind` a token kind of tokens.ts; after a `?`
 * the operand is a selector, which applies at once to what its level has gathered on its left.
 */
export function foldBinary(operands: A.Expression[], ops: readonly { kind?: number; image: string }[]): A.Expression {
  const values: A.Expression[] = [operands[0]];
  const pending: { kind?: number; image: string }[] = [];
  const reduce = () => {
    const right = values.pop()!;
    const left = values.pop()!;
    const op = pending.pop()!;
    values.push({ kind: 'BinaryExpression', operator: op.image as A.BinaryOperator, left, right, ...between(left, right) });
  };
  for (let i = 0; i < ops.length; i++) {
    const level = PRECEDENCE[ops[i].kind!];
    while (pending.length > 0 && PRECEDENCE[pending[pending.length - 1].kind!] >= level) reduce();
    if (ops[i].kind === QMARK.idx) {
      const sel = operands[i + 1] as A.SelectorExpression;
      const left = values.pop()!;
      values.push({ ...sel, left, ...between(left, sel) });
      continue;
    }
    pending.push(ops[i]);
    values.push(operands[i + 1]);
  }
  while (pending.length > 0) reduce();
  return values[0];
}
