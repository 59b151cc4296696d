// Scalar types: Boolean, Integer and Float (with ranges), String (with sizes), Enum, Pattern,
// Regexp.
import { PRegexp, type Value } from '../values.ts';
import { ANY_SIZE, PType, Size, VariantType, quote, rangeParams, resolve } from './base.ts';

/** `Boolean`, and `Boolean[true]` as `type()` infers it for one value. */
export class BooleanType extends PType {
  readonly name = 'Boolean';
  readonly value: boolean | undefined;
  constructor(value?: boolean) {
    super();
    this.value = value;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'boolean' && (this.value === undefined || v === this.value);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    return o instanceof BooleanType && (this.value === undefined || o.value === this.value);
  }
  protected override params(): string[] {
    return this.value === undefined ? [] : [String(this.value)];
  }
}
export const BooleanT = new BooleanType();

// ---------------------------------------------------------------- ranges

export class IntegerType extends PType {
  readonly name = 'Integer';
  readonly min: bigint | null;
  readonly max: bigint | null;
  constructor(min: bigint | null = null, max: bigint | null = null) {
    super();
    this.min = min;
    this.max = max;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'bigint' && (this.min === null || v >= this.min) && (this.max === null || v <= this.max);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof IntegerType)) return false;
    return (this.min === null || (o.min !== null && o.min >= this.min)) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  protected override params(): string[] {
    return rangeParams(this.min, this.max);
  }
}

export class FloatType extends PType {
  readonly name = 'Float';
  readonly min: number | null;
  readonly max: number | null;
  constructor(min: number | null = null, max: number | null = null) {
    super();
    this.min = min;
    this.max = max;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'number' && (this.min === null || v >= this.min) && (this.max === null || v <= this.max);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof FloatType)) return false;
    return (this.min === null || (o.min !== null && o.min >= this.min)) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  protected override params(): string[] {
    return rangeParams(this.min, this.max);
  }
}

export class StringType extends PType {
  readonly name = 'String';
  readonly size: Size;
  /** Set for the inferred type of one string value: `String['abc']` is not written by users. */
  readonly value: string | undefined;
  constructor(size: Size = ANY_SIZE, value?: string) {
    super();
    this.size = size;
    this.value = value;
  }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.value !== undefined) return v === this.value;
    return this.size.test([...v].length);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof StringType) {
      if (o.value !== undefined) return this.isInstance(o.value);
      return this.value === undefined && this.size.within(o.size);
    }
    if (o instanceof EnumType) return o.values.length > 0 && o.values.every((s) => this.isInstance(s));
    if (o instanceof PatternType) return this.size.unbounded && this.value === undefined;
    return false;
  }
  protected override params(): string[] {
    return this.size.params();
  }
}

export class EnumType extends PType {
  readonly name = 'Enum';
  readonly values: string[];
  readonly caseInsensitive: boolean;
  constructor(values: string[], caseInsensitive = false) {
    super();
    this.values = values;
    this.caseInsensitive = caseInsensitive;
  }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.values.length === 0) return true;
    return this.caseInsensitive ? this.values.some((x) => x.toLowerCase() === v.toLowerCase()) : this.values.includes(v);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof EnumType) return this.values.length === 0 || o.values.every((s) => this.isInstance(s));
    if (o instanceof StringType && o.value !== undefined) return this.isInstance(o.value);
    return false;
  }
  protected override params(): string[] {
    const p = this.values.map(quote);
    if (this.caseInsensitive) p.push('true');
    return p;
  }
}

export class PatternType extends PType {
  readonly name = 'Pattern';
  readonly patterns: PRegexp[];
  constructor(patterns: PRegexp[]) {
    super();
    this.patterns = patterns;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'string' && (this.patterns.length === 0 || this.patterns.some((p) => p.regexp.test(v)));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof PatternType) return this.patterns.length === 0 || o.patterns.every((p) => this.patterns.some((q) => q.pattern === p.pattern));
    if (o instanceof EnumType) return o.values.length > 0 && o.values.every((s) => this.isInstance(s));
    if (o instanceof StringType && o.value !== undefined) return this.isInstance(o.value);
    return this.patterns.length === 0 && o instanceof StringType;
  }
  protected override params(): string[] {
    return this.patterns.map((p) => p.toString());
  }
}

export class RegexpType extends PType {
  readonly name = 'Regexp';
  readonly pattern: PRegexp | null;
  constructor(pattern: PRegexp | null = null) {
    super();
    this.pattern = pattern;
  }
  isInstance(v: Value): boolean {
    return v instanceof PRegexp && (this.pattern === null || v.pattern === this.pattern.pattern);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof RegexpType && (this.pattern === null || o.pattern?.pattern === this.pattern.pattern);
  }
  protected override params(): string[] {
    return this.pattern ? [this.pattern.toString()] : [];
  }
}
