// Resources while a catalog is being compiled, and their conversion into the catalog.
import { Catalog, CatalogFloat, capitalizeType, catalogInteger, deferredData, PTYPE_KEY, PVALUE_KEY, refKey, richScalarData, sensitiveData, VALID_TAG, type CatalogValue } from '@kasper/catalog';
import { locate, type SourceFile } from './loader.ts';
import type { Scope } from './scope.ts';
import { DEFAULT, PBinary, PDeferred, PObject, PRegexp, PSemVer, PSemVerRange, PSensitive, PTimespan, PTimestamp, PURI, isType, type Value } from './values.ts';
import { ClassType, IntegerType, ResourceType, formatDeferred, formatValue, shownAttributes, typeByName } from './types/index.ts';

/** Where a parameter was set: a file and an offset in it (see placeText), and by whom. */
export interface ParamPlace {
  readonly file: SourceFile;
  readonly offset: number;
  /** The class, define or node whose code set it (its sourceOf is Puppet's "source", for override rules); null when not known. */
  readonly by: ResourceState | null;
}

/** `file:line` of a place a parameter was set. */
export function placeText(p: ParamPlace): string {
  const at = locate(p.file, p.offset);
  return `${at.file}:${at.line}`;
}

export type ResourceKind = 'builtin' | 'define' | 'class' | 'node' | 'stage' | 'custom';

export class ResourceState {
  /** Capitalised type: File, Class, Apt::Source. */
  readonly type: string;
  readonly title: string;
  readonly kind: ResourceKind;
  readonly params = new Map<string, Value>();
  /**
   * Where each parameter was set, to report conflicting overrides: the file and offset, turned
   * into `file:line` (placeText) only when an error names it — most parameters are never named —
   * and the class or define whose code set it, for override rules (paramSource).
   */
  readonly paramSetBy = new Map<string, ParamPlace>();
  readonly tags = new Set<string>();
  file: string | undefined;
  line: number | undefined;
  exported = false;
  virtual = false;
  /** The scope the resource was declared in: its defaults come from there (dynamically). */
  readonly scope: Scope;
  /** The class, define or node containing it (null for Stage[main]). */
  container: ResourceState | null;
  /** Classes that `contain` this class, in addition to its stage. */
  readonly alsoContainedBy: ResourceState[] = [];
  /** Defined types are evaluated after declaration, once. */
  evaluated = false;
  /** Offset of the declaring expression in its file, for errors found when a define is evaluated. */
  declaredAt = 0;
  /** The class, define or node whose scope declared it: its tags end up on this resource. */
  declaredIn: ResourceState | null = null;
  /** A class declared resource-like (`class { 'x': }`): Puppet gives it a file, line and kind. */
  declaredAsResource = false;
  /**
   * The title as a function gave it when it was not a String (`ensure_resource('x', 80)`): Puppet
   * keeps the Integer for `$title`/`$name`, adds no title tag, and puts `name => "80"` in the catalog.
   */
  titleValue: Value = undefined;
  /** The node whose exported resource this is, when it was collected from the master's storage. */
  collectedFrom: string | undefined = undefined;

  constructor(type: string, title: string, kind: ResourceKind, scope: Scope, container: ResourceState | null) {
    this.type = type;
    this.title = title;
    this.kind = kind;
    this.scope = scope;
    this.container = container;
  }

  /** The class or define whose code set a parameter (sourceOf it), for override rules. */
  paramSource(name: string): string | undefined {
    const by = this.paramSetBy.get(name)?.by;
    return by ? sourceOf(by) : undefined;
  }

  /** `Type[title]`, made once (type and title never change; every edge and check asks for it). */
  get ref(): string {
    return (this.refText ??= refKey(this.type, this.title));
  }

  private refText: string | undefined = undefined;

  /** Tags as Puppet adds them: the type, the title when it is a valid tag, then given ones. */
  addAutomaticTags(): void {
    addTag(this.tags, this.type.toLowerCase());
    if (this.kind !== 'class' && this.kind !== 'node' && this.titleValue === undefined) addTag(this.tags, this.title);
  }
}

