// Collection types: Collection, Array, Hash, Tuple, Struct.
import type { Value } from '../values.ts';
import { ANY_SIZE, Any, OptionalType, PType, Size, VariantType, quote, resolve, sizeOf } from './base.ts';
import { StringType } from './scalars.ts';

const STRING = new StringType();

export class CollectionType extends PType {
  readonly name = 'Collection';
  readonly size: Size;
  constructor(size: Size = ANY_SIZE) {
    super();
    this.size = size;
  }
  isInstance(v: Value): boolean {
    return (Array.isArray(v) || v instanceof Map) && this.size.test(sizeOf(v));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof CollectionType || o instanceof ArrayType || o instanceof HashType) return this.size.within(o.size);
    if (o instanceof TupleType) return this.size.within(o.size);
    if (o instanceof StructType) return this.size.test(o.entries.length);
    return false;
  }
  protected override params(): string[] {
    return this.size.params();
  }
}

export class ArrayType extends PType {
  readonly name = 'Array';
  readonly element: PType;
  readonly size: Size;
  constructor(element: PType = Any, size: Size = ANY_SIZE) {
    super();
    this.element = element;
    this.size = size;
  }
  isInstance(v: Value): boolean {
    return Array.isArray(v) && this.size.test(v.length) && v.every((x) => this.element.isInstance(x));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof ArrayType) return this.element.isAssignable(o.element) && this.size.within(o.size);
    if (o instanceof TupleType) return o.types.every((t) => this.element.isAssignable(t)) && this.size.within(o.size);
    return false;
  }
  override collectionParts(): { keys: PType[]; values: PType[] } {
    return { keys: [], values: [this.element] };
  }
  protected override params(): string[] {
    // An empty range says only that (`Array[0, 0]`, the type of []), as Puppet prints it.
    if (this.size.min === 0n && this.size.max === 0n) return ['0', '0'];
    const p: string[] = [];
    const anyElement = resolve(this.element) === Any;
    if (!anyElement || !this.size.unbounded) p.push(this.element.toString());
    return [...p, ...this.size.params()];
  }
}

export class HashType extends PType {
  readonly name = 'Hash';
  readonly key: PType;
  readonly value: PType;
  readonly size: Size;
  constructor(key: PType = Any, value: PType = Any, size: Size = ANY_SIZE) {
    super();
    this.key = key;
    this.value = value;
    this.size = size;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof Map) || !this.size.test(v.size)) return false;
    for (const [k, x] of v) if (!this.key.isInstance(k) || !this.value.isInstance(x)) return false;
    return true;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof HashType) return this.key.isAssignable(o.key) && this.value.isAssignable(o.value) && this.size.within(o.size);
    if (o instanceof StructType) return o.entries.every((e) => this.key.isInstance(e.key) && this.value.isAssignable(e.type)) && this.size.test(o.entries.length);
    return false;
  }
  override collectionParts(): { keys: PType[]; values: PType[] } {
    return { keys: [this.key], values: [this.value] };
  }
  protected override params(): string[] {
    if (this.size.min === 0n && this.size.max === 0n) return ['0', '0'];
    const anyKV = resolve(this.key) === Any && resolve(this.value) === Any;
    const p = anyKV && this.size.unbounded ? [] : [this.key.toString(), this.value.toString()];
    return [...p, ...this.size.params()];
  }
}

export class TupleType extends PType {
  readonly name = 'Tuple';
  readonly types: PType[];
  readonly size: Size;
  constructor(types: PType[], size?: Size) {
    super();
    this.types = types;
    this.size = size ?? new Size(BigInt(types.length), BigInt(types.length));
  }
  private explicitSize = false;
  static withSize(types: PType[], size: Size): TupleType {
    const t = new TupleType(types, size);
    t.explicitSize = true;
    return t;
  }
  typeAt(i: number): PType | undefined {
    return this.types[Math.min(i, this.types.length - 1)];
  }
  isInstance(v: Value): boolean {
    if (!Array.isArray(v) || !this.size.test(v.length)) return false;
    if (v.length < this.types.length && !this.explicitSize) return false;
    return v.every((x, i) => this.typeAt(i)?.isInstance(x) ?? false);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    // As Puppet: sizes first; then each of the other's element types against the one at its
    // place here (the last one repeating); an Array's element type against each of ours.
    const at = (i: number) => this.types[Math.min(i, this.types.length - 1)];
    if (o instanceof TupleType) {
      if (!this.size.within(o.size)) return false;
      if (this.types.length === 0) return true;
      if (o.types.length === 0) return (this.size.min ?? 0n) === 0n;
      return o.types.every((t, i) => at(i).isAssignable(t));
    }
    if (o instanceof ArrayType) {
      if (!this.size.within(o.size)) return false;
      const n = o.size.max === null ? this.types.length : Math.min(this.types.length, Number(o.size.max));
      for (let i = 0; i < n; i++) if (!at(i).isAssignable(o.element)) return false;
      return true;
    }
    return false;
  }
  override collectionParts(): { keys: PType[]; values: PType[] } {
    return { keys: [], values: this.types };
  }
  protected override params(): string[] {
    return [...this.types.map(String), ...(this.explicitSize ? this.size.params() : [])];
  }
}

export interface StructEntry {
  key: string;
  optional: boolean;
  type: PType;
}

export class StructType extends PType {
  readonly name = 'Struct';
  readonly entries: StructEntry[];
  constructor(entries: StructEntry[]) {
    super();
    this.entries = entries;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof Map)) return false;
    for (const k of v.keys()) if (typeof k !== 'string' || !this.entries.some((e) => e.key === k)) return false;
    for (const e of this.entries) {
      const x = v.has(e.key) ? v.get(e.key) : undefined;
      if (!v.has(e.key) && e.optional) continue;
      if (!e.type.isInstance(x)) return false;
    }
    return true;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof HashType) {
      // Every required key's type must take the Hash's values, and the Hash's size must fit.
      const required = this.entries.filter((e) => !e.optional);
      if (!required.every((e) => e.type.isAssignable(o.value) && STRING.isAssignable(o.key))) return false;
      return new Size(BigInt(required.length), BigInt(this.entries.length)).within(o.size);
    }
    if (!(o instanceof StructType)) return false;
    return this.entries.every((e) => {
      const oe = o.entries.find((x) => x.key === e.key);
      // A required key is not satisfied by an optional one.
      return oe ? (e.optional || !oe.optional) && e.type.isAssignable(oe.type) : e.optional;
    }) && o.entries.every((oe) => this.entries.some((e) => e.key === oe.key));
  }
  override collectionParts(): { keys: 'strings'; values: PType[] } {
    return { keys: 'strings', values: this.entries.map((e) => e.type) };
  }
  protected override params(): string[] {
    if (this.entries.length === 0) return [];
    const inner = this.entries.map((e) => `${e.optional && !(resolve(e.type) instanceof OptionalType) ? `Optional[${quote(e.key)}]` : quote(e.key)} => ${e.type}`);
    return [`{${inner.join(', ')}}`];
  }
  override get constrained(): boolean {
    return true;
  }
}
