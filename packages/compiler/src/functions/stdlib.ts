// Functions Puppet users get from puppetlabs-stdlib's Ruby code, which Kasper cannot load: the
// ones the Debian module corpus and common site code call (merge, pick, ensure_packages, …),
// plus create_resources and strftime from Puppet's core. stdlib's functions written in the
// Puppet language (stdlib::ensure, …) load from the module as they are.
import { formatTimespan, formatTimestamp } from '../types/time.ts';
import { PSensitive, PTimespan, PTimestamp, hashGet, NOT_FOUND, puppetEquals, type Value } from '../values.ts';
import { ResourceType, formatValue } from '../types/index.ts';
import type { Lambda } from '../frame.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { fn, type BuiltinFunction } from './signature.ts';


const isEmptyish = (v: Value) => v === undefined || v === '';

/** Equality as Ruby's == does it for stdlib: strings are case-sensitive. */
function same(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return puppetEquals(a, b);
}

const merge: PuppetFunction = (ctx, args, lambda) => {
  if (lambda) return mergeWith(ctx, args, lambda);
  const out = new Map<Value, Value>();
  for (const h of args) {
    if (isEmptyish(h)) continue;
    if (!(h instanceof Map)) throw ctx.error('KSP-FUNC-017', { value: formatValue(h) });
    for (const [k, v] of h) out.set(k, v);
  }
  return out;
};

/**
 * merge(iterable) |$memo, $value| { hash } (or |$memo, $key, $value|): the hashes the lambda
 * answers, merged in turn.
 */
function mergeWith(ctx: CallContext, args: Value[], lambda: Lambda): Value {
  const out = new Map<Value, Value>();
  const three = lambda.parameters.length >= 3;
  for (const c of args) {
    const entries: [Value, Value][] = c instanceof Map ? [...c]
      : Array.isArray(c) ? c.map((x, i) => [BigInt(i), x])
      : typeof c === 'bigint' ? Array.from({ length: Number(c) }, (_x, i) => [BigInt(i), BigInt(i)])
      : typeof c === 'string' ? [...c].map((x, i) => [BigInt(i), x]) : [];
    if (!(c instanceof Map) && !Array.isArray(c) && typeof c !== 'bigint' && typeof c !== 'string') throw ctx.error('KSP-FUNC-003', { function: 'merge', value: formatValue(c) });
    for (const [k, v] of entries) {
      const r = three ? lambda.call([out, k, v]) : lambda.call([out, c instanceof Map ? [k, v] : v]);
      if (r instanceof Map) for (const [rk, rv] of r) out.set(rk, rv);
    }
  }
  return out;
}

/** stdlib::nested_values(hash): every value that is not itself a hash, depth first. */
const nestedValues: PuppetFunction = (_ctx, args) => {
  const out: Value[] = [];
  const walk = (h: Map<Value, Value>) => {
    for (const v of h.values()) v instanceof Map ? walk(v) : out.push(v);
  };
  walk(args[0] as Map<Value, Value>);
  return out;
};

const concat: PuppetFunction = (ctx, args) => {
  if (!Array.isArray(args[0])) throw ctx.error('KSP-FUNC-018', {});
  const out = [...args[0]];
  for (const a of args.slice(1)) Array.isArray(a) ? out.push(...a) : out.push(a);
  return out;
};


const pickDefault: PuppetFunction = (_ctx, args) => {
  return args.find((x) => !isEmptyish(x)) ?? args[args.length - 1];
};







