// Puppet values as this package sees them. Kasper's compiler owns the value model
// (packages/compiler/src/values.ts); this package sits below it and cannot import it, so it names
// the shapes it needs structurally and recognises the compiler's objects by the properties they
// carry (a type has `isType`, default has `isDefault`, a regexp its `pattern` and `regexp`...).
//
//   Puppet      JavaScript                    Ruby (as Puppet 7 hands it to module code)
//   Undef       undefined                     nil
//   String      string                        String
//   Integer     bigint                        Integer
//   Float       number                        Float
//   Boolean     boolean                       true / false
//   Array       Value[]                       Array
//   Hash        Map (insertion order)         Hash (insertion order)
//   default     { isDefault: true }           :default
//   Regexp      { pattern, regexp }           Regexp
//   Sensitive   { value } (PSensitive)        Puppet::Pops::Types::PSensitiveType::Sensitive
//   File['/x']  a type with typeName, title   Puppet::Pops::Types::PResourceType ("File['/x']")
//   Class[x]    a type with className         Puppet::Pops::Types::PClassType ("Class[x]")
//   other types a type (isType)               Puppet::Pops::Types::PAnyType (its Puppet string)
//   Timestamp   { ms }                        Puppet::Pops::Time::Timestamp
//   Binary      { bytes }                     Puppet::Pops::Types::PBinaryType::Binary

/** A Puppet value: the compiler's `Value` is assignable to it. */
export type PuppetValue = undefined | string | bigint | number | boolean | object;

/**
 * Makes the compiler's objects for values that Ruby code creates (a Regexp it builds, `:default`
 * it returns, a `Puppet::Resource.new(...)`). Values that came from the host go back as the very
 * objects they were; only new ones need the factory.
 */
export interface ValueFactory {
  /** Puppet's `default`. */
  readonly default: object;
  regexp(pattern: string): object;
  sensitive(value: PuppetValue): object;
  /** `File['/x']` (typeName lower case, `title` undefined for `File`). */
  resource(typeName: string, title: string | undefined): object;
  /** `Class[name]`, or `Class`. */
  classRef(name: string | undefined): object;
  /** Any other type, as Puppet writes it (`Optional[String]`). */
  type(text: string): PuppetValue;
  /** A Timestamp, as Puppet writes it (`2020-01-01T00:00:00.000000000 UTC`). */
  timestamp(text: string): PuppetValue;
  /** A Binary from its base64 form. */
  binary(base64: string): PuppetValue;
}

const PLAIN_DEFAULT = Object.freeze({ isDefault: true as const });

/** Plain stand-ins, for hosts that have no value model of their own (facts, tests). */
export const plainValues: ValueFactory = {
  default: PLAIN_DEFAULT,
  regexp: (pattern) => ({ pattern, regexp: safeRegExp(pattern), toString: () => `/${pattern}/` }),
  sensitive: (value) => ({ value, toString: () => 'Sensitive [value redacted]' }),
  resource: (typeName, title) => ({ isType: true, name: 'Resource', typeName, title, toString: () => `${capitalize(typeName)}${title === undefined ? '' : `[${title}]`}` }),
  classRef: (className) => ({ isType: true, name: 'Class', className, toString: () => (className === undefined ? 'Class' : `Class[${capitalize(className)}]`) }),
  type: (text) => ({ isType: true, name: text.replace(/\[.*$/s, ''), toString: () => text }),
  timestamp: (text) => text,
  binary: (base64) => ({ bytes: new Uint8Array(Buffer.from(base64, 'base64')), toString: () => base64 }),
};

function safeRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

/** `apt::source` → `Apt::Source`, as Puppet writes type names. */
export function capitalize(typeName: string): string {
  return typeName.split('::').map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('::');
}

/** Puppet's single-quoted string form, as its type formatter writes titles: 'a\'b'. */
export function quoted(s: string): string {
  return `'${s.replace(/\\(?=\\|'|$)/g, '\\\\').replace(/'/g, "\\'")}'`;
}

type Loose = Record<string, unknown>;

/** What kind of special value `v` is (undefined for plain data). */
export function specialKind(v: object): 'default' | 'type' | 'regexp' | 'sensitive' | 'timestamp' | 'binary' | 'other' {
  const o = v as Loose;
  if (o.isDefault === true) return 'default';
  if (o.isType === true) return 'type';
  if (typeof o.pattern === 'string' && o.regexp instanceof RegExp) return 'regexp';
  if (v instanceof RegExp) return 'regexp';
  if ('value' in o && (v.constructor?.name === 'PSensitive' || String(v) === 'Sensitive [value redacted]')) return 'sensitive';
  if (typeof o.ms === 'number') return 'timestamp';
  if (o.bytes instanceof Uint8Array) return 'binary';
  return 'other';
}
