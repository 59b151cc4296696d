// Object types (Puppet's Pcore): `type Person = Object[{attributes => {name => String, age =>
// Integer}}]`, a parent to inherit attributes from, attributes with defaults (`{type => T, value
// => v}`) or fixed (`kind => constant`), and the built-in Error. Their instances are PObject
// values: made by `Person('Ann', 30)` or `Person({name => 'Ann', age => 30})`, read by
// `$p.name`, equal by their attributes (or the type's `equality` list), printed as Puppet prints
// them: `Person({'name' => 'Ann', 'age' => 30})`.
import { NOT_FOUND, PDeferred, PObject, PRegexp, hashGet, puppetEquals, type Value } from '../values.ts';
import { raise } from '../messages.ts';
import { Any, OptionalType, PType, VariantType, quote, resolve } from './base.ts';
import { StringType } from './scalars.ts';
import { HashType, StructType, type StructEntry } from './collections.ts';

export interface ObjectAttribute {
  name: string;
  type: PType;
  /** Whether a default was given (`value => undef` is one). */
  hasValue: boolean;
  value: Value;
  /** constant (value fixed), derived (computed, never given), given_or_derived, reference, or none. */
  kind: string | undefined;
  /** Whether the attribute was written as a hash (`{type => …}`), which is how Puppet prints it back. */
  written: 'type' | 'hash';
}

