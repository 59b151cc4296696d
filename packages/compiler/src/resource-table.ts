// The resources declared so far: in declaration order, by reference and by alias; and how a
// parameter is set on one (tags, aliases, and who set what, for the override rules).
import type * as A from '@kasper/language';
import { namevarFromTitle, refKey, VALID_TAG } from '@kasper/catalog';
import { errorAt, type Frame } from './frame.ts';
import { ResourceState, addTag, type ResourceKind } from './resources.ts';
import type { Scope } from './scope.ts';
import type { Value } from './values.ts';

/** Every resource declared so far, in declaration order, by `Type[title]` and by alias. */
export class ResourceTable {
  readonly all: ResourceState[] = [];
  private readonly byRef = new Map<string, ResourceState>();
  private readonly aliases = new Map<string, ResourceState>();

  create(type: string, title: string, kind: ResourceKind, scope: Scope, container: ResourceState | null, autoTags = true): ResourceState {
    const r = new ResourceState(type, title, kind, scope, container);
    if (autoTags) r.addAutomaticTags();
    this.all.push(r);
    this.byRef.set(r.ref, r);
    return r;
  }

  /** The resource declared with this reference (`File[/x]`), not one of that alias. */
  declared(ref: string): ResourceState | undefined {
    return this.byRef.get(ref);
  }

  /** The resource with this reference or alias. */
  find(ref: string): ResourceState | undefined {
    const hit = this.byRef.get(ref) ?? this.aliases.get(ref);
    if (hit || !ref.startsWith('File[')) return hit;
    // A file is found by its path too: File['/tmp/x/'] is the file '/tmp/x' (Puppet's title pattern).
    const title = ref.slice('File['.length, -1);
    const path = namevarFromTitle('file', title);
    if (path === undefined || path === title) return undefined;
    const key = refKey('File', path);
    return this.byRef.get(key) ?? this.aliases.get(key);
  }

  /** Registers another name the resource answers to (its namevar's value, when not its title). */
  addAlias(key: string, r: ResourceState): void {
    this.aliases.set(key, r);
  }

  /** Sets a parameter, noting where and by whom; `tag` adds tags and `alias` registers names. */
  setParam(r: ResourceState, name: string, value: Value, frame: Frame, at: A.Range): void {
    if (name === 'tag') {
      const tags = Array.isArray(value) ? value : [value];
      for (const t of tags) {
        if (typeof t !== 'string') continue;
        // A tag written by hand must be a valid tag (titles that are not are just not tags).
        if (!VALID_TAG.test(t.toLowerCase())) throw errorAt('KSP-RES-024', { tag: t }, frame, at);
        addTag(r.tags, t);
      }
    }
    if (name === 'alias') {
      const names = Array.isArray(value) ? value : [value];
      for (const a of names) {
        if (typeof a !== 'string') continue;
        const key = refKey(r.type, a);
        const other = this.aliases.get(key) ?? this.byRef.get(key);
        if (other && other !== r) {
          throw errorAt('KSP-RES-005', { ref: r.ref, alias: a, key, where: other.file ? ` (file: ${other.file}, line: ${other.line})` : '' }, frame, at);
        }
        this.aliases.set(key, r);
      }
    }
    r.params.set(name, value);
    r.paramSetBy.set(name, { file: frame.file, offset: at.start, by: frame.container });
  }

  /** Records the attributes' places for parameters set from them (a class declared resource-like). */
  placeParams(r: ResourceState, places: Map<string, A.Range>, frame: Frame): void {
    for (const [name, at] of places) {
      if (!r.params.has(name)) continue;
      r.paramSetBy.set(name, { file: frame.file, offset: at.start, by: r.paramSetBy.get(name)?.by ?? null });
    }
  }
}