/** The class or defined type whose code is running: Puppet's "source" of what it sets. */
export function sourceOf(container: ResourceState): string {
  if (container.type === 'Class') return container.title.toLowerCase();
  if (container.type === 'Node') return '';
  return container.type.toLowerCase();
}

/** A resource's tags including those it will get from its declaring scopes. */
export function effectiveTags(r: ResourceState): Set<string> {
  const out = new Set(r.tags);
  for (let d = r.declaredIn; d; d = d.declaredIn) for (const t of d.tags) out.add(t);
  return out;
}

const TAG = VALID_TAG;

/** Adds a tag (lower-cased) and, for qualified names, each of their segments, as Puppet does. */
export function addTag(tags: Set<string>, tag: string): void {
  const t = tag.toLowerCase();
  if (tags.has(t)) return; // valid, and its segments added, when it was added
  if (!TAG.test(t)) return;
  tags.add(t);
  if (t.includes('::')) for (const seg of t.split('::')) if (seg) tags.add(seg);
}

/** Resource references in parameters: File['/x'] → "File[/x]". */
export function referenceString(v: Value): string | undefined {
  if (v instanceof ResourceType && v.typeName && v.title !== undefined) return refKey(capitalizeType(v.typeName), v.title);
  if (v instanceof ClassType && v.className) return refKey('Class', capitalizeType(v.className));
  return undefined;
}

/**
 * A compiled value as it goes into the catalog JSON. With `plain` (Puppet's plain JSON), a value
 * that is not data (a Deferred, SemVer, URI, Binary, Timestamp, an Object …) becomes what `plain`
 * makes of it (a String, with a warning); without, rich data as Puppet 7 writes it (richValue).
 */
