// Collectors (`File <| tag == 'web' |>`, `<<| |>>` for exported resources) and realize():
// what makes virtual resources real. A collector runs again whenever new resources may have
// appeared, until the end of compilation.
import type * as A from '@kasper/language';
import { capitalizeType, refKey } from '@kasper/catalog';
import { errorAt, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import type { Overrides } from './overrides.ts';
import { effectiveTags, referenceString, type ResourceState } from './resources.ts';
import type { ExportedQuery, ExportedResource } from '@kasper/catalog';
import type { ResourceTable } from './resource-table.ts';
import { ResourceType, describe, resourceType } from './types/index.ts';
import { puppetEquals, type CollectorValue, type Value } from './values.ts';
import { fromData } from './facts.ts';

export type { ExportedQuery, ExportedResource };

/**
 * Gives the exported resources of type `type` (capitalised: `Host`, `Nagios::Service`) that the
 * other active nodes' latest catalogs hold and `query` selects (null: all). A master supplies
 * it from its storage; without it (`kasper apply`, `kasper compile`) nothing is collected from
 * other nodes, as `puppet apply` without storeconfigs.
 */
export type CollectExported = (type: string, query: ExportedQuery | null) => ExportedResource[];

/** Declares a collected resource in the collector's frame (set by the compilation: declarations come later). */
export type DeclareCollected = (typeName: string, title: string, params: Map<string, Value>, frame: Frame, at: A.Range) => ResourceState;

/** A collector: its query, where it was written, and what it found so far. */
export class Collector implements CollectorValue {
  readonly isCollector = true as const;
  readonly e: A.CollectExpression;
  readonly frame: Frame;
  readonly found = new Set<ResourceState>();
  /** An exported collector asks the store once: what other nodes exported does not change during a compile. */
  fetched = false;
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
  private readonly collectExported: CollectExported | undefined;
  private readonly thisNode: string;
  declareCollected: DeclareCollected | undefined;

  constructor(evaluator: Evaluator, table: ResourceTable, overrides: Overrides, thisNode: string, collectExported?: CollectExported) {
    this.evaluator = evaluator;
    this.table = table;
    this.overrides = overrides;
    this.thisNode = thisNode;
    this.collectExported = collectExported;
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
    // Without a store of other nodes' catalogs (no master: `kasper apply`, `kasper compile`) an
    // exported collector is ignored, this node's own exports too, as Puppet's without storeconfigs.
    if (c.e.query.kind === 'ExportedQuery' && !this.collectExported) return false;
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
    if (c.e.query.kind === 'ExportedQuery' && this.collectExported && !c.fetched) {
      c.fetched = true;
      if (this.collectFromStore(c, typeName, type)) changed = true;
    }
    return changed;
  }

  /**
   * Other nodes' exported resources the query selects become real resources of this catalog,
   * declared where the collector is (as Puppet adds them to the collector's scope). One already
   * here from another node, or declared by this one, is a duplicate: an error naming both.
   */
  private collectFromStore(c: Collector, typeName: string, type: string): boolean {
    const query = c.e.query.expr ? this.exportedQuery(c.e.query.expr, c.frame) : null;
    let found: ExportedResource[];
    try {
      found = this.collectExported!(type, query);
    } catch (e) {
      throw errorAt('KSP-RES-027', { reason: (e as Error).message }, c.frame, c.e);
    }
    // The same order on every master and every run: by node, then title.
    found = [...found].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    let changed = false;
    for (const x of found) {
      const existing = this.table.find(refKey(type, x.title));
      if (existing) {
        if (existing.collectedFrom === x.node) continue;
        const ref = `${type}[${x.title}]`;
        const first = existing.collectedFrom ? `node ${existing.collectedFrom}` : `this node (${this.thisNode})`;
        throw errorAt('KSP-RES-025', { ref, first, second: `node ${x.node}` }, c.frame, c.e);
      }
      const params = new Map<string, Value>();
      for (const [k, v] of Object.entries(x.parameters ?? {})) params.set(k, fromData(v));
      const r = this.declareCollected!(typeName, x.title, params, c.frame, c.e);
      r.collectedFrom = x.node;
      // As Puppet makes it from PuppetDB's answer: type, title and parameters only — its tags are
      // its own automatic ones and its `tag` parameter's (then its container's here), no file or line.
      r.file = undefined;
      r.line = undefined;
      c.found.add(r);
      changed = true;
      if (c.e.operations.length) this.overrides.applyCollected(resourceType(typeName, r.title), c.e.operations, c.frame, c.e);
    }
    return changed;
  }

  /** The query as data, its values evaluated here (they may use this node's variables). */
  private exportedQuery(q: A.Expression, frame: Frame): ExportedQuery {
    switch (q.kind) {
      case 'ParenthesizedExpression': return this.exportedQuery(q.expr, frame);
      case 'BinaryExpression': {
        if (q.operator === 'and' || q.operator === 'or') {
          return { op: q.operator, left: this.exportedQuery(q.left, frame), right: this.exportedQuery(q.right, frame) };
        }
        if (q.operator !== '==' && q.operator !== '!=') throw errorAt('KSP-EVAL-038', {}, frame, q);
        if (q.left.kind !== 'QualifiedName') throw errorAt('KSP-EVAL-039', {}, frame, q.left);
        const value = this.evaluator.evaluate(q.right, frame);
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
          throw errorAt('KSP-RES-026', { value: describe(value) }, frame, q.right);
        }
        return { op: q.operator, attribute: q.left.value, value };
      }
      default:
        throw errorAt('KSP-EVAL-040', {}, frame, q);
    }
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
