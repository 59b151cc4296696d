// The Puppet AST: one interface per node kind, discriminated by `kind`, each with the source
// range it came from (0-based offsets into the file's text; LineMap turns them into line:column).
// The shapes follow Puppet's own model (lib/puppet/pops/model) closely enough that readers of
// Puppet's evaluator recognise them, without copying its class hierarchy.

export interface Range {
  start: number;
  end: number;
}

interface NodeBase extends Range {
  kind: string;
}

export interface Program extends NodeBase {
  kind: 'Program';
  body: Expression[];
  /** Present for EPP templates: the parameters declared in `<%- | … | -%>`, null if none. */
  eppParameters?: Parameter[] | null;
}

// ---- literals and names ----
export interface LiteralString extends NodeBase { kind: 'LiteralString'; value: string }
export interface ConcatenatedString extends NodeBase { kind: 'ConcatenatedString'; segments: (LiteralString | TextExpression)[] }
/** `${expr}` or `$var` inside a string. */
export interface TextExpression extends NodeBase { kind: 'TextExpression'; expr: Expression }
export interface Heredoc extends NodeBase { kind: 'Heredoc'; syntax: string; text: LiteralString | ConcatenatedString }
export interface LiteralNumber extends NodeBase { kind: 'LiteralNumber'; value: number; text: string; radix: 8 | 10 | 16; float: boolean }
export interface LiteralBoolean extends NodeBase { kind: 'LiteralBoolean'; value: boolean }
export interface LiteralUndef extends NodeBase { kind: 'LiteralUndef' }
export interface LiteralDefault extends NodeBase { kind: 'LiteralDefault' }
export interface LiteralRegex extends NodeBase { kind: 'LiteralRegex'; pattern: string }
/** A bare lower-case name: a function, a resource type, a class name, or a bare-word string. */
export interface QualifiedName extends NodeBase { kind: 'QualifiedName'; value: string }
/** A capitalised name: a type or a resource reference's type. */
export interface QualifiedReference extends NodeBase { kind: 'QualifiedReference'; value: string }
/** Words reserved for future use (`private`, `attr`) and bare words with dashes. */
export interface ReservedWord extends NodeBase { kind: 'ReservedWord'; word: string }
export interface VariableExpression extends NodeBase { kind: 'VariableExpression'; name: string }
export interface LiteralList extends NodeBase { kind: 'LiteralList'; values: Expression[] }
export interface LiteralHash extends NodeBase { kind: 'LiteralHash'; entries: KeyedEntry[] }
export interface KeyedEntry extends NodeBase { kind: 'KeyedEntry'; key: Expression; value: Expression }

// ---- operators ----
export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '=~' | '!~' | 'in' | 'and' | 'or';
export interface BinaryExpression extends NodeBase { kind: 'BinaryExpression'; operator: BinaryOperator; left: Expression; right: Expression }
export interface NotExpression extends NodeBase { kind: 'NotExpression'; expr: Expression }
export interface UnaryMinusExpression extends NodeBase { kind: 'UnaryMinusExpression'; expr: Expression }
/** `*$array`: splat into arguments or array elements. */
export interface UnfoldExpression extends NodeBase { kind: 'UnfoldExpression'; expr: Expression }
export interface ParenthesizedExpression extends NodeBase { kind: 'ParenthesizedExpression'; expr: Expression }
export interface AssignmentExpression extends NodeBase { kind: 'AssignmentExpression'; operator: '=' | '+=' | '-='; left: Expression; right: Expression }
export interface RelationshipExpression extends NodeBase { kind: 'RelationshipExpression'; operator: '->' | '~>' | '<-' | '<~'; left: Expression; right: Expression }
export interface AccessExpression extends NodeBase { kind: 'AccessExpression'; target: Expression; keys: Expression[] }
export interface SelectorExpression extends NodeBase { kind: 'SelectorExpression'; left: Expression; entries: SelectorEntry[] }
export interface SelectorEntry extends NodeBase { kind: 'SelectorEntry'; matching: Expression; value: Expression }

// ---- calls ----
export interface CallNamedFunctionExpression extends NodeBase {
  kind: 'CallNamedFunctionExpression';
  functor: Expression;
  args: Expression[];
  lambda: LambdaExpression | null;
  /** false for statement-style calls without parentheses (`include foo`). */
  parenthesized: boolean;
}
export interface NamedAccessExpression extends NodeBase { kind: 'NamedAccessExpression'; left: Expression; name: string }
export interface CallMethodExpression extends NodeBase {
  kind: 'CallMethodExpression';
  functor: NamedAccessExpression;
  args: Expression[];
  lambda: LambdaExpression | null;
  parenthesized: boolean;
}
export interface Parameter extends NodeBase {
  kind: 'Parameter';
  name: string;
  typeExpr: Expression | null;
  value: Expression | null;
  capturesRest: boolean;
}
export interface LambdaExpression extends NodeBase { kind: 'LambdaExpression'; parameters: Parameter[]; body: Expression[]; returnType: Expression | null }