/** JSON as Ruby's JSON module writes Puppet values (Floats keep their `.0`). */
function toJson(v: Value, indent: string | null, level = 0): string {
  const nl = indent === null ? '' : '\n';
  const pad = (n: number) => (indent === null ? '' : indent.repeat(n));
  if (v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatValue(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof PSensitive) return toJson(v.value, indent, level);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => pad(level + 1) + toJson(x, indent, level + 1)).join(`,${nl}`)}${nl}${pad(level)}]`;
  }
  if (v instanceof Map) {
    if (v.size === 0) return '{}';
    const sep = indent === null ? ':' : ': ';
    return `{${nl}${[...v].map(([k, x]) => `${pad(level + 1)}${JSON.stringify(formatValue(k))}${sep}${toJson(x, indent, level + 1)}`).join(`,${nl}`)}${nl}${pad(level)}}`;
  }
  return JSON.stringify(formatValue(v));
}

const toJsonFn: PuppetFunction = (_ctx, args) => {
  return toJson(args[0], null);
};

const toJsonPretty: PuppetFunction = (_ctx, args) => {
  let v = args[0];
  // skip_undef drops undef values from hashes (and arrays), as stdlib does.
  if (args[1] === true) {
    const strip = (x: Value): Value => (Array.isArray(x) ? x.filter((y) => y !== undefined).map(strip)
      : x instanceof Map ? new Map([...x].filter(([, y]) => y !== undefined).map(([k, y]) => [k, strip(y)])) : x);
    v = strip(v);
  }
  return `${toJson(v, '  ')}\n`;
};

const fact: PuppetFunction = (ctx, args) => {
  const name = args[0];
  if (typeof name !== 'string') throw ctx.error('KSP-FUNC-027', {});
  let v = ctx.variable('facts');
  for (const k of name.split('.')) {
    if (v instanceof Map) v = v.get(k);
    else if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else return undefined;
  }
  return v;
};

/** create_resources(type, { title => params }, defaults): resources from data. */
const createResources: PuppetFunction = (ctx, args) => {
  const [type, instances, defaults] = args;
  const typeName = typeof type === 'string' ? type : type instanceof ResourceType ? type.typeName : undefined;
  if (!typeName) throw ctx.error('KSP-FUNC-028', { value: formatValue(type) });
  if (!(instances instanceof Map)) throw ctx.error('KSP-FUNC-029', {});
  const dflt = defaults instanceof Map ? defaults : new Map<Value, Value>();
  const virtual = typeName.startsWith('@@') ? 'exported' : typeName.startsWith('@') ? 'virtual' : 'regular';
  const bare = typeName.replace(/^@+/, '').toLowerCase();
  for (const [title, params] of instances) {
    const p = new Map<string, Value>();
    for (const [k, v] of dflt) p.set(String(k), v);
    if (params instanceof Map) for (const [k, v] of params) p.set(String(k), v);
    if (bare === 'class') ctx.declareClass(formatValue(title), p);
    else ctx.declareResource(bare, title, virtual, p);
  }
  return undefined;
};

/** ensure_resource: declares the resource unless one with the same parameters exists. */
function ensureResource(ctx: CallContext, typeName: string, titles: Value, params: Map<Value, Value>): void {
  const list = Array.isArray(titles) ? titles.flat(Infinity as 1) as Value[] : [titles];
  for (const t of list) {
    const title = formatValue(t);
    const existing = ctx.findResource(typeName, title);
    const p = new Map<string, Value>([...params].map(([k, v]) => [String(k), v]));
    if (existing && [...p].every(([k, v]) => same(existing.params.get(k), v))) continue;
    ctx.declareResource(typeName.toLowerCase(), t, 'regular', p);
  }
}

const ensureResourceFn: PuppetFunction = (ctx, args) => {
  const [type, titles, params] = args;
  if (typeof type !== 'string') throw ctx.error('KSP-FUNC-030', {});
  ensureResource(ctx, type, titles, params instanceof Map ? params : new Map());
  return undefined;
};

const ensureResources: PuppetFunction = (ctx, args) => {
  const [type, instances, defaults] = args;
  if (typeof type !== 'string' || !(instances instanceof Map)) throw ctx.error('KSP-FUNC-031', {});
  for (const [title, params] of instances) {
    const p = new Map<Value, Value>(defaults instanceof Map ? defaults : []);
    if (params instanceof Map) for (const [k, v] of params) p.set(k, v);
    ensureResource(ctx, type, title, p);
  }
  return undefined;
};

const ensurePackages: PuppetFunction = (ctx, args) => {
  const defaults = new Map<Value, Value>([['ensure', 'installed']]);
  if (args[1] instanceof Map) for (const [k, v] of args[1]) defaults.set(k, v);
  if (defaults.get('ensure') === 'present') defaults.set('ensure', 'installed');
  const packages = args[0];
  if (packages instanceof Map) {
    for (const [title, params] of packages) {
      const p = new Map(defaults);
      if (params instanceof Map) for (const [k, v] of params) p.set(k, v);
      ensureResource(ctx, 'package', title, p);
    }
  } else {
    for (const name of Array.isArray(packages) ? packages : [packages]) ensureResource(ctx, 'package', name, defaults);
  }
  return undefined;
};

/**
 * assert_private([message]): inside a module's class or defined type, fails unless the code that
 * declared it is in the same module (`$caller_module_name` equals `$module_name`).
 */
const assertPrivate: PuppetFunction = (ctx, args) => {
  const here = ctx.variable('module_name') ?? '';
  const caller = ctx.variable('caller_module_name') ?? '';
  if (here === caller) return undefined;
  let message = args[0];
  if (typeof message !== 'string') {
    const d = ctx.definition();
    message = `${d.kind === 'class' ? 'Class' : 'Definition'} ${d.name} is private`;
  }
  throw ctx.error('KSP-FUNC-091', { message });
};

/**
 * strftime(time, format, timezone?) for a Timestamp or a Timespan (each its own directives);
 * strftime(format, timezone?) formats now (the legacy form).
 */
const strftime: PuppetFunction = (_ctx, args) => {
  if (args[0] instanceof PTimespan) return formatTimespan(args[0], formatValue(args[1]));
  if (args[0] instanceof PTimestamp) return formatTimestamp(args[0], formatValue(args[1]), typeof args[2] === 'string' ? args[2] : 'UTC');
  return formatTimestamp(PTimestamp.fromMs(Date.now()), formatValue(args[0]), typeof args[1] === 'string' ? args[1] : 'UTC');
};

const shellJoin: PuppetFunction = (_ctx, args) => {
  const words = Array.isArray(args[0]) ? args[0] : [args[0]];
  return words.map((w) => shellEscape(formatValue(w))).join(' ');
};

/** Ruby's Shellwords.escape. */
function shellEscape(s: string): string {
  if (s === '') return "''";
  return s.replace(/([^A-Za-z0-9_\-.,:+/@\n])/g, '\\$1').replace(/\n/g, "'\n'");
}

const shellEscapeFn: PuppetFunction = (_ctx, args) => {
  return shellEscape(formatValue(args[0]));
};

const any2array: PuppetFunction = (_ctx, args) => {
  if (args.length === 0) return [];
  if (args.length > 1) return args;
  const v = args[0];
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v].flatMap(([k, x]) => [k, x]);
  return v === undefined || v === '' ? [] : [v];
};

// A legacy function: undef reaches it as '', which is false.
const str2bool: PuppetFunction = (ctx, args) => str2boolValue(ctx, args[0] === undefined ? '' : args[0]);

/** stdlib's str2bool of one value (bool2num and any2bool use it too). */
export function str2boolValue(ctx: CallContext, v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw ctx.error('KSP-FUNC-032', {});
  if (/^(1|t|y|true|yes)$/i.test(v)) return true;
  if (/^(|0|f|n|false|no|undef|undefined)$/i.test(v)) return false;
  throw ctx.error('KSP-FUNC-033', {});
}


const deepMerge: PuppetFunction = (ctx, args) => {
  const mergeTwo = (a: Map<Value, Value>, b: Map<Value, Value>): Map<Value, Value> => {
    const out = new Map(a);
    for (const [k, v] of b) {
      const old = out.get(k);
      out.set(k, old instanceof Map && v instanceof Map ? mergeTwo(old, v) : v);
    }
    return out;
  };
  let acc = new Map<Value, Value>();
  for (const h of args) {
    if (isEmptyish(h)) continue;
    if (!(h instanceof Map)) throw ctx.error('KSP-FUNC-035', {});
    acc = mergeTwo(acc, h);
  }
  return acc;
};

export const STDLIB_FUNCTIONS: BuiltinFunction[] = [
  fn('merge', 'Any *hashes, Callable &block?', 'Hash', merge),
  fn('stdlib::nested_values', 'Hash hash', 'Array', nestedValues),
  fn('concat', 'Any array, Any +values', 'Array', concat),
  fn('pick_default', 'Any +values', 'Any', pickDefault),
  fn('to_json', 'Any data', 'String', toJsonFn),
  fn('to_json_pretty', 'Any data, Any skip_undef?, Any opts?', 'String', toJsonPretty),
  fn('fact', 'Any fact_name', 'Any', fact),
  fn('create_resources', 'Any type, Any instances, Any defaults?', 'Undef', createResources),
  fn('ensure_resource', 'Any type, Any title, Any params?', 'Undef', ensureResourceFn),
  fn('ensure_resources', 'Any type, Any instances, Any defaults?', 'Undef', ensureResources),
  fn('ensure_packages', 'Variant[String[1], Array[String[1]], Hash[String[1], Any]] packages, Hash default_attributes?', 'Undef', ensurePackages),
  fn('assert_private', 'Any message?', 'Undef', assertPrivate),
  fn('strftime', 'Any time_or_format, Any format?, Any timezone?', 'String', strftime),
  fn('shell_join', 'Any words', 'String', shellJoin),
  fn('shell_escape', 'Any string', 'String', shellEscapeFn),
  fn('any2array', 'Any *values', 'Array', any2array),
  fn('str2bool', 'Any string', 'Boolean', str2bool),
  fn('deep_merge', 'Any *hashes', 'Hash', deepMerge),
];