/** An Object type: named (by its alias or `name =>`), with a parent, attributes and functions. */
export class ObjectType extends PType {
  readonly name: string;
  /** The name the type was given; undefined for `Object[{…}]` without one (and bare Object). */
  readonly objectName: string | undefined;
  readonly parent: PType | undefined;
  readonly ownAttributes: ObjectAttribute[];
  /** Functions as declared (their Callable types), for printing; Kasper runs none but Error's message. */
  readonly functions: [string, PType][];
  readonly equality: string[] | undefined;
  /** Printed as written: `type_parameters => {…}` (Error's). */
  readonly typeParameters: [string, PType][];
  /** The init hash as given, for a copy under another name. */
  private readonly definition: Map<Value, Value>;
  /** The bare `Object`, the type of every Object (and not `Object[{}]`, an Object type with nothing in it). */
  readonly isBare: boolean;
  constructor(definition: Map<Value, Value>, nameOverride?: string, bare = false) {
    super();
    this.isBare = bare;
    this.definition = definition;
    const get = (k: string) => { const v = hashGet(definition, k); return v === NOT_FOUND ? undefined : v; };
    for (const k of definition.keys()) {
      if (typeof k !== 'string' || !OBJECT_KEYS.includes(k)) throw raise('KSP-RICH-020', { key: String(k) });
    }
    const n = nameOverride ?? get('name');
    if (n !== undefined && typeof n !== 'string') throw raise('KSP-RICH-021', { what: 'name', expected: 'a String' });
    this.objectName = n;
    this.name = n ?? 'Object';
    const parent = get('parent');
    if (parent !== undefined && !(parent instanceof PType)) throw raise('KSP-RICH-021', { what: 'parent', expected: 'a Type' });
    this.parent = parent;
    this.ownAttributes = [];
    const attrs = get('attributes');
    if (attrs !== undefined) {
      if (!(attrs instanceof Map)) throw raise('KSP-RICH-021', { what: 'attributes', expected: 'a Hash' });
      for (const [k, spec] of attrs) this.ownAttributes.push(attribute(k, spec));
    }
    this.functions = [];
    const fns = get('functions');
    if (fns instanceof Map) for (const [k, t] of fns) this.functions.push([String(k), t instanceof PType ? t : Any]);
    const eq = get('equality');
    this.equality = eq === undefined ? undefined : (Array.isArray(eq) ? eq : [eq]).map(String);
    this.typeParameters = [];
    const tp = get('type_parameters');
    if (tp instanceof Map) for (const [k, t] of tp) this.typeParameters.push([String(k), t instanceof PType ? t : Any]);
  }
  /** The same type under a name (`type Person = Object[{…}]` names it Person). */
  named(name: string): ObjectType {
    return new ObjectType(this.definition, name);
  }
  get parentType(): ObjectType | undefined {
    const p = this.parent ? resolve(this.parent) : undefined;
    return p instanceof ObjectType ? p : undefined;
  }
  /** Every attribute, the parent's first. */
  get attributes(): ObjectAttribute[] {
    const inherited = this.parentType?.attributes ?? [];
    const own = new Set(this.ownAttributes.map((a) => a.name));
    return [...inherited.filter((a) => !own.has(a.name)), ...this.ownAttributes];
  }
  /** The attributes `new` takes: not constant, not derived. */
  get initAttributes(): ObjectAttribute[] {
    return this.attributes.filter((a) => a.kind !== 'constant' && a.kind !== 'derived');
  }
  /** The attributes instances are compared by. */
  get equalityNames(): string[] {
    if (this.equality) return [...(this.parentType?.equalityNames ?? []), ...this.equality];
    return this.initAttributes.map((a) => a.name);
  }
  /** This type or one of its parents is `t`. */
  extends(t: ObjectType): boolean {
    for (let x: ObjectType | undefined = this; x; x = x.parentType) if (x === t || (x.objectName !== undefined && x.objectName === t.objectName && x.definition === t.definition)) return true;
    return false;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof PObject)) return this.isBare && v instanceof PDeferred;
    return this.isBare || v.type.extends(this);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (this.isBare) return o instanceof ObjectType || o.name === 'Deferred';
    return o instanceof ObjectType && o.extends(this);
  }
  /** An attribute's value as `$x.name` reads it (a constant's fixed value), or NOT_FOUND. */
  read(o: PObject, name: string): Value | typeof NOT_FOUND {
    const a = this.attributes.find((x) => x.name === name);
    if (!a) return NOT_FOUND;
    if (a.kind === 'constant') return a.value;
    return o.values.has(name) ? o.values.get(name) : a.hasValue ? a.value : undefined;
  }
  override toString(): string {
    if (this.isBare) return 'Object';
    const parts: string[] = [];
    if (this.objectName !== undefined) parts.push(`name => ${quote(this.objectName)}`);
    if (this.parent) parts.push(`parent => ${this.parent instanceof ObjectType && this.parent.objectName ? this.parent.objectName : String(this.parent)}`);
    if (this.typeParameters.length) parts.push(`type_parameters => {${this.typeParameters.map(([k, t]) => `${quote(k)} => ${t}`).join(', ')}}`);
    // A constant whose type is its value's is written under constants, as Puppet prints it.
    const isConstant = (a: ObjectAttribute) => a.kind === 'constant' && a.hasValue && a.value !== undefined && sameAsValueType(a);
    const attrs = this.ownAttributes.filter((a) => !isConstant(a));
    const constants = this.ownAttributes.filter(isConstant);
    if (attrs.length) parts.push(`attributes => {${attrs.map((a) => `${quote(a.name)} => ${attributeText(a)}`).join(', ')}}`);
    if (constants.length) parts.push(`constants => {${constants.map((a) => `${quote(a.name)} => ${quotedValue(a.value)}`).join(', ')}}`);
    if (this.functions.length) parts.push(`functions => {${this.functions.map(([k, t]) => `${quote(k)} => ${t}`).join(', ')}}`);
    if (this.equality) parts.push(`equality => [${this.equality.map(quote).join(', ')}]`);
    return `Object[{${parts.join(', ')}}]`;
  }
  /** How a reference to it reads inside other types: its name. */
  get shortName(): string {
    return this.objectName ?? this.toString();
  }
  override equals(other: PType): boolean {
    const o = resolve(other);
    return o === this || (o instanceof ObjectType && o.objectName === this.objectName && o.definition === this.definition);
  }
  override get constrained(): boolean {
    return !this.isBare;
  }
  /** `new`'s hash form: a Struct of the init attributes (optional when they have a default). */
  get initHashType(): StructType {
    const entries: StructEntry[] = this.initAttributes.map((a) => ({ key: a.name, optional: a.hasValue, type: a.type }));
    return new StructType(entries);
  }
}

const OBJECT_KEYS = ['name', 'parent', 'attributes', 'functions', 'equality', 'equality_include_type', 'constants', 'checks', 'annotations', 'type_parameters', 'serialization'];
const ATTRIBUTE_KEYS = ['type', 'value', 'kind', 'annotations', 'final', 'override'];

