// What the validator knows of expressions without evaluating them: Puppet's names for them (as
// its messages use them), whether one has no effect ("idem"), and the value of a literal.
import type * as A from './ast.ts';

/** Puppet's names for expressions, as they appear in its messages. */
export function label(n: A.Node): string {
  switch (n.kind) {
    case 'LiteralNumber': return n.float ? 'Literal Float' : 'Literal Integer';
    case 'BinaryExpression': return `'${n.operator}' expression`;
    case 'AccessExpression': return "'[]' expression";
    case 'CollectExpression': return n.query.kind === 'ExportedQuery' ? 'Exported Query' : 'Virtual Query';
    case 'AssignmentExpression': return `'${n.operator}' expression`;
    case 'AttributeOperation': return `'${n.operator}' expression`;
    case 'LiteralList': return 'Array Expression';
    case 'LiteralHash': return 'Hash Expression';
    case 'KeyedEntry': return 'Hash Entry';
    case 'LiteralBoolean': return 'Boolean';
    case 'LiteralString': return 'String';
    case 'LambdaExpression': return 'Lambda';
    case 'LiteralDefault': return "'default' expression";
    case 'LiteralUndef': return "'undef' expression";
    case 'LiteralRegex': return 'Regular Expression';
    case 'NamedAccessExpression': return "'.' expression";
    case 'NotExpression': return "'not' expression";
    case 'VariableExpression': return 'Variable';
    case 'TextExpression': return 'Expression in Interpolated String';
    case 'UnaryMinusExpression': return 'Unary Minus';
    case 'UnfoldExpression': return 'Unfold';
    case 'ConcatenatedString': return 'Double Quoted String';
    case 'Heredoc': return `'@(${n.syntax})' expression`;
    case 'HostClassDefinition': return 'Host Class Definition';
    case 'FunctionDefinition': return 'Function Definition';
    case 'NodeDefinition': return 'Node Definition';
    case 'ResourceTypeDefinition': return "'define' expression";
    case 'ResourceOverrideExpression': return 'Resource Override';
    case 'Parameter': return 'Parameter Definition';
    case 'ParenthesizedExpression': return 'Parenthesized Expression';
    case 'IfExpression': return "'if' statement";
    case 'UnlessExpression': return "'unless' Statement";
    case 'CallNamedFunctionExpression': return 'Function Call';
    case 'CallMethodExpression': return 'Method call';
    case 'CaseExpression': return "'case' statement";
    case 'CaseOption': return 'Case Option';
    case 'RenderStringExpression': return 'Epp Text';
    case 'RenderExpression': return 'Epp Interpolated Expression';
    case 'RelationshipExpression': return `'${n.operator}' expression`;
    case 'ResourceBody': return 'Resource Instance Definition';
    case 'ResourceDefaultsExpression': return 'Resource Defaults Expression';
    case 'ResourceExpression': return 'Resource Statement';
    case 'SelectorExpression': return 'Selector Expression';
    case 'SelectorEntry': return 'Selector Option';
    case 'QualifiedName': return 'Name';
    case 'QualifiedReference': return 'Type-Name';
    case 'ReservedWord': return `Reserved Word '${n.word}'`;
    case 'TypeAlias': return 'Type Alias';
    case 'TypeDefinition': return 'Type Definition';
    case 'Program': return 'Program';
    default: return n.kind;
  }
}

function article(text: string, upper: boolean): string {
  const a = /^[aeiouAEIOU]/.test(text.replace(/^'/, '')) ? 'an' : 'a';
  return `${upper ? a[0].toUpperCase() + a.slice(1) : a} ${text}`;
}
export const aAn = (n: A.Node) => article(label(n), false);
export const aAnUc = (n: A.Node) => article(label(n), true);

/**
 * "idem": the expression is known to change nothing when evaluated, so a value it produces and
 * nobody uses is a mistake (usually a missing comma or a misspelt keyword).
 */
export function idem(n: A.Expression | null | undefined): boolean {
  // All of the parts must be idem: a work list instead of recursion, as elsif chains can be long.
  const pending: (A.Expression | null | undefined)[] = [n];
  while (pending.length > 0) {
    const e = pending.pop();
    if (!e) continue;
    switch (e.kind) {
      case 'LiteralString': case 'LiteralNumber': case 'LiteralBoolean': case 'LiteralUndef':
      case 'LiteralDefault': case 'LiteralRegex': case 'QualifiedName': case 'QualifiedReference':
      case 'ReservedWord': case 'LiteralList': case 'LiteralHash': case 'AccessExpression':
      case 'NotExpression': case 'UnaryMinusExpression': case 'UnfoldExpression': case 'VariableExpression':
      case 'TextExpression': case 'ConcatenatedString': case 'Heredoc': case 'SelectorExpression':
        break;
      case 'BinaryExpression':
        if (e.operator === '=~' || e.operator === '!~') return false; // a match sets $0…$n
        break;
      case 'ParenthesizedExpression':
        pending.push(e.expr);
        break;
      case 'IfExpression': case 'UnlessExpression':
        pending.push(e.test);
        for (const s of e.then) pending.push(s);
        for (const s of e.else ?? []) pending.push(s);
        break;
      case 'CaseExpression':
        pending.push(e.test);
        for (const o of e.options) {
          for (const v of o.values) pending.push(v);
          for (const s of o.body) pending.push(s);
        }
        break;
      default:
        return false;
    }
  }
  return true;
}
export const idemBlock = (body: A.Expression[]) => body.every(idem);

/** The value of an expression that is a literal, or NOT_LITERAL (Puppet's literal evaluator). */
export const NOT_LITERAL = Symbol('not literal');
export function literal(n: A.Expression): unknown {
  switch (n.kind) {
    case 'LiteralString': return n.value;
    case 'QualifiedName': case 'QualifiedReference': return n.value;
    case 'LiteralNumber': return n.text;
    case 'LiteralBoolean': return n.value;
    case 'LiteralUndef': return null;
    case 'LiteralDefault': return 'default';
    case 'LiteralRegex': return `/${n.pattern}/`;
    case 'ConcatenatedString':
      return n.segments.length === 1 && n.segments[0].kind === 'LiteralString' ? n.segments[0].value : NOT_LITERAL;
    case 'UnaryMinusExpression': {
      let minus = '';
      let e: A.Expression = n;
      for (; e.kind === 'UnaryMinusExpression'; e = e.expr) minus += '-';
      const v = literal(e);
      return v === NOT_LITERAL ? v : `${minus}${String(v)}`;
    }
    case 'AccessExpression': {
      if (n.keys.length === 1 && n.keys[0].kind === 'LiteralList') return NOT_LITERAL;
      const keys = n.keys.map(literal);
      return keys.includes(NOT_LITERAL) ? NOT_LITERAL : keys;
    }
    case 'LiteralList': {
      const values = n.values.map(literal);
      return values.includes(NOT_LITERAL) ? NOT_LITERAL : values;
    }
    case 'LiteralHash': {
      for (const e of n.entries) if (literal(e.key) === NOT_LITERAL || literal(e.value) === NOT_LITERAL) return NOT_LITERAL;
      return n.entries;
    }
    default: return NOT_LITERAL;
  }
}
