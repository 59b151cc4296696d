// Resource declarations: `type { 'title': … }` expressions (with `default:` bodies and arrays of
// titles), and the resources functions declare (create_resources, ensure_resource, …).
import type * as A from '@kasper/language';
import { BUILTIN_RESOURCE_TYPES, METAPARAMETERS, capitalizeType, namevarFromTitle, namevarOf, refKey } from '@kasper/catalog';
import { errorAt, type Frame } from './frame.ts';
import { raise } from './messages.ts';
import type { Evaluator } from './evaluator.ts';
import type { Classes } from './classes.ts';
import { locate, normalizeName, type Loader } from './loader.ts';
import type { ResourceDefaults } from './overrides.ts';
import type { ResourceState } from './resources.ts';
import type { ResourceTable } from './resource-table.ts';
import { ClassType, ResourceType, classType, describe, resourceType } from './types/index.ts';
import type { Value } from './values.ts';

/** What a resource type name is: built in, a defined type, or a module's Ruby type. */
export type DeclarableKind = 'builtin' | 'define' | 'custom';

export class Declarations {
  private readonly evaluator: Evaluator;
  private readonly table: ResourceTable;
  private readonly defaults: ResourceDefaults;
  private readonly classes: Classes;
  private readonly loader: Loader;

  constructor(evaluator: Evaluator, table: ResourceTable, defaults: ResourceDefaults, classes: Classes, loader: Loader) {
    this.evaluator = evaluator;
    this.table = table;
    this.defaults = defaults;
    this.classes = classes;
    this.loader = loader;
  }

  kindOf(typeName: string): DeclarableKind | null {
    const n = normalizeName(typeName);
    if (BUILTIN_RESOURCE_TYPES.has(n)) return 'builtin';
    if (this.loader.findDefine(n)) return 'define';
    // Resource types written in Ruby in a module (lib/puppet/type/NAME.rb): known, not run.
    if (this.loader.customTypeExists(n)) return 'custom';
    return null;
  }

  /** The resource `Type[title]`, by title or alias. */
  find(type: string, title: string): ResourceState | undefined {
    return this.table.find(refKey(capitalizeType(type), title));
  }

  /** `type { title: … }`: declares resources and returns references to them. */
  declare(e: A.ResourceExpression, frame: Frame): Value {
    const typeValue = this.evaluator.evaluate(e.typeName, frame);
    let typeName: string;
    if (typeof typeValue === 'string') typeName = typeValue;
    else if (typeValue instanceof ResourceType && typeValue.typeName) typeName = typeValue.typeName;
    else if (typeValue instanceof ClassType && !typeValue.className) typeName = 'class';
    else throw errorAt('KSP-RES-006', { value: describe(typeValue) }, frame, e.typeName);
    typeName = normalizeName(typeName);
    const refs: Value[] = [];
    // `default:` bodies give defaults to the other bodies of the same expression.
    const defaultBody = e.bodies.find((b) => b.title.kind === 'LiteralDefault');
    for (const body of e.bodies) {
      if (body === defaultBody) continue;
      const titleValue = this.evaluator.evaluate(body.title, frame);
      // Arrays of titles flatten, as in Puppet (`[['a'], 'b']` is two titles).
      const titles = Array.isArray(titleValue) ? titleValue.flat(Infinity as 1) : [titleValue];
      for (let i = 0; i < titles.length; i++) {
        const t = titles[i];
        if (typeof t !== 'string') {
          throw errorAt('KSP-RES-009', { value: describe(t) }, frame, body.title);
        }
        if (t === '') throw errorAt('KSP-RES-023', { index: i }, frame, body.title);
        if (typeName === 'class') {
          const params = this.evaluator.attributes(body.operations, frame, defaultBody?.operations);
          const res = this.classes.declare(t, params, frame, body, e.form);
          this.table.placeParams(res, attributePlaces(body.operations, defaultBody?.operations), frame);
          refs.push(classType(normalizeName(t)));
          continue;
        }
        if (!this.kindOf(typeName)) throw errorAt('KSP-RES-002', { type: typeName }, frame, body);
        const params = this.evaluator.attributes(body.operations, frame, defaultBody?.operations);
        const r = this.create(typeName, t, e.form, params, frame, body, e.start, undefined, attributePlaces(body.operations, defaultBody?.operations));
        refs.push(resourceType(typeName, r.title));
      }
    }
    return refs.length === 1 ? refs[0] : refs;
  }

