// stdlib's validation and type-test functions (validate_*, is_*, validate_legacy, is_a,
// deprecation), as puppetlabs-stdlib 8 behaves under Puppet 7. They are the most called stdlib
// functions in module code after pick and join, and in Ruby validate_legacy calls the old
// validate_* function through Puppet's function machinery (Ruby calling Ruby), so natively
// they cost no Ruby at all.
//
// What stdlib does, kept here:
// - Puppet code calling validate_x reaches a modern-API shim that logs a deprecation warning
//   (once per key and compilation, with " at FILE:LINE") and then runs the legacy function
//   with the values as they are (undef stays undef).
// - Functions with no shim (is_hash, is_integer, …) are legacy ones: Puppet hands them undef
//   as '' and they warn only when STDLIB_LOG_DEPRECATIONS=true, so never here.
// - Messages are stdlib's own, which quote values as Ruby's inspect does and name Ruby classes.
import { DEFAULT, PBinary, PRegexp, PSensitive, PTimespan, PTimestamp, isType, toJsRegExp, type Value } from '../values.ts';
import { describeArgumentMismatch, formatValue } from '../types/index.ts';
import { parseTypeString } from './conversions.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { rubyFloatToS, rubyInspect, rubyToS } from './ruby-text.ts';
import { fn, type BuiltinFunction } from './signature.ts';

/** The class Ruby reports for a Puppet value (`It looks to be a String`). */
export function rubyClass(v: Value): string {
  if (v === undefined) return 'NilClass';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'bigint') return 'Integer';
  if (typeof v === 'number') return 'Float';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Hash';
  if (v instanceof PRegexp) return 'Regexp';
  if (v === DEFAULT) return 'Symbol';
  if (v instanceof PSensitive) return 'Puppet::Pops::Types::PSensitiveType::Sensitive';
  if (v instanceof PTimestamp) return 'Puppet::Pops::Time::Timestamp';
  if (v instanceof PTimespan) return 'Puppet::Pops::Time::Timespan';
  if (v instanceof PBinary) return 'Puppet::Pops::Types::PBinaryType::Binary';
  if (isType(v)) return `Puppet::Pops::Types::P${v.constructor.name.replace(/Type$/, '')}Type`;
  return 'Object';
}

// ---------------------------------------------------------------- deprecation

/** stdlib's deprecation(key, message): a warning naming the call's place, once per key. */
function deprecate(ctx: CallContext, key: string, message: string): void {
  if (!ctx.once(`deprecation:${key}`)) return;
  // stdlib appends Puppet's stack, `["file", line]:["caller file", line]`; Kasper knows the first.
  const at = ctx.position();
  ctx.log('warning', `${message} at [${rubyInspect(at.file)}, ${at.line}]`);
}

const deprecation: PuppetFunction = (ctx, args) => {
  deprecate(ctx, args[0] as string, args[1] as string);
  return undefined;
};

const validateShim = (type: string) => `This method is deprecated, please use the stdlib validate_legacy function,
                    with ${type}. There is further documentation for validate_legacy function in the README.`;
const isShim = (type: string) => `This method is deprecated, please use match expressions with ${type} instead. They are described at https://docs.puppet.com/puppet/latest/reference/lang_data_type.html#match-expressions.`;

// ---------------------------------------------------------------- the legacy checks

/** A failed check, as the legacy function raises it (Puppet::ParseError). */
export type Check = (ctx: CallContext, args: Value[]) => Value;

const fail = (ctx: CallContext, message: string) => ctx.error('KSP-FUNC-045', { message });

function arity(ctx: CallContext, name: string, args: Value[], ok: boolean, wording: string): void {
  if (!ok) throw fail(ctx, `${name}(): ${wording.replace('{n}', String(args.length))}`);
}

const WINDOWS_PATH = /^(?:(?:[A-Z]:[\\/])|(?:[\\/][\\/][^\\/]+[\\/][^\\/]+)|(?:[\\/][\\/]\?[\\/][^\\/]+))/i;

/**
 * Puppet::Util.absolute_path? for posix, then windows. A value that is no string is no path,
 * and Puppet warns for each of the two checks.
 */
function isAbsolutePath(ctx: CallContext, v: Value): boolean {
  if (typeof v === 'string') return v.startsWith('/') || WINDOWS_PATH.test(v);
  const warning = `Cannot check if ${rubyToS(v)} is an absolute path because it is a '${rubyClass(v)}' and not a String'`;
  ctx.log('warning', warning);
  ctx.log('warning', warning);
  return false;
}

