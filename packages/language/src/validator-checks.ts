// The validator's checks, one per kind of node (CHECKS), and the checks they share. Each
// reports through a CheckContext, which also says where in the tree the node is.
import type * as A from './ast.ts';
import type { LanguageCode, MessageArgs } from './messages.ts';
import { NOT_LITERAL, aAn, aAnUc, idem, label, literal } from './validator-labels.ts';

/** What a check sees: where to report, and the node's ancestors. */
export interface CheckContext {
  /** Reports a problem from the catalogue (its severity is the catalogue's) over the node. */
  report<C extends LanguageCode>(code: C, node: A.Range, args: MessageArgs<C>): void;
  /** The parent of the node being checked. */
  readonly parent: A.Node | undefined;
  /** Ancestors of the node being checked, nearest last. */
  readonly path: readonly A.Node[];
}

// Name rules (Puppet's Patterns).
const CLASSREF_DECL = /^[a-z]\w*(?:::[a-z]\w*)*$/;
const CLASSREF_EXT_DECL = /^[A-Z]\w*(?:::[A-Z]\w*)*$/;
const CLASSREF_EXT = /^(?:(?:::)?[A-Z]\w*)+$/;
// (Names are tested with these regexes, not scanned by hand: in a one-shot command the validator
// runs mostly in V8's interpreter, where a loop over the characters cost more than a regex's
// compiled code, by --cpu-prof: 5.7 ms against 1.3 for the 1,920 module files.)
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

type Check<K extends A.Node['kind']> = (c: CheckContext, n: Extract<A.Node, { kind: K }>) => void;