  /**
   * Adds a resource to the catalog: for resource expressions, and for functions that declare
   * resources (create_resources, ensure_resource, ensure_packages).
   */
  create(
    typeName: string, title: string, form: A.ResourceForm, params: Map<string, Value>, frame: Frame, body: A.Range,
    expressionStart = body.start, titleValue?: Value, places?: Map<string, A.Range>,
  ): ResourceState {
    const kind = this.kindOf(typeName);
    if (!kind) throw errorAt('KSP-RES-002', { type: typeName }, frame, body);
    const type = capitalizeType(typeName);
    // Only classes run in stages (Puppet refuses `stage` on any other resource).
    if (params.has('stage')) throw errorAt('KSP-RES-028', { ref: refKey(type, title) }, frame, places?.get('stage') ?? body);
    // A title taken by another resource's alias (explicit, or its namevar's value) is taken too.
    const existing = this.table.find(refKey(type, title));
    if (existing) {
      const where = existing.file ? ` (file: ${existing.file}, line: ${existing.line})` : '';
      throw errorAt('KSP-RES-001', { type, title, where }, frame, body);
    }
    // Tags from a `tag` parameter come first, then the automatic ones, then the container's.
    const r = this.table.create(type, title, kind, frame.scope, frame.container, false);
    // Puppet gives every resource of one expression the line where the expression starts.
    const loc = locate(frame.file, expressionStart);
    r.file = loc.file;
    r.line = loc.line;
    r.declaredAt = expressionStart;
    r.virtual = form !== 'regular';
    r.exported = form === 'exported';
    if (titleValue !== undefined && typeof titleValue !== 'string') r.titleValue = titleValue;
    // A parameter is placed where its attribute is written (Puppet reports errors about it there).
    params.forEach((v, k) => this.table.setParam(r, k, v, frame, places?.get(k) ?? body));
    // Resource defaults (`File { … }`) that are in effect now, in this scope and the scopes
    // that declared it: Puppet applies them when the resource is created.
    this.defaults.for(type.toLowerCase(), frame.scope).forEach((v, k) => {
      if (!r.params.has(k)) this.table.setParam(r, k, v, frame, body);
    });
    this.aliasUniquenessKey(r, frame, body);
    r.addAutomaticTags();
    r.declaredIn = frame.container;
    // Puppet checks a define instance's parameter names at its statement, but a virtual or
    // exported one's only when the catalog is finished (checkDefineParams from there).
    if (kind === 'define' && !r.virtual) this.checkDefineParams(r, frame, body);
    return r;
  }

  /**
   * Puppet's catalog knows a resource by its title and by its uniqueness key, the values of its
   * type's key attributes: `file { 'a': path => '/x' }` also answers to File['/x'], so a second
   * file with that path (or titled '/x', or '/x/') is a conflict. Exec and tidy are exempt (not
   * isomorphic); a package's key is its name, provider and command together; a defined type's
   * its `name`. Module types' keys (title patterns in Ruby) are not computed.
   */
  private aliasUniquenessKey(r: ResourceState, frame: Frame, at: A.Range): void {
    const t = r.type.toLowerCase();
    let key: string;
    let shown: string;
    let existingShown: string;
    if (r.kind === 'builtin' && t === 'package') {
      const name = r.params.get('name') ?? r.title;
      const parts = [r.params.get('command'), name, r.params.get('provider')];
      if (!parts.every((p) => p === undefined || typeof p === 'string')) return;
      const ruby = (v: Value) => (v === undefined ? 'nil' : JSON.stringify(v));
      key = `${r.type}\0${parts.map((p) => p ?? '').join('\0')}`;
      shown = `[${parts.map(ruby).join(', ')}]`;
      existingShown = `["${r.type}", ${parts.map(ruby).join(', ')}]`;
    } else {
      let value: Value;
      if (r.kind === 'builtin') {
        if (t === 'exec' || t === 'tidy') return;
        value = r.params.get(namevarOf(t)) ?? namevarFromTitle(t, r.title);
      } else if (r.kind === 'define') {
        value = r.params.get('name') ?? r.title;
      } else {
        return;
      }
      if (typeof value !== 'string' || value === r.title) return;
      key = refKey(r.type, value);
      shown = `[${JSON.stringify(value)}]`;
      existingShown = `["${r.type}", ${JSON.stringify(value)}]`;
    }
    const other = this.table.find(key);
    if (other && other !== r) {
      const where = other.file ? ` (file: ${other.file}, line: ${other.line})` : '';
      throw errorAt('KSP-RES-020', { ref: r.ref, key: shown, existing: existingShown, where }, frame, at);
    }
    this.table.addAlias(key, r);
  }

  /** A define instance's parameters must be the define's, its metaparameters or `name`. */
  checkDefineParams(r: ResourceState, frame?: Frame, at?: A.Range): void {
    const def = this.loader.findDefine(r.type.toLowerCase())!;
    const allowed = new Set(def.node.parameters.map((p) => p.name));
    for (const k of r.params.keys()) {
      if (!allowed.has(k) && !METAPARAMETERS.has(k) && k !== 'name') {
        if (frame && at) throw errorAt('KSP-RES-004', { ref: r.ref, name: k }, frame, at);
        throw raise('KSP-RES-004', { ref: r.ref, name: k }, r.file ? { file: r.file, line: r.line ?? 0, column: 0 } : undefined);
      }
    }
  }
}

/** Where each attribute of a resource body is written (`default:` body first, overridden by the body's own). */
function attributePlaces(ops: A.AttributeOp[], defaults?: A.AttributeOp[]): Map<string, A.Range> {
  const out = new Map<string, A.Range>();
  if (defaults) for (let i = 0; i < defaults.length; i++) if (defaults[i].kind === 'AttributeOperation') out.set((defaults[i] as A.AttributeOperation).name, defaults[i]);
  for (let i = 0; i < ops.length; i++) if (ops[i].kind === 'AttributeOperation') out.set((ops[i] as A.AttributeOperation).name, ops[i]);
  return out;
}