// ---- control flow ----
export interface IfExpression extends NodeBase { kind: 'IfExpression'; test: Expression; then: Expression[]; else: Expression[] | null }
export interface UnlessExpression extends NodeBase { kind: 'UnlessExpression'; test: Expression; then: Expression[]; else: Expression[] | null }
export interface CaseExpression extends NodeBase { kind: 'CaseExpression'; test: Expression; options: CaseOption[] }
export interface CaseOption extends NodeBase { kind: 'CaseOption'; values: Expression[]; body: Expression[] }

// ---- resources ----
export type ResourceForm = 'regular' | 'virtual' | 'exported';
export interface AttributeOperation extends NodeBase { kind: 'AttributeOperation'; name: string; operator: '=>' | '+>'; value: Expression }
/** `* => $hash`: attributes from a hash. */
export interface AttributesOperation extends NodeBase { kind: 'AttributesOperation'; value: Expression }
export type AttributeOp = AttributeOperation | AttributesOperation;
export interface ResourceBody extends NodeBase { kind: 'ResourceBody'; title: Expression; operations: AttributeOp[] }
export interface ResourceExpression extends NodeBase { kind: 'ResourceExpression'; form: ResourceForm; typeName: Expression; bodies: ResourceBody[] }
export interface ResourceDefaultsExpression extends NodeBase { kind: 'ResourceDefaultsExpression'; form: ResourceForm; typeRef: Expression; operations: AttributeOp[] }
export interface ResourceOverrideExpression extends NodeBase { kind: 'ResourceOverrideExpression'; form: ResourceForm; resources: Expression; operations: AttributeOp[] }
export interface CollectExpression extends NodeBase {
  kind: 'CollectExpression';
  typeRef: Expression;
  query: { kind: 'VirtualQuery' | 'ExportedQuery'; expr: Expression | null } & Range;
  operations: AttributeOp[];
}

// ---- definitions ----
export interface HostClassDefinition extends NodeBase { kind: 'HostClassDefinition'; name: string; nameRange: Range; parameters: Parameter[]; parent: string | null; body: Expression[] }
export interface ResourceTypeDefinition extends NodeBase { kind: 'ResourceTypeDefinition'; name: string; nameRange: Range; parameters: Parameter[]; body: Expression[] }
export interface NodeDefinition extends NodeBase { kind: 'NodeDefinition'; hostMatches: Expression[]; parent: Expression | null; body: Expression[] }
export interface FunctionDefinition extends NodeBase { kind: 'FunctionDefinition'; name: string; nameRange: Range; parameters: Parameter[]; returnType: Expression | null; body: Expression[] }
export interface TypeAlias extends NodeBase { kind: 'TypeAlias'; name: string; nameRange: Range; typeExpr: Expression }
export interface TypeDefinition extends NodeBase { kind: 'TypeDefinition'; name: string; parent: string | null; body: Expression[] }

// ---- EPP ----
export interface RenderStringExpression extends NodeBase { kind: 'RenderStringExpression'; value: string }
export interface RenderExpression extends NodeBase { kind: 'RenderExpression'; expr: Expression }

export type Expression =
  | LiteralString | ConcatenatedString | TextExpression | Heredoc | LiteralNumber | LiteralBoolean
  | LiteralUndef | LiteralDefault | LiteralRegex | QualifiedName | QualifiedReference | ReservedWord
  | VariableExpression | LiteralList | LiteralHash | KeyedEntry | BinaryExpression | NotExpression
  | UnaryMinusExpression | UnfoldExpression | ParenthesizedExpression | AssignmentExpression
  | RelationshipExpression | AccessExpression | SelectorExpression | CallNamedFunctionExpression
  | NamedAccessExpression | CallMethodExpression | LambdaExpression | IfExpression | UnlessExpression
  | CaseExpression | ResourceExpression | ResourceDefaultsExpression | ResourceOverrideExpression
  | CollectExpression | HostClassDefinition | ResourceTypeDefinition | NodeDefinition
  | FunctionDefinition | TypeAlias | TypeDefinition | RenderStringExpression | RenderExpression;

export type Node = Program | Expression | SelectorEntry | CaseOption | Parameter | ResourceBody | AttributeOp;

/**
 * Calls `visit` on every node below `node` (depth first, parents before children). A loop with
 * a stack of its own: chains of operators or method calls make trees as deep as they are long.
 */
export function walk(node: Node, visit: (n: Node, parent: Node | null) => void, parent: Node | null = null): void {
  const pending: [Node, Node | null][] = [[node, parent]];
  while (pending.length > 0) {
    const [n, p] = pending.pop()!;
    visit(n, p);
    const children: Node[] = [];
    for (const key in n) {
      if (key === 'kind' || key === 'start' || key === 'end') continue;
      const v = (n as unknown as Record<string, unknown>)[key];
      if (Array.isArray(v)) {
        for (const item of v) if (isNode(item)) children.push(item);
      } else if (isNode(v)) {
        children.push(v);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], n]);
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' &&
    (v as { kind: string }).kind !== 'VirtualQuery' && (v as { kind: string }).kind !== 'ExportedQuery';
}