/** The checks of each kind of node, made before its children are visited. */
export const CHECKS: { [K in A.Node['kind']]?: Check<K> } = {
  Program(c, n) {
    block(c, n.body);
  },
  AssignmentExpression(c, n) {
    if (n.operator === '=') {
      assign(c, n.left, false);
      rvalue(c, n.right);
    } else {
      c.report('KSP-VALID-013', n, { operator: n.operator });
    }
  },
  AttributeOperation(c, n) {
    if (n.operator === '+>') {
      const p = c.parent;
      // The operation sits in a ResourceBody for regular resources; defaults/overrides/collectors hold it directly.
      if (p && p.kind !== 'CollectExpression' && p.kind !== 'ResourceOverrideExpression') {
        c.report('KSP-VALID-008', n, { name: n.name, container: aAn(p) });
      }
    }
    rvalue(c, n.value);
  },
  AttributesOperation(c, n) {
    rvalue(c, n.value);
  },
  BinaryExpression(c, n) {
    rvalue(c, n.left);
    rvalue(c, n.right);
  },
  NotExpression: unaryOperand,
  UnaryMinusExpression: unaryOperand,
  UnfoldExpression: unaryOperand,
  AccessExpression(c, n) {
    if (n.keys.length === 0) c.report('KSP-VALID-036', n, {});
  },
  CallNamedFunctionExpression(c, n) {
    const f = n.functor;
    const ok = f.kind === 'QualifiedName' || f.kind === 'QualifiedReference' ||
      (f.kind === 'AccessExpression' && f.target.kind === 'QualifiedReference');
    if (!ok) {
      if (f.kind === 'RenderStringExpression') {
        c.report('KSP-VALID-021', n, {});
      } else {
        c.report('KSP-VALID-004', f, { expression: aAnUc(f), call: aAn(n) });
      }
    }
  },
  CaseExpression(c, n) {
    rvalue(c, n.test);
    let seenDefault = false;
    for (const option of n.options) {
      for (const value of option.values) {
        if (value.kind !== 'LiteralDefault') continue;
        if (seenDefault) c.report('KSP-VALID-022', value, {});
        seenDefault = true;
      }
    }
  },
  CaseOption(c, n) {
    for (const v of n.values) rvalue(c, v);
    block(c, n.body);
  },
  SelectorExpression(c, n) {
    rvalue(c, n.left);
    const defaults = n.entries.filter((e) => e.matching.kind === 'LiteralDefault');
    if (defaults.length > 1) c.report('KSP-VALID-023', defaults[1].matching, {});
  },
  SelectorEntry(c, n) {
    rvalue(c, n.matching);
  },
  IfExpression: conditional,
  UnlessExpression: conditional,
  CollectExpression(c, n) {
    if (n.typeRef.kind !== 'QualifiedReference') {
      c.report('KSP-VALID-010', n.typeRef, { expression: aAnUc(n.typeRef), role: 'type name', container: aAn(n) });
    }
    if (n.query.expr) query(c, n.query.expr);
  },
  HostClassDefinition(c, n) {
    namedDefinition(c, n);
    noCapturesRest(c, n.parameters, aAn(n));
    uniqueParameters(c, n.parameters);
    reservedParameters(c, n);
    noIdemLast(c, n, n.body);
    for (const p of n.parameters) {
      if (p.typeExpr && literal(p.typeExpr) === NOT_LITERAL) {
        c.report('KSP-VALID-026', p, { name: p.name, expression: aAn(p.typeExpr) });
      }
    }
    block(c, n.body);
  },
  ResourceTypeDefinition(c, n) {
    namedDefinition(c, n);
    noCapturesRest(c, n.parameters, aAn(n));
    uniqueParameters(c, n.parameters);
    reservedParameters(c, n);
    noIdemLast(c, n, n.body);
    block(c, n.body);
  },
  FunctionDefinition(c, n) {
    namedDefinition(c, n);
    if (n.returnType) typeRef(c, n, n.returnType);
    uniqueParameters(c, n.parameters);
    capturesRestLast(c, n.parameters);
    block(c, n.body);
  },
  TypeAlias(c, n) {
    top(c, n);
    if (!CLASSREF_EXT_DECL.test(n.name)) {
      c.report('KSP-VALID-003', n, { name: n.name, definition: aAn(n) });
    }
    if (RESERVED_TYPE_NAMES.has(n.name.toLowerCase())) {
      c.report('KSP-VALID-025', n, { name: n.name, definition: aAn(n) });
    }
    typeRef(c, n, n.typeExpr);
  },
  TypeDefinition(c, n) {
    top(c, n);
    c.report('KSP-VALID-037', n, { expression: aAn(n) });
  },
  NodeDefinition(c, n) {
    for (const h of n.hostMatches) hostname(c, h, n);
    top(c, n);
    noIdemLast(c, n, n.body);
    if (n.parent) {
      c.report('KSP-VALID-035', n.parent, {});
    }
    block(c, n.body);
  },
  LambdaExpression(c, n) {
    capturesRestLast(c, n.parameters);
    uniqueParameters(c, n.parameters);
    if (n.returnType) typeRef(c, n, n.returnType);
    block(c, n.body);
  },
  LiteralList(c, n) {
    for (const v of n.values) rvalue(c, v);
  },
  KeyedEntry(c, n) {
    rvalue(c, n.key);
    rvalue(c, n.value);
  },
  LiteralHash(c, n) {
    // Keys compared as their JSON: strings (nearly all keys) by themselves, the others by their JSON.
    const strings = new Set<string>();
    let others: Set<string> | undefined;
    for (const entry of n.entries) {
      const key = literal(entry.key);
      if (key === NOT_LITERAL) continue;
      const seen = typeof key === 'string' ? strings : (others ??= new Set<string>());
      const id = typeof key === 'string' ? key : JSON.stringify(key);
      if (seen.has(id)) c.report('KSP-VALID-024', entry, { key: String(key) });
      seen.add(id);
    }
  },
  LiteralNumber(c, n) {
    if (!n.float) {
      let v: bigint | null = null;
      try {
        v = BigInt(n.radix === 8 ? '0o' + n.text.replace(/^0+/, '') : n.text);
      } catch { /* the lexer already reported malformed numbers */ }
      if (v !== null && v > MAX_INTEGER) {
        c.report('KSP-VALID-038', n, { expression: aAnUc(n), bound: 'max', value: `+0x${v.toString(16)}` });
      }
      if (v !== null && v < MIN_INTEGER) {
        c.report('KSP-VALID-038', n, { expression: aAnUc(n), bound: 'min', value: `-0x${(-v).toString(16)}` });
      }
    }
  },
  QualifiedReference(c, n) {
    if (!CLASSREF_EXT.test(n.value)) {
      c.report('KSP-VALID-019', n, { name: n.value });
    }
  },
  Parameter(c, n) {
    // (a name of PARAM_NAME, nearly every one, starts with neither a digit nor `0x`: no check fails)
    if (PARAM_NAME.test(n.name)) {
      if (n.value) noAssignment(c, n.value);
      return;
    }
    if (/^(?:0x)?[0-9]+$/.test(n.name)) {
      c.report('KSP-VALID-027', n, { name: n.name });
    }
    if (!PARAM_NAME.test(n.name)) {
      c.report('KSP-VALID-007', n, { name: n.name });
    }
    if (n.value) noAssignment(c, n.value);
  },
  RelationshipExpression(c, n) {
    for (const side of [n.left, n.right]) {
      if (side.kind !== 'CollectExpression' && side.kind !== 'RelationshipExpression') rvalue(c, side);
    }
  },
  ResourceExpression(c, n) {
    if (n.form !== 'regular' && n.typeName.kind === 'QualifiedName' && n.typeName.value === 'class') {
      c.report('KSP-VALID-039', n, {});
    }
  },
  ResourceBody(c, n) {
    let unfolded = false;
    for (const op of n.operations) {
      if (op.kind !== 'AttributesOperation') continue;
      if (unfolded) c.report('KSP-VALID-033', op, {});
      unfolded = true;
    }
  },
  ResourceDefaultsExpression(c, n) {
    if (n.form !== 'regular') c.report('KSP-VALID-040', n, {});
  },
  ResourceOverrideExpression(c, n) {
    if (n.form !== 'regular') c.report('KSP-VALID-040', n, {});
  },
  ReservedWord(c, n) {
    c.report('KSP-VALID-006', n, { word: n.word });
  },
  VariableExpression(c, n) {
    const first = n.name.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      if (!NUMERIC_VAR_NAME.test(n.name)) {
        c.report('KSP-VALID-031', n, { name: n.name });
      }
    } else if (!VAR_NAME.test(n.name)) {
      c.report('KSP-VALID-032', n, { name: n.name });
    }
  },
};