export function toCatalogValue(v: Value, plain?: (v: Value) => CatalogValue): CatalogValue | undefined {
  if (!plain) return v instanceof PSensitive ? richValue(v.value, true) : richValue(v, true);
  if (v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return catalogInteger(v);
  if (typeof v === 'number') return Number.isInteger(v) ? new CatalogFloat(v) : v;
  if (v === DEFAULT) return 'default';
  if (v instanceof PRegexp) return v.toString();
  if (v instanceof PSensitive) return toCatalogValue(v.value, plain) ?? null;
  if (isRich(v)) return plain(v);
  if (Array.isArray(v)) return v.map((x) => nested(x, plain));
  if (v instanceof Map) {
    const o: { [k: string]: CatalogValue } = {};
    for (const [k, x] of v) o[typeof k === 'string' ? k : formatValue(k)] = nested(x, plain);
    return o;
  }
  const ref = referenceString(v);
  if (ref) return ref;
  return formatValue(v);
}

/**
 * A value inside a parameter's array or hash: a Sensitive there stays Sensitive,
 * `{"__ptype": "Sensitive", "__pvalue": …}`, as Puppet 7 writes it with or without rich data
 * (its data converter always does); only a parameter that is Sensitive as a whole is unwrapped
 * (and named in sensitive_parameters).
 */
function nested(v: Value, plain: (v: Value) => CatalogValue): CatalogValue {
  if (v instanceof PSensitive) return sensitiveData(nested(v.value, plain));
  return toCatalogValue(v, plain) ?? null;
}

/** The values Puppet's plain JSON cannot carry and turns into Strings (with a warning). */
function isRich(v: Value): boolean {
  return v instanceof PDeferred || v instanceof PSemVer || v instanceof PSemVerRange || v instanceof PURI || v instanceof PBinary
    || v instanceof PObject || v instanceof PTimestamp || v instanceof PTimespan;
}

/** The String plain JSON holds instead of a rich value (a Deferred's with its Sensitive arguments hidden). */
export function richValueText(v: Value): string {
  return v instanceof PDeferred ? formatDeferred(v, true) : formatValue(v);
}

/** The Ruby class Puppet names in its warning about a rich value in plain JSON. */
export function richValueClass(v: Value): string {
  if (v instanceof PDeferred) return 'Deferred';
  if (v instanceof PSemVer) return 'SemanticPuppet::Version';
  if (v instanceof PSemVerRange) return 'SemanticPuppet::VersionRange';
  if (v instanceof PBinary) return 'Puppet::Pops::Types::PBinaryType::Binary';
  if (v instanceof PURI) return v.scheme === 'http' ? 'URI::HTTP' : v.scheme === 'https' ? 'URI::HTTPS' : 'URI::Generic';
  if (v instanceof PTimestamp) return 'Puppet::Pops::Time::Timestamp';
  if (v instanceof PTimespan) return 'Puppet::Pops::Time::Timespan';
  if (v instanceof PObject) return v.type.objectName ?? 'Object';
  return 'Object';
}

/** A Deferred as Puppet 7 writes it with rich data: what a master sends and an agent resolves. */
function richDeferred(d: PDeferred): CatalogValue {
  return deferredData(d.name, d.args?.map((x) => richValue(x)));
}

/**
 * A value as rich catalog data (@kasper/catalog's rich.ts), as Puppet 7 writes it for an agent:
 * a Sensitive stays Sensitive (`__ptype`), so the agent knows the result it feeds is secret;
 * SemVer, URI, Binary, Timestamp, Regexp … are `{__ptype, __pvalue}`, Object instances their
 * attributes under their type's name, an Integer beyond 2^53 exact. `inParameter`: a resource
 * reference is its text (`File[/x]`), as Puppet writes references in parameters; in a Deferred's
 * arguments it is a Pcore type.
 */
export function richValue(v: Value, inParameter = false): CatalogValue {
  const rich = (x: Value) => richValue(x, inParameter);
  if (v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return catalogInteger(v);
  if (typeof v === 'number') return Number.isInteger(v) ? new CatalogFloat(v) : v;
  if (v instanceof PSensitive) return sensitiveData(rich(v.value));
  if (v instanceof PDeferred) return richDeferred(v);
  if (Array.isArray(v)) return v.map(rich);
  if (v instanceof Map) {
    // A hash with a key that is not a String is a list of keys and values, as Puppet writes it.
    if ([...v.keys()].some((k) => typeof k !== 'string')) {
      return { [PTYPE_KEY]: 'Hash', [PVALUE_KEY]: [...v].flatMap(([k, x]) => [rich(k), rich(x)]) };
    }
    const o: { [k: string]: CatalogValue } = {};
    for (const [k, x] of v) o[k as string] = rich(x);
    return o;
  }
  if (inParameter) {
    const ref = referenceString(v);
    if (ref) return ref;
  }
  if (v instanceof PRegexp) return richScalarData('Regexp', v.pattern);
  if (v instanceof PSemVer) return richScalarData('SemVer', String(v));
  if (v instanceof PSemVerRange) return richScalarData('SemVerRange', v.text);
  if (v instanceof PURI) return richScalarData('URI', String(v));
  if (v instanceof PBinary) return richScalarData('Binary', String(v));
  if (v instanceof PTimestamp) return richScalarData('Timestamp', String(v));
  if (v instanceof PTimespan) return richScalarData('Timespan', String(v));
  if (v instanceof PObject) {
    const o: { [k: string]: CatalogValue } = { [PTYPE_KEY]: v.type.objectName ?? 'Object' };
    for (const [k, x] of shownAttributes(v)) o[k] = rich(x);
    return o;
  }
  if (v === DEFAULT) return { [PTYPE_KEY]: 'Default' };
  if (isType(v)) {
    // Types as Puppet's Pcore writes those an agent-side function is likely to take; others as text.
    if (v instanceof ResourceType && v.typeName) {
      const o: { [k: string]: CatalogValue } = { [PTYPE_KEY]: 'Pcore::ResourceType', type_name: capitalizeType(v.typeName) };
      if (v.title !== undefined) o.title = v.title;
      return o;
    }
    if (v instanceof ClassType && v.className) return { [PTYPE_KEY]: 'Pcore::ClassType', class_name: v.className };
    if (v instanceof IntegerType) {
      const o: { [k: string]: CatalogValue } = { [PTYPE_KEY]: 'Pcore::IntegerType' };
      if (v.min !== null) o.from = catalogInteger(v.min);
      if (v.max !== null) o.to = catalogInteger(v.max);
      return o;
    }
    if (String(v) === v.name && typeByName(v.name)) return { [PTYPE_KEY]: `Pcore::${v.name}Type` };
  }
  const ref = referenceString(v);
  if (ref) return ref;
  return formatValue(v);
}

const article = (s: string) => (/^[AEIOU]/i.test(s) ? `an ${s}` : `a ${s}`);

/** Puppet's `kind` of a catalog resource. */
const CATALOG_KIND: Record<ResourceKind, string> = {
  builtin: 'compilable_type', custom: 'compilable_type', stage: 'compilable_type',
  define: 'defined_type', class: 'unknown', node: 'unknown',
};

/** Builds the catalog from the compiled resources (in declaration order) and edges. */
export interface CatalogOptions {
  /**
   * Rich data (the default): Deferred values as `{"__ptype": "Deferred", …}`, as a master sends
   * them. false: as Puppet's plain `puppet catalog compile` prints them, Strings, each with a
   * `warn`ing (what Puppet logs then).
   */
  richData?: boolean;
  warn?: (message: string, r: ResourceState) => void;
  /**
   * Clear texts decrypted from eyaml data: a parameter whose value holds one is marked sensitive
   * even without `convert_to: Sensitive`, so agents, reports, diffs and storage redact it.
   */
  secrets?: string[];
}

/** Whether a value holds one of `secrets` in one of its strings (keys included). */
function holdsSecret(v: Value, secrets: string[]): boolean {
  if (typeof v === 'string') return secrets.some((s) => v.includes(s));
  if (Array.isArray(v)) return v.some((x) => holdsSecret(x, secrets));
  if (v instanceof Map) for (const [k, x] of v) if (holdsSecret(k, secrets) || holdsSecret(x, secrets)) return true;
  return false;
}

export function buildCatalog(
  name: string, environment: string, resources: ResourceState[], classes: string[], catalogTags: Set<string>, version: number | string,
  options: CatalogOptions = {},
): Catalog {
  const catalog = new Catalog(name, environment, version);
  const tags = new Set<string>(catalogTags);
  // Exported resources stay in the catalog, marked, for storeconfigs; virtual ones do not.
  const inCatalog = (r: ResourceState) => !r.virtual || r.exported;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    if (!inCatalog(r)) continue;
    const parameters = new Map<string, CatalogValue>();
    const sensitive: string[] = [];
    // forEach, not for…of: no iterator result and [key, value] pair per parameter (a one-shot
    // compile runs without TurboFan, which would have optimised them away).
    r.params.forEach((v, k) => {
      if (v === undefined) return;
      if (v instanceof PSensitive || (options.secrets?.length && holdsSecret(v, options.secrets))) sensitive.push(k);
      // Without rich data, a Deferred, SemVer, Binary … becomes its text, with Puppet's warning.
      const cv = options.richData === false
        ? toCatalogValue(v, (x) => {
          const text = richValueText(x);
          options.warn?.(`${r.ref}['${k}'] contains ${article(richValueClass(x))} value. It will be converted to the String '${text}'`, r);
          return text;
        })
        : toCatalogValue(v);
      if (cv !== undefined) parameters.set(k, cv);
    });
    catalog.add({ type: r.type, title: r.title, tags: [...r.tags], file: r.file, line: r.line, exported: r.exported, kind: r.declaredAsResource ? 'class' : CATALOG_KIND[r.kind], parameters, sensitiveParameters: sensitive.length ? sensitive : undefined,
      ...(r.exported && !r.virtual ? { collected: true } : {}) });
  }
  // Puppet also tags the catalog with each class name it adds (and its segments).
  for (const c of classes) addTag(tags, c);
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i];
    if (!inCatalog(r) || !r.container) continue;
    catalog.addEdge(r.container.ref, r.ref);
    for (const c of r.alsoContainedBy) catalog.addEdge(c.ref, r.ref);
  }
  catalog.classes = classes;
  catalog.tags = [...tags];
  return catalog;
}
