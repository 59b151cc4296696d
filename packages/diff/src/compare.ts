// Compares two catalogs of one node. Pure: the catalogs and, for `puppet:///` sources, a way to
// read the file each side would serve.
import type { Catalog, CatalogResource, CatalogValue } from '@kasper/catalog';
import { CatalogFloat, CatalogInteger, RELATIONSHIP_PARAMETERS, formatRef, isRelationshipParameter, parseRef, refKey, secretParameters } from '@kasper/catalog';
import { structuredPatch } from 'diff';
import {
  canonical, emptyChangeSet, type ChangeSet, type EdgeEntry, type JsonValue, type ParameterChange, type ResourceChange, type ResourceEntry,
} from './model.ts';
import { raise } from './messages.ts';

export interface DiffOptions {
  /** Resource references to leave out, with `*` wildcards: `File[/tmp/*]`, `Exec[*]`. */
  ignore?: string[];
  /** Parameters to leave out, `Type.param` (type `*` for any): `File.mode`, `*.loglevel`. */
  ignoreParams?: string[];
  /** Do not compare resource tags. */
  ignoreTags?: boolean;
}

/** What a `source => 'puppet:///…'` names on one side: its text, or a digest when not text. */
export interface SourceContent {
  text?: string;
  digest: string;
}

export type SourceReader = (url: string) => SourceContent | undefined;