function unaryOperand(c: CheckContext, n: A.NotExpression | A.UnaryMinusExpression | A.UnfoldExpression): void {
  rvalue(c, n.expr);
}

function conditional(c: CheckContext, n: A.IfExpression | A.UnlessExpression): void {
  rvalue(c, n.test);
  block(c, n.then);
  if (n.else) block(c, n.else);
}

/** A statement list: a value computed and dropped before the last statement is a mistake. */
function block(c: CheckContext, body: A.Expression[]): void {
  for (let i = 0; i < body.length - 1; i++) {
    const s = body[i];
    if (idem(s)) {
      c.report('KSP-VALID-001', s, { label: label(s) });
      break; // the first is the cause; the rest are usually its echo
    }
  }
}

function noIdemLast(c: CheckContext, container: A.Node, body: A.Expression[]): void {
  const last = body[body.length - 1];
  if (last && idem(last)) {
    c.report('KSP-VALID-011', last, { label: label(last), container: aAnUc(container) });
  }
}

function assign(c: CheckContext, n: A.Expression, viaIndex: boolean): void {
  switch (n.kind) {
    case 'VariableExpression':
      if (NUMERIC_VAR_NAME.test(n.name)) {
        c.report('KSP-VALID-014', n, { name: n.name });
      }
      if (n.name.includes('::')) {
        c.report('KSP-VALID-015', n, { name: n.name });
      }
      break;
    case 'AccessExpression':
      c.report('KSP-VALID-016', n, {});
      break;
    case 'LiteralList':
      for (const v of n.values) assign(c, v, false);
      break;
    default:
      if (viaIndex) c.report('KSP-VALID-017', n, { target: aAn(n) });
      else c.report('KSP-VALID-002', n, { target: aAn(n) });
  }
}

/** Definitions produce no value: using one as a value is an error. */
function rvalue(c: CheckContext, n: A.Expression): void {
  let e = n;
  while (e.kind === 'NotExpression' || e.kind === 'UnaryMinusExpression' || e.kind === 'UnfoldExpression') e = e.expr;
  switch (e.kind) {
    case 'CollectExpression': case 'HostClassDefinition': case 'ResourceTypeDefinition':
    case 'FunctionDefinition': case 'NodeDefinition': case 'TypeAlias': case 'TypeDefinition':
      c.report('KSP-VALID-012', e, { expression: aAnUc(e) });
      break;
    default:
      break;
  }
}

/** A collector's query compares attributes with `==`/`!=`, joined by `and`/`or`. */
function query(c: CheckContext, root: A.Expression): void {
  const pending: A.Expression[] = [root]; // a stack, so that parts are checked left to right
  while (pending.length > 0) {
    const n = pending.pop()!;
    switch (n.kind) {
      case 'BinaryExpression':
        if (n.operator === 'and' || n.operator === 'or') {
          pending.push(n.right, n.left);
        } else if (n.operator !== '==' && n.operator !== '!=') {
          c.report('KSP-VALID-041', n, { expression: aAnUc(n) });
        }
        break;
      case 'ParenthesizedExpression':
        pending.push(n.expr);
        break;
      case 'VariableExpression': case 'QualifiedName': case 'LiteralNumber': case 'LiteralString': case 'LiteralBoolean':
        break;
      default:
        c.report('KSP-VALID-041', n, { expression: aAnUc(n) });
    }
  }
}