/** Ruby's IPAddr.new(s): an address, optionally with a /prefix or mask; undefined if invalid. */
export function parseIp(v: Value): 4 | 6 | undefined {
  if (typeof v !== 'string') return undefined;
  const [addr, prefix, ...rest] = v.split('/');
  if (rest.length) return undefined;
  let family: 4 | 6 | undefined;
  // node:net (with streams and sockets) is loaded on the first address checked, not with the
  // compiler: a compile that checks none does not pay its load (~1 ms of the main thread).
  const { isIPv4, isIPv6 } = process.getBuiltinModule('node:net');
  if (isIPv4(addr) && !/(^|\.)0\d/.test(addr)) family = 4;
  else if (/^\[.*\]$/.test(addr) ? isIPv6(addr.slice(1, -1)) : isIPv6(addr.replace(/%.*$/, ''))) family = 6;
  if (!family || prefix === undefined) return family;
  if (/^\d+$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128) ? family : undefined;
  return parseIp(prefix) === family ? family : undefined;
}

/** Ruby's Integer(str): decimal, 0x, 0b, 0o/0 octal, underscores between digits. */
function rubyInteger(s: string): bigint | undefined {
  const m = /^\s*([-+]?)(0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[bB][01]+(?:_[01]+)*|0[oO]?[0-7]+(?:_[0-7]+)*|[1-9]\d*(?:_\d+)*|0)\s*$/.exec(s);
  if (!m) return undefined;
  let body = m[2].replace(/_/g, '');
  if (/^0[oO]?[0-7]+$/.test(body) && body.length > 1) body = `0o${body.replace(/^0[oO]?/, '')}`;
  const n = BigInt(body);
  return m[1] === '-' ? -n : n;
}