function attribute(k: Value, spec: Value): ObjectAttribute {
  if (typeof k !== 'string' || !/^[a-z_]\w*$/.test(k)) throw raise('KSP-RICH-021', { what: `attribute name ${String(k)}`, expected: 'a lower case name' });
  if (spec instanceof PType) {
    // An Optional attribute without a default defaults to undef.
    const optional = spec.isInstance(undefined);
    return { name: k, type: spec, hasValue: optional, value: undefined, kind: undefined, written: 'type' };
  }
  if (!(spec instanceof Map)) throw raise('KSP-RICH-021', { what: `attribute ${k}`, expected: 'a Type or a Hash with a type' });
  for (const key of spec.keys()) if (typeof key !== 'string' || !ATTRIBUTE_KEYS.includes(key)) throw raise('KSP-RICH-021', { what: `attribute ${k}`, expected: `keys among ${ATTRIBUTE_KEYS.join(', ')}` });
  const t = hashGet(spec, 'type');
  const type = t === NOT_FOUND ? Any : t;
  if (!(type instanceof PType)) throw raise('KSP-RICH-021', { what: `attribute ${k}'s type`, expected: 'a Type' });
  const value = hashGet(spec, 'value');
  const kind = hashGet(spec, 'kind');
  const hasValue = value !== NOT_FOUND || type.isInstance(undefined);
  const v = value === NOT_FOUND ? undefined : value;
  if (value !== NOT_FOUND && !type.isInstance(v)) throw raise('KSP-RICH-022', { name: k, type: String(type) });
  return { name: k, type, hasValue, value: v, kind: typeof kind === 'string' ? kind : undefined, written: 'hash' };
}

/** Whether a constant's declared type is its value's own (generalized), which Puppet writes as a plain constant. */
let sameAsValueType: (a: ObjectAttribute) => boolean = () => false;
export function setConstantTest(test: (a: ObjectAttribute) => boolean): void {
  sameAsValueType = test;
}

function attributeText(a: ObjectAttribute): string {
  // Only a type, when that is all there is (an Optional one has the default undef: written out).
  if (!a.hasValue && a.kind === undefined) return String(a.type);
  const p = [`type => ${a.type}`];
  if (a.kind !== undefined) p.push(`kind => ${a.kind}`);
  if (a.hasValue) p.push(`value => ${a.value === undefined ? 'undef' : quotedValue(a.value)}`);
  return `{${p.join(', ')}}`;
}

/** A value inside an Object's printed form (strings quoted, as Puppet's %p). */
let quotedValue: (v: Value) => string = String;
export function setQuotedFormatter(f: (v: Value) => string): void {
  quotedValue = f;
}

/** The attributes an instance prints: those not at their default, in the type's order. */
export function shownAttributes(o: PObject): [string, Value][] {
  const out: [string, Value][] = [];
  for (const a of o.type.initAttributes) {
    if (!o.values.has(a.name)) continue;
    const v = o.values.get(a.name);
    if (a.hasValue && puppetEquals(v, a.value)) continue;
    out.push([a.name, v]);
  }
  return out;
}

/** The attributes `new` takes one by one: those without a default first, each group in order. */
export function positionalAttributes(t: ObjectType): ObjectAttribute[] {
  const attrs = t.initAttributes;
  return [...attrs.filter((a) => !a.hasValue), ...attrs.filter((a) => a.hasValue)];
}

/**
 * Object.new: one hash of the init attributes, or them in order (those with defaults may be left
 * out). Undefined when neither form fits; the caller words the error.
 */
export function newObject(t: ObjectType, args: Value[]): PObject | undefined {
  const attrs = t.initAttributes;
  if (args.length === 1 && args[0] instanceof Map && t.initHashType.isInstance(args[0])) {
    const h = args[0];
    const values = new Map<string, Value>();
    for (const a of attrs) {
      const v = hashGet(h, a.name);
      values.set(a.name, v === NOT_FOUND ? a.value : v);
    }
    return new PObject(t, values);
  }
  // In order, those without a default first (as Puppet's new() takes them).
  const ordered = positionalAttributes(t);
  const required = ordered.filter((a) => !a.hasValue).length;
  if (args.length < required || args.length > ordered.length) return undefined;
  const given = new Map<string, Value>();
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i];
    const v = i < args.length ? args[i] : a.value;
    if (!a.type.isInstance(v)) return undefined;
    given.set(a.name, v);
  }
  return new PObject(t, new Map(attrs.map((a) => [a.name, given.get(a.name)])));
}