function hostname(c: CheckContext, h: A.Expression, node: A.NodeDefinition): void {
  const checkChars = (text: string, at: A.Range) => {
    if (ILLEGAL_HOSTNAME_CHARS.test(text)) {
      c.report('KSP-VALID-020', at, { name: text });
    }
  };
  switch (h.kind) {
    case 'LiteralString': case 'QualifiedName': case 'QualifiedReference':
      checkChars(h.value, h);
      break;
    case 'ConcatenatedString': {
      const interpolated = h.segments.find((s) => s.kind === 'TextExpression');
      if (interpolated) c.report('KSP-VALID-042', interpolated, {});
      else if (h.segments.length === 1) checkChars((h.segments[0] as A.LiteralString).value, h);
      break;
    }
    case 'LiteralNumber': case 'LiteralDefault': case 'LiteralRegex':
      break;
    default:
      c.report('KSP-VALID-010', h, { expression: aAnUc(h), role: 'hostname', container: aAn(node) });
  }
}

/**
 * Classes, defines and nodes live at top level or directly inside a class; functions and type
 * aliases only at top level.
 */
function top(c: CheckContext, def: A.Node): void {
  const absolute = def.kind === 'FunctionDefinition' || def.kind === 'TypeAlias' || def.kind === 'TypeDefinition';
  for (let i = c.path.length - 1; i >= 0; i--) {
    const outer = c.path[i];
    if (outer.kind === 'Program') return;
    if (outer.kind === 'HostClassDefinition' && !absolute) continue;
    if (absolute && outer.kind === 'HostClassDefinition') {
      c.report('KSP-VALID-034', def, { definition: aAnUc(def) });
    } else {
      c.report('KSP-VALID-009', def, {});
    }
    return;
  }
}

function namedDefinition(c: CheckContext, n: A.HostClassDefinition | A.ResourceTypeDefinition | A.FunctionDefinition): void {
  top(c, n);
  if (!CLASSREF_DECL.test(n.name)) {
    c.report('KSP-VALID-003', n, { name: n.name, definition: aAn(n) });
  }
  if (RESERVED_TYPE_NAMES.has(n.name)) {
    c.report('KSP-VALID-025', n, { name: n.name, definition: aAn(n) });
  }
}

function typeRef(c: CheckContext, container: A.Node, r: A.Expression): void {
  const n = r.kind === 'AccessExpression' ? r.target : r;
  if (n.kind !== 'QualifiedReference') {
    c.report('KSP-VALID-010', r, { expression: aAnUc(r), role: 'a type reference', container: aAn(container) });
  }
}

export function noCapturesRest(c: CheckContext, params: A.Parameter[], container: string): void {
  for (const p of params) {
    if (p.capturesRest) c.report('KSP-VALID-028', p, { name: p.name, container });
  }
}

function capturesRestLast(c: CheckContext, params: A.Parameter[]): void {
  params.forEach((p, i) => {
    if (p.capturesRest && i !== params.length - 1) c.report('KSP-VALID-029', p, { name: p.name });
  });
}

export function uniqueParameters(c: CheckContext, params: A.Parameter[]): void {
  // Compared pairwise: lists are short (a Set for each definition and lambda cost more).
  for (let i = 1; i < params.length; i++) {
    const name = params[i].name;
    for (let j = 0; j < i; j++) {
      if (params[j].name === name) {
        c.report('KSP-VALID-005', params[i], { name });
        break;
      }
    }
  }
}

function reservedParameters(c: CheckContext, def: A.HostClassDefinition | A.ResourceTypeDefinition): void {
  for (const p of def.parameters) {
    if (RESERVED_PARAMETERS.has(p.name)) {
      const what = def.kind === 'HostClassDefinition' ? 'the Host Class Definition' : "the 'define' expression";
      c.report('KSP-VALID-030', p, { name: p.name, definition: what });
    }
  }
}