/** Ruby's Float(str). */
function rubyFloat(s: string): number | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return Number(BigInt(t.replace(/^[-+]/, ''))) * (t.startsWith('-') ? -1 : 1);
  if (!/^[-+]?(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?$/.test(t) || !/\d/.test(t.replace(/[eE].*$/, ''))) return undefined;
  if (/[eE]$/.test(t) || /\.$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/** Ruby's to_s of a number as these messages print it (Floats keep their `.0`). */
const num = (n: bigint | number) => (typeof n === 'bigint' ? n.toString() : rubyFloatToS(n));

export const LEGACY_CHECKS: Record<string, Check> = {
  validate_re(ctx, args) {
    arity(ctx, 'validate_re', args, args.length >= 2 && args.length <= 3, 'wrong number of arguments ({n}; must be 2 or 3)');
    const [input, patterns, message] = args;
    if (typeof input !== 'string') throw fail(ctx, `validate_re(): input needs to be a String, not a ${rubyClass(input)}`);
    const list = Array.isArray(patterns) ? (patterns.flat(Infinity as 1) as Value[]) : [patterns];
    const matches = list.some((p) => rubyRegexp(ctx, p).test(input));
    if (!matches) throw fail(ctx, message !== undefined && message !== false ? rubyToS(message) : `validate_re(): ${rubyInspect(input)} does not match ${rubyInspect(patterns)}`);
    return undefined;
  },
  validate_string(ctx, args) {
    arity(ctx, 'validate_string', args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
    for (const a of args) if (typeof a !== 'string' && a !== undefined) throw fail(ctx, `${rubyInspect(a)} is not a string.  It looks to be a ${rubyClass(a)}`);
    return undefined;
  },
  validate_bool(ctx, args) {
    arity(ctx, 'validate_bool', args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
    for (const a of args) if (typeof a !== 'boolean') throw fail(ctx, `${rubyInspect(a)} is not a boolean.  It looks to be a ${rubyClass(a)}`);
    return undefined;
  },
  validate_array(ctx, args) {
    arity(ctx, 'validate_array', args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
    for (const a of args) if (!Array.isArray(a)) throw fail(ctx, `${rubyInspect(a)} is not an Array.  It looks to be a ${rubyClass(a)}`);
    return undefined;
  },
  validate_hash(ctx, args) {
    arity(ctx, 'validate_hash', args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
    for (const a of args) if (!(a instanceof Map)) throw fail(ctx, `${rubyInspect(a)} is not a Hash.  It looks to be a ${rubyClass(a)}`);
    return undefined;
  },
  validate_absolute_path(ctx, args) {
    arity(ctx, 'validate_absolute_path', args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
    for (const a of args) {
      for (const p of Array.isArray(a) ? a : [a]) if (!isAbsolutePath(ctx, p)) throw fail(ctx, `${rubyInspect(p)} is not an absolute path.`);
    }
    return undefined;
  },
  validate_integer: (ctx, args) => validateNumber(ctx, args, 'validate_integer', 'an Integer', (s) => rubyInteger(s)),
  validate_numeric: (ctx, args) => validateNumber(ctx, args, 'validate_numeric', 'a Numeric', (s) => rubyFloat(s)),
  validate_ip_address: (ctx, args) => validateIp(ctx, args, 'validate_ip_address', 'IP', [4, 6]),
  validate_ipv4_address: (ctx, args) => validateIp(ctx, args, 'validate_ipv4_address', 'IPv4', [4]),
  validate_ipv6_address: (ctx, args) => validateIp(ctx, args, 'validate_ipv6_address', 'IPv6', [6]),
  validate_slength(ctx, args) {
    arity(ctx, 'validate_slength', args, args.length === 2 || args.length === 3, 'Wrong number of arguments ({n}; must be 2 or 3)');
    const [input, maxArg, minArg] = args;
    const toInt = (v: Value) => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : typeof v === 'string' ? rubyInteger(v) : undefined);
    const max = toInt(maxArg);
    if (max === undefined || max <= 0n) throw fail(ctx, `validate_slength(): Expected second argument to be a positive Numeric, got ${max === undefined ? `${rubyToS(maxArg)}:${rubyClass(maxArg)}` : `${max}:Integer`}`);
    let min = 0n;
    if (minArg !== undefined && minArg !== false) {
      const m = toInt(minArg);
      if (m === undefined || m < 0n) throw fail(ctx, `validate_slength(): Expected third argument to be unset or a positive Numeric, got ${m === undefined ? `${rubyToS(minArg)}:${rubyClass(minArg)}` : `${m}:Integer`}`);
      min = m;
    }
    if (max < min) throw fail(ctx, 'validate_slength(): Expected second argument to be equal to or larger than third argument');
    const check = (s: string) => {
      const n = BigInt([...s].length);
      if (n > max || n < min) throw fail(ctx, `validate_slength(): Expected length of ${rubyInspect(input)} to be between ${min} and ${max}, was ${Array.isArray(input) ? input.length : [...(input as string)].length}`);
    };
    if (typeof input === 'string') check(input);
    else if (Array.isArray(input)) {
      input.forEach((x, i) => {
        if (typeof x !== 'string') throw fail(ctx, `validate_slength(): Expected element at array position ${i} to be a String, got ${rubyClass(x)}`);
        check(x);
      });
    } else throw fail(ctx, `validate_slength(): Expected first argument to be a String or Array, got ${rubyClass(input)}`);
    return undefined;
  },

  is_absolute_path(ctx, args) {
    arity(ctx, 'is_absolute_path', args, args.length === 1, 'Wrong number of arguments given ({n} for 1)');
    return isAbsolutePath(ctx, args[0]);
  },
  is_array(ctx, args) {
    arity(ctx, 'is_array', args, args.length > 0, 'Wrong number of arguments given ({n} for 1)');
    return Array.isArray(args[0]);
  },
  is_bool(ctx, args) {
    arity(ctx, 'is_bool', args, args.length === 1, 'Wrong number of arguments given ({n} for 1)');
    return typeof args[0] === 'boolean';
  },
  is_hash(ctx, args) {
    arity(ctx, 'is_hash', args, args.length === 1, 'Wrong number of arguments given ({n} for 1)');
    return args[0] instanceof Map;
  },
  is_string(ctx, args) {
    arity(ctx, 'is_string', args, args.length > 0, 'Wrong number of arguments given ({n} for 1)');
    const v = args[0];
    if (v === undefined) return true;
    if (typeof v !== 'string') return false;
    // A string holding a number, as Ruby prints it back, is not a string to stdlib.
    const f = rubyFloatToS(rubyLeadingFloat(v));
    const i = rubyToIText(v);
    return !(v === f || v === i);
  },
  is_integer(ctx, args) {
    arity(ctx, 'is_integer', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    const v = args[0];
    return typeof v === 'bigint' || (typeof v === 'string' && /^-?(?:[1-9]\d*|0)$/m.test(v));
  },
  is_float(ctx, args) {
    arity(ctx, 'is_float', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    const v = args[0];
    if (typeof v === 'number') return true;
    if (typeof v !== 'string') return false;
    return v === rubyFloatToS(rubyLeadingFloat(v));
  },
  is_numeric(ctx, args) {
    arity(ctx, 'is_numeric', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    const v = args[0];
    return typeof v === 'bigint' || typeof v === 'number' || (typeof v === 'string' && /^-?(?:[1-9]\d*|0)(?:\.\d+)?(?:[eE]-?\d+)?$/m.test(v));
  },
  is_ip_address(ctx, args) {
    arity(ctx, 'is_ip_address', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    return parseIp(args[0]) !== undefined;
  },
  is_ipv4_address(ctx, args) {
    arity(ctx, 'is_ipv4_address', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    return parseIp(args[0]) === 4;
  },
  is_ipv6_address(ctx, args) {
    arity(ctx, 'is_ipv6_address', args, args.length === 1, 'Wrong number of arguments given {n} for 1');
    return parseIp(args[0]) === 6;
  },

  dirname(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'dirname(): No arguments given');
    if (args.length > 1) throw fail(ctx, `dirname(): Too many arguments given (${args.length})`);
    if (typeof args[0] !== 'string') throw fail(ctx, 'dirname(): Requires string as argument');
    if (args[0] === '') throw fail(ctx, 'dirname(): Requires a non-empty string as argument');
    return rubyDirname(args[0]);
  },
  basename(ctx, args) {
    if (args.length === 0) throw fail(ctx, 'basename(): No arguments given');
    if (args.length > 2) throw fail(ctx, `basename(): Too many arguments given (${args.length})`);
    if (typeof args[0] !== 'string') throw fail(ctx, 'basename(): Requires string as first argument');
    if (args.length === 2 && typeof args[1] !== 'string') throw fail(ctx, 'basename(): Requires string as second argument');
    return rubyBasename(args[0], args[1] as string | undefined);
  },
};

/** Ruby's String#to_f: the leading number of a string, 0.0 if none. */
function rubyLeadingFloat(s: string): number {
  const m = /^\s*[-+]?(?:\d+(?:_\d+)*)(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?/.exec(s);
  return m ? Number(m[0].replace(/_/g, '')) : 0;
}

/** How Ruby's TypeError names a value: nil, true and false by value, others by class. */
export function rubyImplicitName(v: Value): string {
  return v === undefined ? 'nil' : typeof v === 'boolean' ? String(v) : rubyClass(v);
}

/** Ruby's Regexp.compile(x) for validate_re: a Regexp or a String, else Ruby's TypeError. */
export function rubyRegexp(ctx: CallContext, p: Value): RegExp {
  if (p instanceof PRegexp) return p.regexp;
  if (typeof p !== 'string') throw fail(ctx, `no implicit conversion of ${rubyImplicitName(p)} into String`);
  if (/(^|[^\\])(\\\\)*\\x(?![0-9a-fA-F])/.test(p)) throw fail(ctx, `invalid hex escape: /${p}/`);
  if (/^[*+?]|[(|][*+?]/.test(p)) throw fail(ctx, `target of repeat operator is not specified: /${p}/`);
  const unescaped = (c: string) => (p.match(new RegExp(`(?<!\\\\)\\${c}`, 'g')) ?? []).length;
  if (unescaped('(') > unescaped(')')) throw fail(ctx, `end pattern with unmatched parenthesis: /${p}/`);
  try {
    return toJsRegExp(p);
  } catch {
    const open = (p.match(/(?<!\\)\(/g) ?? []).length - (p.match(/(?<!\\)\)/g) ?? []).length;
    throw fail(ctx, `${open > 0 ? 'end pattern with unmatched parenthesis' : 'invalid pattern'}: /${p}/`);
  }
}

/** Ruby's String#to_i then to_s. */
function rubyToIText(s: string): string {
  const m = /^\s*([-+]?\d(?:_?\d)*)/.exec(s);
  return m ? BigInt(m[1].replace(/_/g, '')).toString() : '0';
}

/** Ruby's File.dirname. */
function rubyDirname(p: string): string {
  if (/^\/+$/.test(p)) return '/';
  const trimmed = p.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  if (i < 0) return '.';
  const head = trimmed.slice(0, i).replace(/\/+$/, '');
  return head === '' ? '/' : head;
}

/** Ruby's File.basename, with an optional suffix (`.*`: any extension). */
function rubyBasename(p: string, suffix?: string): string {
  if (/^\/+$/.test(p)) return '/';
  let base = p.replace(/\/+$/, '');
  base = base.slice(base.lastIndexOf('/') + 1);
  if (suffix !== undefined) {
    if (suffix === '.*') {
      const dot = base.lastIndexOf('.');
      if (dot > 0) base = base.slice(0, dot);
    } else if (suffix !== '' && base.endsWith(suffix) && base !== suffix) {
      base = base.slice(0, base.length - suffix.length);
    }
  }
  return base;
}

function validateNumber(ctx: CallContext, args: Value[], name: string, what: string, parse: (s: string) => bigint | number | undefined): Value {
  arity(ctx, name, args, args.length > 0 && args.length < 4, 'Wrong number of arguments; must be 1, 2 or 3, got {n}');
  const [input, maxArg, minArg] = args;
  const kind = what.replace(/^an? /, 'a ').replace(/^a Integer/, 'an Integer');
  let max: bigint | number | undefined;
  if (args.length > 1) {
    const s = rubyToS(maxArg);
    if (!(args.length > 2 && s === '')) {
      max = parse(s);
      if (max === undefined) throw fail(ctx, `${name}(): Expected second argument to be unset or ${kind}, got ${s}:String`);
    }
  }
  let min: bigint | number | undefined;
  if (args.length > 2) {
    const s = rubyToS(minArg);
    min = parse(s);
    if (min === undefined) throw fail(ctx, `${name}(): Expected third argument to be unset or ${kind}, got ${rubyToS(minArg)}:${rubyClass(minArg)}`);
  }
  if (min !== undefined && max !== undefined && min > max) throw fail(ctx, `${name}(): Expected second argument to be larger than third argument, got ${num(max)} < ${num(min)}`);
  // stdlib quotes the converted number for a single value, the whole array for an element.
  const check = (n: bigint | number, shown: string) => {
    if (max !== undefined && n > max) throw fail(ctx, `${name}(): Expected ${shown} to be smaller or equal to ${num(max)}, got ${shown}.`);
    if (min !== undefined && n < min) throw fail(ctx, `${name}(): Expected ${shown} to be greater or equal to ${num(min)}, got ${shown}.`);
  };
  if (Array.isArray(input)) {
    input.forEach((x, i) => {
      const n = x instanceof Map ? undefined : parse(rubyToS(x));
      if (n === undefined) throw fail(ctx, `${name}(): Expected element at array position ${i} to be ${kind}, got ${rubyClass(x)}`);
      check(n, rubyInspect(input));
    });
  } else if (input instanceof Map) {
    // stdlib words this one as validate_integer for both functions.
    throw fail(ctx, `validate_integer(): Expected first argument to be ${kind} or Array, got Hash`);
  } else {
    const n = parse(rubyToS(input));
    if (n === undefined) throw fail(ctx, `${name}(): Expected first argument to be ${kind} or Array, got ${rubyClass(input)}`);
    check(n, num(n));
  }
  return undefined;
}

function validateIp(ctx: CallContext, args: Value[], name: string, label: string, families: (4 | 6)[]): Value {
  arity(ctx, name, args, args.length > 0, 'wrong number of arguments ({n}; must be > 0)');
  for (const a of args) {
    if (typeof a !== 'string') throw fail(ctx, `${rubyInspect(a)} is not a string.`);
    const f = parseIp(a);
    if (f === undefined || !families.includes(f)) throw fail(ctx, `${rubyInspect(a)} is not a valid ${label} address.`);
  }
  return undefined;
}

// ---------------------------------------------------------------- what Puppet code calls

/** Functions stdlib wraps in a modern shim: the deprecation key and the type it recommends. */
const SHIMS: Record<string, [key: string, message: string]> = {
  validate_absolute_path: ['validate_absolute_path', validateShim('Stdlib::Compat::Absolute_Path')],
  validate_array: ['validate_array', validateShim('Stdlib::Compat::Array')],
  validate_bool: ['validate_bool', validateShim('Stdlib::Compat::Bool')],
  validate_hash: ['validate_hash', validateShim('Stdlib::Compat::Hash')],
  validate_integer: ['validate_integer', validateShim('Stdlib::Compat::Integer')],
  validate_ip_address: ['validate_ip_address', validateShim('Stdlib::Compat::Ip_Address')],
  validate_ipv4_address: ['validate_ipv4_address', validateShim('Stdlib::Compat::Ipv4_Address')],
  validate_ipv6_address: ['validate_ipv6_address', validateShim('Stdlib::Compat::Ipv6_address')],
  validate_numeric: ['validate_numeric', validateShim('Stdlib::Compat::Numeric')],
  validate_re: ['validate_re', validateShim('Pattern[]')],
  validate_slength: ['validate_slength', validateShim('String[]')],
  validate_string: ['validate_string', validateShim('Stdlib::Compat::String')],
  is_absolute_path: ['is_absolute_path', isShim('Stdlib::Compat::Absolute_Path')],
  is_array: ['is_array', isShim('Stdlib::Compat::Array')],
  is_bool: ['is_bool', isShim('Stdlib::Compat::Bool')],
  is_float: ['is_float', isShim('Stdlib::Compat::Float')],
  is_ip_address: ['is_ip_address', isShim('Stdlib::Compat::Ip_address')],
  is_ipv4_address: ['is_ipv4_address', isShim('Stdlib::Compat::Ipv4')],
  // stdlib's shim for is_ipv6_address warns under is_ipv4_address's key.
  is_ipv6_address: ['is_ipv4_address', isShim('Stdlib::Compat::Ipv6')],
  is_numeric: ['is_numeric', isShim('Stdlib::Compat::Numeric')],
  is_string: ['is_string', isShim('Stdlib::Compat::String')],
};

/** The function as Puppet code reaches it: through the shim, or legacy (undef given as ''). */
function fromPuppet(name: string): PuppetFunction {
  const check = LEGACY_CHECKS[name];
  const shim = SHIMS[name];
  if (shim) {
    return (ctx, args) => {
      deprecate(ctx, shim[0], shim[1]);
      return check(ctx, args);
    };
  }
  return (ctx, args) => check(ctx, args.map((a) => (a === undefined ? '' : a)));
}

/**
 * validate_legacy(type, previous_function, value, *previous_args): the value must have the type;
 * the old function decides only whether a mismatch is a deprecation warning (it passed) or an
 * error (it failed too), and a match it rejects is noticed.
 */
const validateLegacy: PuppetFunction = (ctx, args) => {
  let [type] = args;
  const [, functionName, value, ...rest] = args;
  if (typeof type === 'string') type = parseTypeString(ctx, type);
  if (!isType(type)) throw ctx.error('KSP-EVAL-007', { function: 'validate_legacy', parameter: 'target_type', mismatch: `expects a Type value, got ${rubyClass(type)}` });
  const name = functionName as string;
  const previous = (): boolean => {
    const check = LEGACY_CHECKS[name];
    try {
      if (check) check(ctx, [value, ...rest]);
      else ctx.call(name, [value, ...rest], null);
      return true;
    } catch (e) {
      if (e instanceof Error && 'code' in e && (e.code === 'KSP-FUNC-045' || e.code === 'KSP-EVAL-008' || e.code === 'KSP-FUNC-041')) return false;
      throw e;
    }
  };
  if (type.isInstance(value)) {
    if (!previous()) ctx.log('notice', `Accepting previously invalid value for target type '${String(type)}'`);
    return undefined;
  }
  const message = `validate_legacy(${name}) ${describeArgumentMismatch(type, value)}`;
  if (previous()) deprecate(ctx, 'validate_legacy', message);
  else throw ctx.error('KSP-FUNC-046', { message });
  return undefined;
};

const isA: PuppetFunction = (_ctx, args) => (args[1] as { isInstance(v: Value): boolean }).isInstance(args[0]);

export const VALIDATE_FUNCTIONS: BuiltinFunction[] = [
  fn('deprecation', 'String key, String message', 'Undef', deprecation),
  fn('validate_legacy', 'Any target_type, String function_name, Any value, Any *args', 'Undef', validateLegacy),
  fn('is_a', 'Any value, Type type', 'Boolean', isA),
  ...Object.keys(LEGACY_CHECKS).map((name) => fn(name, 'Any *args', 'Any', fromPuppet(name))),
];
