// Collectors (`File <| tag == 'web' |>`, `<<| |>>` for exported resources) and realize():
// what makes virtual resources real. A collector runs again whenever new resources may have
// appeared, until the end of compilation.
import type * as A from '@kasper/language';
import { capitalizeType } from '@kasper/catalog';
import { errorAt, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import type { Overrides } from './overrides.ts';
import { effectiveTags, referenceString, type ResourceState } from './resources.ts';
import type { ResourceTable } from './resource-table.ts';
import { ResourceType, describe, resourceType } from './types/index.ts';
import { puppetEquals, type CollectorValue, type Value } from './values.ts';

/** A collector: its query, where it was written, and what it found so far. */
export class Collector implements CollectorValue {
  readonly isCollector = true as const;
  readonly e: A.CollectExpression;
  readonly frame: Frame;
  readonly found = new Set<ResourceState>();
  constructor(e: A.CollectExpression, frame: Frame) {
    this.e = e;
    this.frame = frame;
  }
}

export class Collectors {
  private readonly evaluator: Evaluator;
  private readonly table: ResourceTable;
  private readonly overrides: Overrides;
  private readonly list: Collector[] = [];

  constructor(evaluator: Evaluator, table: ResourceTable, overrides: Overrides) {
    this.evaluator = evaluator;
    this.table = table;
    this.overrides = overrides;
  }

  /** A collector expression, with the operations of an override when it is one's target. */
  collect(e: A.CollectExpression, frame: Frame, overrideOps?: A.AttributeOp[]): Collector {
    const c = new Collector(overrideOps ? { ...e, operations: [...e.operations, ...overrideOps] } : e, frame);
    this.list.push(c);
    this.run(c);
    // The value only matters as a relationship operand (`Package <| |> -> File <| |>`), where it
    // stands for every resource the collector finds by the end, so the collector itself is passed.
    return c;
  }

  /** Runs every collector again; true when one realized a resource. */
  runAll(): boolean {
    let changed = false;
    for (const c of this.list) if (this.run(c)) changed = true;
    return changed;
  }

  /** Realizes virtual resources by reference (the realize function). */
  realize(refs: Value[], frame: Frame, at: A.Range): void {
    for (const x of refs.flat(Infinity as 1)) {
      const ref = referenceString(x);
      if (!ref) throw errorAt('KSP-RES-014', { value: describe(x) }, frame, at);
      const r = this.table.declared(ref);
      if (!r) throw errorAt('KSP-RES-015', { ref }, frame, at);
      r.virtual = false;
    }
  }

  /** Realizes the virtual (or exported) resources a collector's query selects. */
  private run(c: Collector): boolean {
    const t = this.evaluator.evaluate(c.e.typeRef, c.frame);
    const typeName = t instanceof ResourceType ? t.typeName : undefined;
    if (!typeName) throw errorAt('KSP-RES-008', { value: describe(t) }, c.frame, c.e.typeRef);
    const type = capitalizeType(typeName);
    let changed = false;
    for (const r of this.table.all) {
      if (r.type !== type || c.found.has(r)) continue;
      if (c.e.query.kind === 'ExportedQuery' && !r.exported) continue;
      if (c.e.query.expr && !this.queryMatches(c.e.query.expr, r, c.frame)) continue;
      c.found.add(r);
      if (r.virtual) {
        r.virtual = false;
        changed = true;
      }
      if (c.e.operations.length) this.overrides.applyCollected(resourceType(typeName, r.title), c.e.operations, c.frame, c.e);
    }
    return changed;
  }

  private queryMatches(q: A.Expression, r: ResourceState, frame: Frame): boolean {
    switch (q.kind) {
      case 'ParenthesizedExpression': return this.queryMatches(q.expr, r, frame);
      case 'BinaryExpression': {
        if (q.operator === 'and' || q.operator === 'or') {
          // `a and b or c …` leans left as deep as it is long: down its left side in a loop
          const links: A.BinaryExpression[] = [];
          let first: A.Expression = q;
          for (; first.kind === 'BinaryExpression' && (first.operator === 'and' || first.operator === 'or'); first = first.left) links.push(first);
          let v = this.queryMatches(first, r, frame);
          for (let i = links.length - 1; i >= 0; i--) {
            const link = links[i];
            v = link.operator === 'and' ? v && this.queryMatches(link.right, r, frame) : v || this.queryMatches(link.right, r, frame);
          }
          return v;
        }
        if (q.operator !== '==' && q.operator !== '!=') throw errorAt('KSP-EVAL-038', {}, frame, q);
        if (q.left.kind !== 'QualifiedName') throw errorAt('KSP-EVAL-039', {}, frame, q.left);
        const attr = q.left.value;
        const want = this.evaluator.evaluate(q.right, frame);
        const have: Value = attr === 'title' ? r.title : attr === 'tag' ? [...effectiveTags(r)] : r.params.get(attr);
        const eq = attr === 'tag'
          ? (have as Value[]).some((x) => typeof want === 'string' && x === want.toLowerCase())
          : Array.isArray(have) ? have.some((x) => puppetEquals(x, want)) : puppetEquals(have, want);
        return q.operator === '==' ? eq : !eq;
      }
      default:
        throw errorAt('KSP-EVAL-040', {}, frame, q);
    }
  }
}