/** A parameter's default value may not assign (a lambda inside it may). */
function noAssignment(c: CheckContext, root: A.Node): void {
  const pending: A.Node[] = [root]; // a stack: reports come in the order of the source
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (n.kind === 'AssignmentExpression') {
      c.report('KSP-VALID-018', n, {});
      continue;
    }
    if (n.kind === 'LambdaExpression') continue;
    const children = childNodes(n, false);
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

/**
 * The nodes directly below `n`, in the order of its fields. `withQuery` includes a collector's
 * query expression (which sits in a non-node wrapper).
 */
export function childNodes(n: A.Node, withQuery: boolean): A.Node[] {
  const fields = CHILD_FIELDS.get(n.kind);
  if (fields === undefined) return childNodesByKeys(n, withQuery);
  if (fields.length === 0) return NO_CHILDREN;
  const out: A.Node[] = [];
  for (let f = 0; f < fields.length; f++) {
    const key = fields[f];
    const v = (n as unknown as Record<string, unknown>)[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (isNode(v[i])) out.push(v[i]);
    } else if (key === 'query') {
      if (withQuery && (v as { expr: A.Expression | null }).expr) out.push((v as { expr: A.Expression }).expr);
    } else if (isNode(v)) {
      out.push(v);
    }
  }
  return out;
}

const NO_CHILDREN: A.Node[] = Object.freeze([]) as unknown as A.Node[];

/**
 * The fields of each kind of node that may hold nodes, in the order the parsers create them
 * (the order of the source): what childNodes reads instead of enumerating every node's keys.
 * test/fuzz/fast-parser.test.ts checks it against childNodesByKeys on the corpora.
 */
export const CHILD_FIELDS = new Map<string, readonly string[]>(Object.entries({
  Program: ['body', 'eppParameters'],
  LiteralString: [], LiteralNumber: [], LiteralBoolean: [], LiteralUndef: [], LiteralDefault: [], LiteralRegex: [],
  QualifiedName: [], QualifiedReference: [], ReservedWord: [], VariableExpression: [], RenderStringExpression: [],
  ConcatenatedString: ['segments'],
  TextExpression: ['expr'], NotExpression: ['expr'], UnaryMinusExpression: ['expr'], UnfoldExpression: ['expr'],
  ParenthesizedExpression: ['expr'], RenderExpression: ['expr'],
  Heredoc: ['text'],
  LiteralList: ['values'],
  LiteralHash: ['entries'],
  KeyedEntry: ['key', 'value'],
  BinaryExpression: ['left', 'right'], AssignmentExpression: ['left', 'right'], RelationshipExpression: ['left', 'right'],
  AccessExpression: ['target', 'keys'],
  SelectorExpression: ['left', 'entries'],
  SelectorEntry: ['matching', 'value'],
  NamedAccessExpression: ['left'],
  CallNamedFunctionExpression: ['functor', 'args', 'lambda'],
  CallMethodExpression: ['functor', 'args', 'lambda'],
  LambdaExpression: ['parameters', 'body', 'returnType'],
  IfExpression: ['test', 'then', 'else'],
  UnlessExpression: ['test', 'then', 'else'],
  CaseExpression: ['test', 'options'],
  CaseOption: ['values', 'body'],
  ResourceExpression: ['typeName', 'bodies'],
  ResourceBody: ['title', 'operations'],
  ResourceDefaultsExpression: ['typeRef', 'operations'],
  ResourceOverrideExpression: ['resources', 'operations'],
  AttributeOperation: ['value'],
  AttributesOperation: ['value'],
  CollectExpression: ['typeRef', 'query', 'operations'],
  HostClassDefinition: ['parameters', 'body'],
  ResourceTypeDefinition: ['parameters', 'body'],
  FunctionDefinition: ['parameters', 'returnType', 'body'],
  NodeDefinition: ['hostMatches', 'parent', 'body'],
  TypeAlias: ['typeExpr'],
  TypeDefinition: ['body'],
  Parameter: ['typeExpr', 'value'],
}));

/** childNodes by enumerating the node's keys (for kinds CHILD_FIELDS does not know). */
export function childNodesByKeys(n: A.Node, withQuery: boolean): A.Node[] {
  const out: A.Node[] = [];
  for (const key in n) {
    if (key === 'kind' || key === 'start' || key === 'end' || key === 'nameRange') continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) {
      out.push(v);
    } else if (withQuery && key === 'query' && v && (v as { expr: A.Expression | null }).expr) {
      out.push((v as { expr: A.Expression }).expr);
    }
  }
  return out;
}

export function isNode(v: unknown): v is A.Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' &&
    (v as { kind: string }).kind !== 'VirtualQuery' && (v as { kind: string }).kind !== 'ExportedQuery';
}
