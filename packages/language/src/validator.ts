// Checks Puppet applies after parsing (its validator, checker4_0): what the grammar accepts but
// the language forbids. Messages follow Puppet's wording so users can search for them.
// Rules that need to know the environment (a definition's file matching its name inside a
// module) belong to the loader, not here.
// The checks themselves, one per kind of node, are in validator-checks.ts.
import type * as A from './ast.ts';
import type { Severity } from './diagnostics.ts';
import { message, type LanguageCode, type MessageArgs } from './messages.ts';
import type { SourceKind } from './lexer.ts';
import { CHECKS, CHILD_FIELDS, childNodes, isNode, noCapturesRest, uniqueParameters, type CheckContext } from './validator-checks.ts';

export interface ValidationProblem {
  code: LanguageCode;
  severity: Severity;
  message: string;
  start: number;
  end: number;
}

/** Per kind of node: its check, and the fields holding its children (CHILD_FIELDS), in one look-up. */
interface KindEntry {
  check: ((c: CheckContext, n: A.Node) => void) | undefined;
  fields: readonly string[] | undefined;
}
const BY_KIND = new Map<string, KindEntry>();
for (const [kind, check] of Object.entries(CHECKS) as [string, (c: CheckContext, n: A.Node) => void][]) BY_KIND.set(kind, { check, fields: CHILD_FIELDS.get(kind) });
for (const [kind, fields] of CHILD_FIELDS) if (!BY_KIND.has(kind)) BY_KIND.set(kind, { check: undefined, fields });

class Checker implements CheckContext {
  readonly problems: ValidationProblem[] = [];
  /** Ancestors of the node being checked, nearest last. */
  readonly path: A.Node[] = [];

  report<C extends LanguageCode>(code: C, node: A.Range, args: MessageArgs<C>): void {
    const m = message(code, args);
    this.problems.push({ code, severity: m.severity, message: m.message, start: node.start, end: node.end });
  }

  run(program: A.Program, kind: SourceKind): void {
    if (kind === 'epp' && program.eppParameters) {
      noCapturesRest(this, program.eppParameters, 'an Epp Template');
      uniqueParameters(this, program.eppParameters);
    }
    this.visit(program);
  }

  /**
   * Checks every node, parents before children, with its ancestors in `path`. A loop with its
   * own stack, not a recursion: chains of operators, relationships, method calls or elsif
   * branches make trees as deep as the chains are long.
   */
  private visit(root: A.Node): void {
    // One stack of nodes to visit; null marks where a node's children end (its path entry goes).
    const stack: (A.Node | null)[] = [root];
    const path = this.path;
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === null) {
        path.pop();
        continue;
      }
      const entry = BY_KIND.get(node.kind);
      if (entry === undefined) {
        path.push(node);
        stack.push(null);
        pushChildren(node, stack);
        continue;
      }
      if (entry.check !== undefined) entry.check(this, node);
      const fields = entry.fields;
      // A leaf (a name, a string, a number: most nodes) has nothing below it to see it in `path`.
      if (fields !== undefined && fields.length === 0) continue;
      path.push(node);
      stack.push(null);
      pushFields(node, fields, stack);
    }
  }

  get parent(): A.Node | undefined {
    return this.path[this.path.length - 1];
  }
}

/**
 * Pushes the nodes directly below `n` (childNodes(n, true)) onto `stack`, the last first, so that
 * they come off it in their order; without building an array for each node.
 */
export function pushChildren(n: A.Node, stack: (A.Node | null)[]): void {
  pushFields(n, CHILD_FIELDS.get(n.kind), stack);
}

/** pushChildren, given the node's CHILD_FIELDS entry. */
function pushFields(n: A.Node, fields: readonly string[] | undefined, stack: (A.Node | null)[]): void {
  if (fields === undefined) {
    const children = childNodes(n, true);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    return;
  }
  for (let f = fields.length - 1; f >= 0; f--) {
    const key = fields[f];
    const v = (n as unknown as Record<string, unknown>)[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) if (isNode(v[i])) stack.push(v[i]);
    } else if (key === 'query') {
      const expr = (v as { expr: A.Expression | null }).expr;
      if (expr) stack.push(expr);
    } else if (isNode(v)) {
      stack.push(v);
    }
  }
}

export function validate(program: A.Program, kind: SourceKind): ValidationProblem[] {
  const checker = new Checker();
  checker.run(program, kind);
  return checker.problems;
}