/** Not changes a person cares about: where the code sits moves with every edit above it. */
const CONTAINERS = new Set(['Class', 'Stage', 'Node']);
const MAX_DIFF_LINES = 2000;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`, 's');
}

export class Comparer {
  private readonly ignoreRefs: RegExp[];
  private readonly ignoreParams: { type: RegExp; param: string }[];
  private readonly ignoreTags: boolean;

  constructor(options: DiffOptions = {}) {
    this.ignoreRefs = (options.ignore ?? []).map((g) => {
      // Types compare without regard to case, as Puppet's references do.
      const m = /^([^[]+)\[(.*)\]$/s.exec(g);
      if (!m) throw raise('KSP-DIFF-001', { pattern: g });
      const type = m[1].split('::').map((s) => (s === '*' ? s : s[0].toUpperCase() + s.slice(1).toLowerCase())).join('::');
      return globToRegExp(`${type}[${m[2]}]`);
    });
    this.ignoreParams = (options.ignoreParams ?? []).map((p) => {
      const i = p.lastIndexOf('.');
      if (i <= 0 || i === p.length - 1) throw raise('KSP-DIFF-002', { pattern: p });
      return { type: new RegExp(globToRegExp(p.slice(0, i)).source, 'i'), param: p.slice(i + 1).toLowerCase() };
    });
    this.ignoreTags = options.ignoreTags ?? false;
  }

  private ignored(ref: string): boolean {
    return this.ignoreRefs.some((r) => r.test(ref));
  }

  private paramIgnored(type: string, param: string): boolean {
    return this.ignoreParams.some((p) => p.param === param && p.type.test(type));
  }

  compare(from: Catalog, to: Catalog, readFrom?: SourceReader, readTo?: SourceReader): ChangeSet {
    const out = emptyChangeSet();
    const before = indexResources(from);
    const after = indexResources(to);
    for (const [ref, r] of after) {
      if (this.ignored(ref)) continue;
      const old = before.get(ref);
      if (!old) {
        if (!CONTAINERS.has(r.type)) out.resources.added.push(entry(ref, r));
        continue;
      }
      const change = this.compareResource(ref, old, r, readFrom, readTo);
      if (change) out.resources.changed.push(change);
    }
    for (const [ref, r] of before) {
      if (!after.has(ref) && !this.ignored(ref) && !CONTAINERS.has(r.type)) out.resources.removed.push(entry(ref, r));
    }
    // Edges only between resources both sides have: those of added or removed resources are
    // told by the resources themselves.
    const both = (e: EdgeEntry) => before.has(e.source) && after.has(e.source) && before.has(e.target) && after.has(e.target)
      && !this.ignored(e.source) && !this.ignored(e.target);
    const oldEdges = edgesOf(from, before);
    const newEdges = edgesOf(to, after);
    for (const [k, e] of newEdges) if (!oldEdges.has(k) && both(e)) out.edges.added.push(e);
    for (const [k, e] of oldEdges) if (!newEdges.has(k) && both(e)) out.edges.removed.push(e);
    const oldClasses = new Set(from.classes);
    const newClasses = new Set(to.classes);
    out.classes.added = to.classes.filter((c) => !oldClasses.has(c) && !this.ignored(refKey('Class', c)));
    out.classes.removed = from.classes.filter((c) => !newClasses.has(c) && !this.ignored(refKey('Class', c)));
    for (const list of [out.resources.added, out.resources.removed, out.resources.changed]) list.sort((a, b) => a.ref.localeCompare(b.ref));
    for (const list of [out.edges.added, out.edges.removed]) list.sort((a, b) => edgeKey(a).localeCompare(edgeKey(b)));
    return out;
  }

  private compareResource(ref: string, old: CatalogResource, now: CatalogResource, readFrom?: SourceReader, readTo?: SourceReader): ResourceChange | null {
    const changes: ParameterChange[] = [];
    const names = new Set([...old.parameters.keys(), ...now.parameters.keys()]);
    const sensitive = new Set([...secretParameters(old.sensitiveParameters, old.parameters), ...secretParameters(now.sensitiveParameters, now.parameters)]);
    for (const name of [...names].sort()) {
      // Relationships are told as edges; the `tag` metaparameter as the resource's tags.
      if (isRelationshipParameter(name) || name === 'tag' || this.paramIgnored(now.type, name)) continue;
      const a = old.parameters.get(name);
      const b = now.parameters.get(name);
      const av = a === undefined ? undefined : toJson(a);
      const bv = b === undefined ? undefined : toJson(b);
      const same = av !== undefined && bv !== undefined && canonical(av) === canonical(bv);
      if (name === 'source' && now.type === 'File' && av !== undefined && bv !== undefined) {
        const c = sourceChange(av, bv, readFrom, readTo);
        if (c) changes.push(c);
        continue;
      }
      if (same) continue;
      const change: ParameterChange = { name, status: av === undefined ? 'added' : bv === undefined ? 'removed' : 'changed' };
      if (sensitive.has(name)) change.sensitive = true;
      else {
        if (av !== undefined) change.from = av;
        if (bv !== undefined) change.to = bv;
        if (isText(av) || isText(bv)) change.diff = unifiedDiff(typeof av === 'string' ? av : '', typeof bv === 'string' ? bv : '', ref, name);
      }
      changes.push(change);
    }
    let tags: ResourceChange['tags'];
    if (!this.ignoreTags) {
      const a = new Set(old.tags);
      const b = new Set(now.tags);
      const added = now.tags.filter((t) => !a.has(t));
      const removed = old.tags.filter((t) => !b.has(t));
      if (added.length || removed.length) tags = { added, removed };
    }
    if (changes.length === 0 && !tags) return null;
    const change: ResourceChange = { ref, parameters: changes };
    if (now.file !== undefined) change.file = now.file;
    if (now.line !== undefined) change.line = now.line;
    if (tags) change.tags = tags;
    return change;
  }
}

function indexResources(c: Catalog): Map<string, CatalogResource> {
  const m = new Map<string, CatalogResource>();
  for (const r of c.resources) m.set(refKey(r.type, r.title), r);
  return m;
}

function entry(ref: string, r: CatalogResource): ResourceEntry {
  const parameters: Record<string, JsonValue> = {};
  const sensitive = secretParameters(r.sensitiveParameters, r.parameters);
  for (const [k, v] of r.parameters) parameters[k] = sensitive.has(k) ? '[redacted]' : toJson(v);
  const e: ResourceEntry = { ref, parameters };
  if (r.file !== undefined) e.file = r.file;
  if (r.line !== undefined) e.line = r.line;
  return e;
}

const edgeKey = (e: EdgeEntry) => `${e.source}\u0000${e.kind}\u0000${e.target}`;

/** Containment edges and the relationships the metaparameters declare, each as source → target. */
function edgesOf(c: Catalog, resources: Map<string, CatalogResource>): Map<string, EdgeEntry> {
  const out = new Map<string, EdgeEntry>();
  const add = (e: EdgeEntry) => out.set(edgeKey(e), e);
  for (const e of c.edges) add({ source: e.source, target: e.target, kind: 'contains' });
  for (const [ref, r] of resources) {
    for (const param of RELATIONSHIP_PARAMETERS) {
      const v = r.parameters.get(param);
      if (v === undefined) continue;
      for (const other of (Array.isArray(v) ? v : [v])) {
        if (typeof other !== 'string') continue;
        const kind = param === 'before' || param === 'require' ? 'before' : 'notify';
        const forward = param === 'before' || param === 'notify';
        add(forward ? { source: ref, target: normalizeRef(other), kind } : { source: normalizeRef(other), target: ref, kind });
      }
    }
  }
  return out;
}

/** `file[/x]` and `File['/x']` name the same resource as `File[/x]`. */
function normalizeRef(text: string): string {
  const ref = parseRef(text);
  return ref ? formatRef(ref) : text;
}

export function toJson(v: CatalogValue): JsonValue {
  if (v instanceof CatalogFloat) return v.value;
  // Beyond 2^53: the digits, so two different big Integers never compare equal.
  if (v instanceof CatalogInteger) return String(v.value);
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object') {
    const o: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJson(x);
    return o;
  }
  return v;
}

const isText = (v: JsonValue | undefined): boolean => typeof v === 'string' && v.includes('\n');

/** A unified diff with three lines of context, headed by the resource and parameter. */
export function unifiedDiff(a: string, b: string, ref: string, what: string): string {
  const patch = structuredPatch(`${ref} ${what}`, `${ref} ${what}`, a, b, 'from', 'to', { context: 3 });
  const lines = [`--- ${ref} ${what} (from)`, `+++ ${ref} ${what} (to)`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) lines.push(l);
    if (lines.length > MAX_DIFF_LINES) {
      lines.push(`… (diff cut at ${MAX_DIFF_LINES} lines)`);
      break;
    }
  }
  return lines.join('\n');
}

/** The source URL and, read from each code version, the file it serves. */
function sourceChange(a: JsonValue, b: JsonValue, readFrom?: SourceReader, readTo?: SourceReader): ParameterChange | null {
  const urlChanged = canonical(a) !== canonical(b);
  const first = (v: JsonValue): string | undefined => (Array.isArray(v) ? (v.find((x) => typeof x === 'string') as string | undefined) : typeof v === 'string' ? v : undefined);
  const fa = first(a);
  const fb = first(b);
  const ca = fa && readFrom ? readFrom(fa) : undefined;
  const cb = fb && readTo ? readTo(fb) : undefined;
  const contentChanged = (ca !== undefined || cb !== undefined) && ca?.digest !== cb?.digest;
  if (!urlChanged && !contentChanged) return null;
  const change: ParameterChange = { name: 'source', status: 'changed', from: a, to: b };
  if (!urlChanged) change.sourceContentChanged = true;
  if (contentChanged) {
    if ((ca === undefined || ca.text !== undefined) && (cb === undefined || cb.text !== undefined)) {
      change.diff = unifiedDiff(ca?.text ?? '', cb?.text ?? '', fb ?? fa ?? 'source', 'file');
    } else {
      change.diff = `Binary files differ (${ca?.digest ?? 'missing'} → ${cb?.digest ?? 'missing'})`;
    }
  }
  return change;
}
