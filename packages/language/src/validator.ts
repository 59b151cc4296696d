// Checks Puppet applies after parsing (its validator, checker4_0): what the grammar accepts but
// the language forbids. Messages follow Puppet's wording so users can search for them.
// Rules that need to know the environment (a definition's file matching its name inside a
// module) belong to the loader, not here.
import type * as A from './ast.ts';
import type { DiagnosticCode, Severity } from './diagnostics.ts';
import type { SourceKind } from './lexer.ts';

export interface ValidationProblem {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  start: number;
  end: number;
}

// Name rules (Puppet's Patterns).
const CLASSREF_DECL = /^[a-z]\w*(?:::[a-z]\w*)*$/;
const CLASSREF_EXT_DECL = /^[A-Z]\w*(?:::[A-Z]\w*)*$/;
const CLASSREF_EXT = /^(?:(?:::)?[A-Z]\w*)+$/;
const VAR_NAME = /^(?:::)?(?:[a-z]\w*::)*[a-z_]\w*$/;
const NUMERIC_VAR_NAME = /^(?:0|[1-9][0-9]*)$/;
const PARAM_NAME = /^[a-z_]\w*$/;
const ILLEGAL_HOSTNAME_CHARS = /[^-\w.]/;

/** Type names Puppet defines itself: no class, define or function may take them. */
const RESERVED_TYPE_NAMES = new Set([
  'type', 'any', 'unit', 'scalar', 'boolean', 'numeric', 'integer', 'float', 'collection', 'array',
  'hash', 'tuple', 'struct', 'variant', 'optional', 'enum', 'regexp', 'pattern', 'runtime', 'init',
  'object', 'sensitive', 'semver', 'semverrange', 'string', 'timestamp', 'timespan', 'typeset',
]);
const RESERVED_PARAMETERS = new Set(['name', 'title']);
const MAX_INTEGER = 0x7fffffffffffffffn;
const MIN_INTEGER = -0x8000000000000000n;

