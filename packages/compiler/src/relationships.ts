// Relationships: the arrows (`->`, `~>`, `<-`, `<~`), gathered while the code runs and turned
// into `before`/`notify` parameters at the end, when every resource they name must exist; and
// the check that relationship metaparameters name resources in the catalog.
import type * as A from '@kasper/language';
import { parseManifest } from '@kasper/language';
import { RELATIONSHIP_PARAMETERS } from '@kasper/catalog';
import { raise } from './messages.ts';
import { errorAt, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import { Collector } from './collectors.ts';
import { referenceString, type ResourceState } from './resources.ts';
import { locate } from './loader.ts';
import type { ResourceTable } from './resource-table.ts';
import { classType, describe, resourceType } from './types/index.ts';
import type { Value } from './values.ts';

interface PendingRelation {
  op: '->' | '~>' | '<-' | '<~';
  left: Value;
  right: Value;
  frame: Frame;
  at: A.Range;
}

export class Relationships {
  private readonly evaluator: Evaluator;
  private readonly table: ResourceTable;
  private readonly pending: PendingRelation[] = [];
  /**
   * A collector alone on the right of an arrow remembers the arrow's left side: when it collects
   * nothing, the next arrow in the chain starts from there (`a -> Pkg <| nomatch |> -> b` orders
   * a before b), as Puppet's empty alternative does.
   */
  private readonly emptyAlternative = new Map<Collector, Value>();

  constructor(evaluator: Evaluator, table: ResourceTable) {
    this.evaluator = evaluator;
    this.table = table;
  }

  /**
   * `a -> b`: noted for the end; the value is the right side, so arrows chain — or the left side
   * when the right is empty, so `a -> [] -> b` orders a before b.
   */
  add(e: A.RelationshipExpression, frame: Frame): Value {
    const left = this.evaluator.evaluate(e.left, frame);
    const right = this.evaluator.evaluate(e.right, frame);
    this.pending.push({ op: e.operator, left, right, frame, at: e });
    const rights = Array.isArray(right) ? right.flat(Infinity as 1) : [right];
    if (rights.length === 0) return left;
    if (rights.length === 1 && rights[0] instanceof Collector) this.emptyAlternative.set(rights[0], left);
    return right;
  }

  /** At the end: every arrow becomes a parameter of its source resources. */
  applyAll(): void {
    for (const rel of this.pending) this.apply(rel);
  }

  /**
   * Relationship metaparameters must name resources in the catalog. As Puppet, the parameters
   * are checked in the order they were set, and an error is placed at the parameter's attribute
   * (the resource's place for one an arrow or a function set).
   */
  checkReferences(r: ResourceState): void {
    // Most resources have no relationship metaparameter: looked up, not found by walking every parameter.
    if (!r.params.has('before') && !r.params.has('notify') && !r.params.has('require') && !r.params.has('subscribe')) return;
    for (const [p, v] of r.params) {
      if (v === undefined || !RELATIONSHIP_PARAMETERS.includes(p as (typeof RELATIONSHIP_PARAMETERS)[number])) continue;
      for (const x of (Array.isArray(v) ? v : [v]).flat(Infinity as 1)) {
        const ref = referenceString(x);
        if (!ref) continue;
        const target = this.table.find(ref);
        // A virtual resource counts: Puppet checks before it drops unrealized resources.
        if (!target) {
          const set = r.paramSetBy.get(p);
          const where = set ? { ...locate(set.file, set.offset), column: 0 } : r.file ? { file: r.file, line: r.line ?? 0, column: 0 } : undefined;
          throw raise('KSP-RES-010', { ref, parameter: p, resource: r.ref }, where);
        }
      }
    }
  }

  /**
   * The source side of an arrow: a collector that found nothing stands for the arrow before it,
   * back to the first side that is not an empty collector.
   */
  private leftmost(v: Value): Value {
    const list = Array.isArray(v) ? v.flat(Infinity as 1) : [v];
    const c = list.length === 1 ? list[0] : undefined;
    if (!(c instanceof Collector) || c.found.size > 0) return v;
    const alt = this.emptyAlternative.get(c);
    return alt === undefined ? [] : this.leftmost(alt);
  }

  private targets(v: Value, rel: PendingRelation): ResourceState[] {
    if (v instanceof Collector) return [...v.found];
    const list = Array.isArray(v) ? v.flat(Infinity as 1) : [v];
    const out: ResourceState[] = [];
    for (const x of list) {
      if (x instanceof Collector) {
        out.push(...x.found);
        continue;
      }
      const ref = referenceString(typeof x === 'string' ? this.fromString(x, rel) : x);
      if (!ref) throw errorAt('KSP-RES-011', { value: describe(x) }, rel.frame, rel.at);
      const r = this.table.find(ref);
      if (!r) throw errorAt('KSP-RES-003', { ref }, rel.frame, rel.at);
      out.push(r);
    }
    return out;
  }

  /**
   * A string on an arrow is read as a type, as Puppet's type parser reads it: `'Notify[b]'` is
   * the reference, `'notify[b]'` is no type at all. Only a name and literal keys are read.
   */
  private fromString(text: string, rel: PendingRelation): Value {
    const parsed = parseManifest(text, '<relationship operand>');
    const e = parsed.program.body[0];
    const literal = (k: A.Expression) => k.kind === 'LiteralString' || k.kind === 'QualifiedName' || k.kind === 'QualifiedReference' || k.kind === 'LiteralNumber';
    const ok = e && parsed.program.body.length === 1 && !parsed.diagnostics.some((d) => d.severity === 'error')
      && (e.kind === 'QualifiedReference' || (e.kind === 'AccessExpression' && e.target.kind === 'QualifiedReference' && e.keys.every(literal)));
    if (!ok) throw errorAt('KSP-RES-029', { text }, rel.frame, rel.at);
    return this.evaluator.evaluate(e, rel.frame);
  }

  /** `a -> b` adds b to a's `before`; `~>` to `notify`; the arrows pointing left swap sides. */
  private apply(rel: PendingRelation): void {
    const forward = rel.op === '->' || rel.op === '~>';
    const [source, target] = forward ? [rel.left, rel.right] : [rel.right, rel.left];
    const sources = [...new Set(this.targets(this.leftmost(source), rel))];
    const targets = [...new Set(this.targets(target, rel))];
    const param = rel.op === '->' || rel.op === '<-' ? 'before' : 'notify';
    for (const s of sources) {
      if (s.virtual) continue;
      // An arrow to an unrealized virtual resource stays, as Puppet writes it.
      for (const t of targets) {
        const old = s.params.get(param);
        const list = old === undefined ? [] : Array.isArray(old) ? old : [old];
        s.params.set(param, [...list, t.kind === 'class' ? classType(t.title.toLowerCase()) : resourceType(t.type.toLowerCase(), t.title)]);
      }
    }
  }
}