// ---------------------------------------------------------------- Error

/** A type that is only printed (in Error's declaration) and matched by name. */
class PrintedType extends PType {
  readonly name: string;
  private readonly text: string;
  constructor(name: string, text = name) {
    super();
    this.name = name;
    this.text = text;
  }
  isInstance(): boolean {
    return false;
  }
  isAssignable(o: PType): boolean {
    return resolve(o).name === this.name;
  }
  override toString(): string {
    return this.text;
  }
}

/** String[1], as Error's attributes declare it. */
class NonEmptyStringType extends StringType {
  override isInstance(v: Value): boolean {
    return typeof v === 'string' && v.length > 0;
  }
  protected override params(): string[] {
    return ['1'];
  }
}

/** Data, for Error's details (base.ts's Data would do, but objects.ts keeps to the types before it). */
class DataLike extends PType {
  readonly name = 'Data';
  isInstance(v: Value): boolean {
    if (v === undefined || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return true;
    if (Array.isArray(v)) return v.every((x) => this.isInstance(x));
    if (v instanceof Map) return [...v].every(([k, x]) => typeof k === 'string' && this.isInstance(x));
    return false;
  }
  isAssignable(o: PType): boolean {
    return resolve(o).name === 'Data';
  }
}

const KIND_PARAM = new PrintedType('Variant', 'Variant[String, Regexp, Type[Enum], Type[Pattern], Type[NotUndef], Type[Undef]]');
const STRING1 = new NonEmptyStringType();

/** Puppet's Error type: msg, kind, details, issue_code, and message() for msg. */
export const ERROR_TYPE = new ObjectType(new Map<Value, Value>([
  ['name', 'Error'],
  ['type_parameters', new Map<Value, Value>([['kind', KIND_PARAM], ['issue_code', KIND_PARAM]])],
  ['attributes', new Map<Value, Value>([
    ['msg', STRING1],
    ['kind', new Map<Value, Value>([['type', new OptionalType(STRING1)], ['value', undefined]])],
    ['details', new Map<Value, Value>([['type', new OptionalType(new HashType(STRING1, new DataLike()))], ['value', undefined]])],
    ['issue_code', new Map<Value, Value>([['type', new OptionalType(STRING1)], ['value', undefined]])],
  ])],
  ['functions', new Map<Value, Value>([['message', new PrintedType('Callable', 'Callable[[0, 0], String[1]]')]])],
]));

/** `Error[kind, issue_code]`: the type `type()` gives an Error, and what matches Errors by kind. */
export class ErrorParamType extends PType {
  readonly name = 'Error';
  readonly kind: Value;
  readonly issueCode: Value;
  constructor(kind: Value, issueCode: Value) {
    super();
    this.kind = kind;
    this.issueCode = issueCode;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof PObject) || v.type !== ERROR_TYPE) return false;
    const ok = (want: Value, got: Value) => want === undefined || (want instanceof PRegexp ? typeof got === 'string' && want.regexp.test(got)
      : want instanceof PType ? want.isInstance(got) : got === want);
    return ok(this.kind, v.values.get('kind')) && ok(this.issueCode, v.values.get('issue_code'));
  }
  isAssignable(o: PType): boolean {
    const r = resolve(o);
    return r === ERROR_TYPE ? this.kind === undefined && this.issueCode === undefined
      : r instanceof ErrorParamType && (this.kind === undefined || puppetEquals(this.kind, r.kind)) && (this.issueCode === undefined || puppetEquals(this.issueCode, r.issueCode));
  }
  protected override params(): string[] {
    const show = (v: Value) => (v === undefined ? 'undef' : typeof v === 'string' ? quote(v) : String(v));
    return [show(this.kind), show(this.issueCode)];
  }
}