/** Puppet's names for expressions, as they appear in its messages. */
function label(n: A.Node): string {
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
const aAn = (n: A.Node) => article(label(n), false);
const aAnUc = (n: A.Node) => article(label(n), true);

/**
 * "idem": the expression is known to change nothing when evaluated, so a value it produces and
 * nobody uses is a mistake (usually a missing comma or a misspelt keyword).
 */
function idem(n: A.Expression | null | undefined): boolean {
  if (!n) return true;
  switch (n.kind) {
    case 'LiteralString': case 'LiteralNumber': case 'LiteralBoolean': case 'LiteralUndef':
    case 'LiteralDefault': case 'LiteralRegex': case 'QualifiedName': case 'QualifiedReference':
    case 'ReservedWord': case 'LiteralList': case 'LiteralHash': case 'AccessExpression':
    case 'NotExpression': case 'UnaryMinusExpression': case 'UnfoldExpression': case 'VariableExpression':
    case 'TextExpression': case 'ConcatenatedString': case 'Heredoc': case 'SelectorExpression':
      return true;
    case 'BinaryExpression':
      return n.operator !== '=~' && n.operator !== '!~'; // a match sets $0…$n
    case 'ParenthesizedExpression':
      return idem(n.expr);
    case 'IfExpression': case 'UnlessExpression':
      return idem(n.test) && idemBlock(n.then) && idemBlock(n.else ?? []);
    case 'CaseExpression':
      return idem(n.test) && n.options.every((o) => o.values.every(idem) && idemBlock(o.body));
    default:
      return false;
  }
}
const idemBlock = (body: A.Expression[]) => body.every(idem);

/** The value of an expression that is a literal, or NOT_LITERAL (Puppet's literal evaluator). */
const NOT_LITERAL = Symbol('not literal');
function literal(n: A.Expression): unknown {
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
      const v = literal(n.expr);
      return v === NOT_LITERAL ? v : `-${String(v)}`;
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

class Checker {
  readonly problems: ValidationProblem[] = [];
  /** Ancestors of the node being checked, nearest last. */
  private readonly path: A.Node[] = [];

  report(code: DiagnosticCode, node: A.Range, message: string, severity: Severity = 'error'): void {
    this.problems.push({ code, severity, message, start: node.start, end: node.end });
  }

  run(program: A.Program, kind: SourceKind): void {
    if (kind === 'epp' && program.eppParameters) {
      this.noCapturesRest(program.eppParameters, 'an Epp Template');
      this.uniqueParameters(program.eppParameters);
    }
    this.visit(program);
  }

  private visit(node: A.Node): void {
    this.check(node);
    this.path.push(node);
    for (const key in node) {
      if (key === 'kind' || key === 'start' || key === 'end' || key === 'nameRange') continue;
      const v = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        for (const item of v) if (isNode(item)) this.visit(item);
      } else if (isNode(v)) {
        this.visit(v);
      } else if (key === 'query' && v && (v as { expr: A.Expression | null }).expr) {
        this.visit((v as { expr: A.Expression }).expr);
      }
    }
    this.path.pop();
  }

  private get parent(): A.Node | undefined {
    return this.path[this.path.length - 1];
  }

  private check(n: A.Node): void {
    switch (n.kind) {
      case 'Program':
        this.block(n.body);
        break;
      case 'AssignmentExpression':
        if (n.operator === '=') {
          this.assign(n.left, false);
          this.rvalue(n.right);
        } else {
          this.report('KSP-VALID-002', n, `The operator '${n.operator}' is no longer supported. See http://links.puppet.com/remove-plus-equals`);
        }
        break;
      case 'AttributeOperation':
        if (n.operator === '+>') {
          const p = this.parent;
          // The operation sits in a ResourceBody for regular resources; defaults/overrides/collectors hold it directly.
          if (p && p.kind !== 'CollectExpression' && p.kind !== 'ResourceOverrideExpression') {
            this.report('KSP-VALID-008', n, `Illegal +> operation on attribute ${n.name}. This operator can not be used in ${aAn(p)}`);
          }
        }
        this.rvalue(n.value);
        break;
      case 'AttributesOperation':
        this.rvalue(n.value);
        break;
      case 'BinaryExpression':
        this.rvalue(n.left);
        this.rvalue(n.right);
        break;
      case 'NotExpression': case 'UnaryMinusExpression': case 'UnfoldExpression':
        this.rvalue(n.expr);
        break;
      case 'AccessExpression':
        if (n.keys.length === 0) this.report('KSP-VALID-010', n, 'Syntax error, [] accesses collection content and must have at least one key');
        break;
      case 'CallNamedFunctionExpression': {
        const f = n.functor;
        const ok = f.kind === 'QualifiedName' || f.kind === 'QualifiedReference' ||
          (f.kind === 'AccessExpression' && f.target.kind === 'QualifiedReference');
        if (!ok) {
          if (f.kind === 'RenderStringExpression') {
            this.report('KSP-VALID-004', n, "Ambiguous EPP parameter expression. Probably missing '<%-' before parameters to remove leading whitespace");
          } else {
            this.report('KSP-VALID-004', f, `Illegal expression. ${aAnUc(f)} is unacceptable as function name in ${aAn(n)}`);
          }
        }
        break;
      }
      case 'CaseExpression': {
        this.rvalue(n.test);
        let seenDefault = false;
        for (const option of n.options) {
          for (const value of option.values) {
            if (value.kind !== 'LiteralDefault') continue;
            if (seenDefault) this.report('KSP-VALID-005', value, "This 'case' statement already has a 'default' entry - this is a duplicate");
            seenDefault = true;
          }
        }
        break;
      }
      case 'CaseOption':
        for (const v of n.values) this.rvalue(v);
        this.block(n.body);
        break;
      case 'SelectorExpression': {
        this.rvalue(n.left);
        const defaults = n.entries.filter((e) => e.matching.kind === 'LiteralDefault');
        if (defaults.length > 1) this.report('KSP-VALID-005', defaults[1].matching, "This Selector Expression already has a 'default' entry - this is a duplicate");
        break;
      }
      case 'SelectorEntry':
        this.rvalue(n.matching);
        break;
      case 'IfExpression': case 'UnlessExpression':
        this.rvalue(n.test);
        this.block(n.then);
        if (n.else) this.block(n.else);
        break;
      case 'CollectExpression':
        if (n.typeRef.kind !== 'QualifiedReference') {
          this.report('KSP-VALID-010', n.typeRef, `Illegal expression. ${aAnUc(n.typeRef)} is unacceptable as type name in ${aAn(n)}`);
        }
        if (n.query.expr) this.query(n.query.expr);
        break;
      case 'HostClassDefinition':
        this.namedDefinition(n);
        this.noCapturesRest(n.parameters, aAn(n));
        this.uniqueParameters(n.parameters);
        this.reservedParameters(n);
        this.noIdemLast(n, n.body);
        for (const p of n.parameters) {
          if (p.typeExpr && literal(p.typeExpr) === NOT_LITERAL) {
            this.report('KSP-VALID-007', p, `The parameter '$${p.name}' must be a literal type, not ${aAn(p.typeExpr)}`, 'warning');
          }
        }
        this.block(n.body);
        break;
      case 'ResourceTypeDefinition':
        this.namedDefinition(n);
        this.noCapturesRest(n.parameters, aAn(n));
        this.uniqueParameters(n.parameters);
        this.reservedParameters(n);
        this.noIdemLast(n, n.body);
        this.block(n.body);
        break;
      case 'FunctionDefinition':
        this.namedDefinition(n);
        if (n.returnType) this.typeRef(n, n.returnType);
        this.uniqueParameters(n.parameters);
        this.capturesRestLast(n.parameters);
        this.block(n.body);
        break;
      case 'TypeAlias':
        this.top(n);
        if (!CLASSREF_EXT_DECL.test(n.name)) {
          this.report('KSP-VALID-003', n, `Unacceptable name. The name '${n.name}' is unacceptable as the name of ${aAn(n)}`);
        }
        if (RESERVED_TYPE_NAMES.has(n.name.toLowerCase())) {
          this.report('KSP-VALID-006', n, `The name: '${n.name}' is already defined by Puppet and can not be used as the name of ${aAn(n)}.`);
        }
        this.typeRef(n, n.typeExpr);
        break;
      case 'TypeDefinition':
        this.top(n);
        this.report('KSP-VALID-010', n, `Expressions of type ${aAn(n)} are not supported in this version of Puppet`);
        break;
      case 'NodeDefinition':
        for (const h of n.hostMatches) this.hostname(h, n);
        this.top(n);
        this.noIdemLast(n, n.body);
        if (n.parent) {
          this.report('KSP-VALID-009', n.parent, 'Node inheritance is not supported in Puppet >= 4.0.0. See http://links.puppet.com/puppet-node-inheritance-deprecation');
        }
        this.block(n.body);
        break;
      case 'LambdaExpression':
        this.capturesRestLast(n.parameters);
        this.uniqueParameters(n.parameters);
        if (n.returnType) this.typeRef(n, n.returnType);
        this.block(n.body);
        break;
      case 'LiteralList':
        for (const v of n.values) this.rvalue(v);
        break;
      case 'KeyedEntry':
        this.rvalue(n.key);
        this.rvalue(n.value);
        break;
      case 'LiteralHash': {
        const seen = new Set<string>();
        for (const entry of n.entries) {
          const key = literal(entry.key);
          if (key === NOT_LITERAL) continue;
          const id = JSON.stringify(key);
          if (seen.has(id)) this.report('KSP-VALID-005', entry, `The key '${String(key)}' is declared more than once`, 'warning');
          seen.add(id);
        }
        break;
      }
      case 'LiteralNumber':
        if (!n.float) {
          let v: bigint | null = null;
          try {
            v = BigInt(n.radix === 8 ? '0o' + n.text.replace(/^0+/, '') : n.text);
          } catch { /* the lexer already reported malformed numbers */ }
          if (v !== null && v > MAX_INTEGER) {
            this.report('KSP-VALID-010', n, `${aAnUc(n)} resulted in a value outside of Puppet Integer max range, got '+0x${v.toString(16)}'`);
          }
          if (v !== null && v < MIN_INTEGER) {
            this.report('KSP-VALID-010', n, `${aAnUc(n)} resulted in a value outside of Puppet Integer min range, got '-0x${(-v).toString(16)}'`);
          }
        }
        break;
      case 'QualifiedReference':
        if (!CLASSREF_EXT.test(n.value)) {
          this.report('KSP-VALID-003', n, `Illegal type reference. The given name '${n.value}' does not conform to the naming rule`);
        }
        break;
      case 'Parameter':
        if (/^(?:0x)?[0-9]+$/.test(n.name)) {
          this.report('KSP-VALID-007', n, `The numeric parameter name '$${n.name}' cannot be used (clashes with numeric match result variables)`);
        }
        if (!PARAM_NAME.test(n.name)) {
          this.report('KSP-VALID-007', n, `Illegal parameter name. The given name '${n.name}' does not conform to the naming rule /^[a-z_]\\w*$/`);
        }
        if (n.value) this.noAssignment(n.value);
        break;
      case 'RelationshipExpression':
        for (const side of [n.left, n.right]) {
          if (side.kind !== 'CollectExpression' && side.kind !== 'RelationshipExpression') this.rvalue(side);
        }
        break;
      case 'ResourceExpression':
        if (n.form !== 'regular' && n.typeName.kind === 'QualifiedName' && n.typeName.value === 'class') {
          this.report('KSP-VALID-010', n, 'Classes are not virtualizable');
        }
        break;
      case 'ResourceBody': {
        let unfolded = false;
        for (const op of n.operations) {
          if (op.kind !== 'AttributesOperation') continue;
          if (unfolded) this.report('KSP-VALID-008', op, 'Unfolding of attributes from Hash can only be used once per resource body');
          unfolded = true;
        }
        break;
      }
      case 'ResourceDefaultsExpression':
        if (n.form !== 'regular') this.report('KSP-VALID-010', n, 'Resource Defaults are not virtualizable');
        break;
      case 'ResourceOverrideExpression':
        if (n.form !== 'regular') this.report('KSP-VALID-010', n, 'Resource Defaults are not virtualizable');
        break;
      case 'ReservedWord':
        this.report('KSP-VALID-006', n, `Use of reserved word: ${n.word}, must be quoted if intended to be a String value`);
        break;
      case 'VariableExpression':
        if (/^[0-9]/.test(n.name)) {
          if (!NUMERIC_VAR_NAME.test(n.name)) {
            this.report('KSP-VALID-007', n, `Illegal numeric variable name, The given name '${n.name}' must be a decimal value if it starts with a digit 0-9`);
          }
        } else if (!VAR_NAME.test(n.name)) {
          this.report('KSP-VALID-007', n, `Illegal variable name, The given name '${n.name}' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/`);
        }
        break;
      default:
        break;
    }
  }

  /** A statement list: a value computed and dropped before the last statement is a mistake. */
  private block(body: A.Expression[]): void {
    if (body.length < 2) return;
    for (const s of body.slice(0, -1)) {
      if (idem(s)) {
        this.report('KSP-VALID-001', s, `This ${label(s)} has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)`);
        break; // the first is the cause; the rest are usually its echo
      }
    }
  }

  private noIdemLast(container: A.Node, body: A.Expression[]): void {
    const last = body[body.length - 1];
    if (last && idem(last)) {
      this.report('KSP-VALID-001', last, `This ${label(last)} has no effect. ${aAnUc(container)} can not end with a value-producing expression without other effect`);
    }
  }

  private assign(n: A.Expression, viaIndex: boolean): void {
    switch (n.kind) {
      case 'VariableExpression':
        if (NUMERIC_VAR_NAME.test(n.name)) {
          this.report('KSP-VALID-002', n, `Illegal attempt to assign to the numeric match result variable '$${n.name}'. Numeric variables are not assignable`);
        }
        if (n.name.includes('::')) {
          this.report('KSP-VALID-002', n, `Illegal attempt to assign to '${n.name}'. Cannot assign to variables in other namespaces`);
        }
        break;
      case 'AccessExpression':
        this.report('KSP-VALID-002', n, 'Illegal attempt to assign via [index/key]. Not an assignable reference');
        break;
      case 'LiteralList':
        for (const v of n.values) this.assign(v, false);
        break;
      default:
        this.report('KSP-VALID-002', n, viaIndex
          ? `Illegal attempt to assign to ${aAn(n)} via [index/key]. Not an assignable reference`
          : `Illegal attempt to assign to '${aAn(n)}'. Not an assignable reference`);
    }
  }

  /** Definitions produce no value: using one as a value is an error. */
  private rvalue(n: A.Expression): void {
    switch (n.kind) {
      case 'CollectExpression': case 'HostClassDefinition': case 'ResourceTypeDefinition':
      case 'FunctionDefinition': case 'NodeDefinition': case 'TypeAlias': case 'TypeDefinition':
        this.report('KSP-VALID-001', n, `Invalid use of expression. ${aAnUc(n)} does not produce a value`);
        break;
      case 'NotExpression': case 'UnaryMinusExpression': case 'UnfoldExpression':
        this.rvalue(n.expr);
        break;
      default:
        break;
    }
  }

  /** A collector's query compares attributes with `==`/`!=`, joined by `and`/`or`. */
  private query(n: A.Expression): void {
    switch (n.kind) {
      case 'BinaryExpression':
        if (n.operator === 'and' || n.operator === 'or') {
          this.query(n.left);
          this.query(n.right);
        } else if (n.operator !== '==' && n.operator !== '!=') {
          this.report('KSP-VALID-010', n, `Illegal query expression. ${aAnUc(n)} cannot be used in a query`);
        }
        break;
      case 'ParenthesizedExpression':
        this.query(n.expr);
        break;
      case 'VariableExpression': case 'QualifiedName': case 'LiteralNumber': case 'LiteralString': case 'LiteralBoolean':
        break;
      default:
        this.report('KSP-VALID-010', n, `Illegal query expression. ${aAnUc(n)} cannot be used in a query`);
    }
  }

  private hostname(h: A.Expression, node: A.NodeDefinition): void {
    const checkChars = (text: string, at: A.Range) => {
      if (ILLEGAL_HOSTNAME_CHARS.test(text)) {
        this.report('KSP-VALID-003', at, `The hostname '${text}' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)`);
      }
    };
    switch (h.kind) {
      case 'LiteralString': case 'QualifiedName': case 'QualifiedReference':
        checkChars(h.value, h);
        break;
      case 'ConcatenatedString': {
        const interpolated = h.segments.find((s) => s.kind === 'TextExpression');
        if (interpolated) this.report('KSP-VALID-010', interpolated, 'An interpolated expression is not allowed in a hostname of a node');
        else if (h.segments.length === 1) checkChars((h.segments[0] as A.LiteralString).value, h);
        break;
      }
      case 'LiteralNumber': case 'LiteralDefault': case 'LiteralRegex':
        break;
      default:
        this.report('KSP-VALID-010', h, `Illegal expression. ${aAnUc(h)} is unacceptable as hostname in ${aAn(node)}`);
    }
  }

  /**
   * Classes, defines and nodes live at top level or directly inside a class; functions and type
   * aliases only at top level.
   */
  private top(def: A.Node): void {
    const absolute = def.kind === 'FunctionDefinition' || def.kind === 'TypeAlias' || def.kind === 'TypeDefinition';
    for (let i = this.path.length - 1; i >= 0; i--) {
      const c = this.path[i];
      if (c.kind === 'Program') return;
      if (c.kind === 'HostClassDefinition' && !absolute) continue;
      if (absolute && c.kind === 'HostClassDefinition') {
        this.report('KSP-VALID-009', def, `${aAnUc(def)} may only appear at toplevel`);
      } else {
        this.report('KSP-VALID-009', def, 'Classes, definitions, and nodes may only appear at toplevel or inside other classes');
      }
      return;
    }
  }

  private namedDefinition(n: A.HostClassDefinition | A.ResourceTypeDefinition | A.FunctionDefinition): void {
    this.top(n);
    if (!CLASSREF_DECL.test(n.name)) {
      this.report('KSP-VALID-003', n, `Unacceptable name. The name '${n.name}' is unacceptable as the name of ${aAn(n)}`);
    }
    if (RESERVED_TYPE_NAMES.has(n.name)) {
      this.report('KSP-VALID-006', n, `The name: '${n.name}' is already defined by Puppet and can not be used as the name of ${aAn(n)}.`);
    }
  }

  private typeRef(container: A.Node, r: A.Expression): void {
    const n = r.kind === 'AccessExpression' ? r.target : r;
    if (n.kind !== 'QualifiedReference') {
      this.report('KSP-VALID-010', r, `Illegal expression. ${aAnUc(r)} is unacceptable as a type reference in ${aAn(container)}`);
    }
  }

  private noCapturesRest(params: A.Parameter[], container: string): void {
    for (const p of params) {
      if (p.capturesRest) this.report('KSP-VALID-007', p, `Parameter $${p.name} has 'captures rest' - not supported in ${container}`);
    }
  }

  private capturesRestLast(params: A.Parameter[]): void {
    params.forEach((p, i) => {
      if (p.capturesRest && i !== params.length - 1) this.report('KSP-VALID-007', p, `Parameter $${p.name} is not last, and has 'captures rest'`);
    });
  }

  private uniqueParameters(params: A.Parameter[]): void {
    const seen = new Set<string>();
    for (const p of params) {
      if (seen.has(p.name)) this.report('KSP-VALID-005', p, `The parameter '${p.name}' is declared more than once in the parameter list`);
      seen.add(p.name);
    }
  }

  private reservedParameters(def: A.HostClassDefinition | A.ResourceTypeDefinition): void {
    for (const p of def.parameters) {
      if (RESERVED_PARAMETERS.has(p.name)) {
        const what = def.kind === 'HostClassDefinition' ? 'the Host Class Definition' : "the 'define' expression";
        this.report('KSP-VALID-007', p, `The parameter $${p.name} redefines a built in parameter in ${what}`);
      }
    }
  }

  /** A parameter's default value may not assign (a lambda inside it may). */
  private noAssignment(n: A.Node): void {
    if (n.kind === 'AssignmentExpression') {
      this.report('KSP-VALID-002', n, 'Assignment not allowed here');
      return;
    }
    if (n.kind === 'LambdaExpression') return;
    for (const key in n) {
      if (key === 'kind' || key === 'start' || key === 'end') continue;
      const v = (n as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) for (const item of v) { if (isNode(item)) this.noAssignment(item); }
      else if (isNode(v)) this.noAssignment(v);
    }
  }
}

function isNode(v: unknown): v is A.Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' &&
    (v as { kind: string }).kind !== 'VirtualQuery' && (v as { kind: string }).kind !== 'ExportedQuery';
}

export function validate(program: A.Program, kind: SourceKind): ValidationProblem[] {
  const checker = new Checker();
  checker.run(program, kind);
  return checker.problems;
}
