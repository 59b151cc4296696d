// Property test: the stdlib functions Kasper implements in TypeScript against stdlib's own Ruby
// (Debian's puppetlabs-stdlib on the modulepath, run in @kasper/ruby), on the same random
// arguments. Both must answer the same value, or both fail with the same message.
//
// The arguments come from a fixed, printed seed (KASPER_PROPERTY_SEED to replay another); each
// function gets ROUNDS calls, with argument counts inside and outside what it accepts and values
// chosen to reach its edges (numbers written as strings, paths, addresses, nesting, undef).
// The Ruby side is the legacy function as Puppet 3's API calls it (undef as '' at the top); the
// native side gets the same values through the function's code, with a CallContext that records
// warnings and answers the fqdn (the functions compared are pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type * as A from '@kasper/language';
import { callRubyFunction, loadRubyFunction, RubyError, type FunctionHost, type PuppetValue, type RubyFunction } from '@kasper/ruby';
import { raise } from '../src/messages.ts';
import { BUILTIN_FUNCTIONS } from '../src/functions/index.ts';
import { LEGACY_CHECKS } from '../src/functions/validate.ts';
import type { CallContext } from '../src/functions/context.ts';
import { CompileError } from '../src/errors.ts';
import { needs } from '../../../test/support/host.ts';
import { corpusModulepath } from '../../../test/support/module-corpus.ts';
import type { Value } from '../src/values.ts';
import { seededRandom } from '../../../test/support/random.ts';

const SEED = Number(process.env.KASPER_PROPERTY_SEED ?? 20261201);
const ROUNDS = Number(process.env.KASPER_PROPERTY_ROUNDS ?? 150);
const FQDN = 'web01.example.com';

const prng = seededRandom;

// Windows paths (C:/x, \\\\server\\share) are left out: @kasper/ruby's Puppet::Util.absolute_path?
// knows only posix paths, where Puppet accepts both (conformance case 262 checks them against Puppet).
const STRINGS = [
  '', 'abc', 'ABC', ' a ', '/etc/app', '/etc/app/', '//srv', '/', 'c:x', 'relative/path', '../up', 'file.tar.gz', '.bashrc',
  'encode', 'decode', 'default', 'strict', 'urlsafe', 'dGhlc3RyaW5n', 'YQ==', 'a-b_c', '00:11:22:33:44:55', 'user@example.com', 'example.com', 'a..b', '*', '1-3', '0...2', 'a..e', 'a9...b2', 'az-bc', '08..11', 'x y', 'é/ü?q=1',
  '1', '-3', '0', '01', '1.0', '1.5', '1.50', '-2.5', '1e5', '1.5e3', '.5', '0x1F', '0b101', '0o17', '1_000', ' 42 ', '42abc', 'abc42', '1,5',
  '10.0.0.1', '192.168.0.0/24', '256.1.1.1', '1.2.3', '010.0.0.1', '::1', 'fe80::1', 'fe80::1/64', '::ffff:1.2.3.4', '2001:db8::/32', 'gg::1', '1.2.3.4/33',
  'true', 'false', 'yes', 'no', 'undef', '^a', '^[0-7]{4}$', '(unclosed', 'it\'s', 'say "hi"', 'tab\tx', 'line\nbreak', 'ünï', 'a.b', '#{x}', '$HOME',
];

type Gen = () => Value;

const RANGES = ['1..5', '1...5', '1-5', '5..1', 'a..e', 'a...e', 'a9..b2', 'az-bc', 'zz..aab', '08..11', 'A..C', 'x', '1..', 'aa..a', '0..0'];

function generators(rand: () => number): { value: Gen; pick: <T>(xs: readonly T[]) => T } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const scalar: Gen = () => {
    const r = rand();
    if (r < 0.45) return pick(STRINGS);
    if (r < 0.6) return BigInt(pick([0, 1, -1, 2, 3, 5, 42, 65535, 65536, -7, 100, 1000]));
    if (r < 0.68) return pick([0.5, 1.0, 1.5, -2.25, 1e20, 3.0]);
    if (r < 0.76) return rand() < 0.5;
    if (r < 0.84) return undefined;
    return pick(STRINGS) + String(Math.floor(rand() * 10));
  };
  const value: Gen = () => {
    const r = rand();
    if (r < 0.7) return scalar();
    if (r < 0.88) return Array.from({ length: Math.floor(rand() * 4) }, () => (rand() < 0.15 ? [scalar()] : scalar()));
    const h = new Map<Value, Value>();
    for (let i = Math.floor(rand() * 3); i > 0; i--) h.set(pick(['a', 'b', 'key', 'port']), scalar());
    return h;
  };
  return { value, pick };
}

/** Functions compared, with how many arguments they take (calls also go one past each end). */
const FUNCTIONS: Record<string, [min: number, max: number]> = {
  validate_re: [2, 3], validate_string: [1, 3], validate_bool: [1, 2], validate_array: [1, 2], validate_hash: [1, 2],
  validate_absolute_path: [1, 2], validate_integer: [1, 3], validate_numeric: [1, 3], validate_ip_address: [1, 2],
  validate_ipv4_address: [1, 2], validate_ipv6_address: [1, 2], validate_slength: [2, 3],
  is_absolute_path: [1, 1], is_array: [1, 1], is_bool: [1, 1], is_hash: [1, 1], is_string: [1, 1], is_integer: [1, 1],
  is_float: [1, 1], is_numeric: [1, 1], is_ip_address: [1, 1], is_ipv4_address: [1, 1], is_ipv6_address: [1, 1],
  dirname: [1, 1], basename: [1, 2], fqdn_rotate: [1, 3],
  base64: [2, 3], join_keys_to_values: [2, 2], count: [1, 2], hash: [1, 1], grep: [2, 2], values_at: [2, 2], union: [2, 3],
  bool2num: [1, 1], num2bool: [1, 1], any2bool: [1, 1], enclose_ipv6: [1, 1], is_domain_name: [1, 1], is_mac_address: [1, 1],
  is_email_address: [1, 1], range: [1, 3], dig44: [2, 3], uriescape: [1, 1],
  // Implemented natively before this test existed; their signatures check the argument count.
  str2bool: [1, 1], pick_default: [1, 3], delete: [2, 2], delete_undef_values: [1, 1], delete_at: [2, 2], prefix: [1, 2],
  suffix: [1, 2], member: [2, 2], has_key: [2, 2], any2array: [0, 3], bool2str: [1, 3], concat: [2, 3], pick: [1, 3],
};

const stdlib = (modulepath: string) => join(modulepath, 'stdlib', 'lib', 'puppet', 'parser', 'functions');

/** What a call answered: a value, or an error's message. */
type Outcome = { value: Value } | { error: string };

function rubyHost(modulepath: string, loaded: Map<string, RubyFunction>): FunctionHost {
  const host: FunctionHost = {
    lookup: (name) => (name === '::fqdn' || name === 'fqdn' ? FQDN : undefined),
    variables: () => ['fqdn'],
    // Legacy stdlib code calls deprecation (silent unless STDLIB_LOG_DEPRECATIONS) and is_* helpers.
    callFunction: (name, args) => (name === 'deprecation' ? undefined : callRubyFunction(rubyFunction(modulepath, name, loaded), args, undefined, host)),
    isInstance: () => true,
  };
  return host;
}

function rubyFunction(modulepath: string, name: string, loaded: Map<string, RubyFunction>): RubyFunction {
  let fn = loaded.get(name);
  if (!fn) {
    const file = join(stdlib(modulepath), `${name}.rb`);
    fn = loadRubyFunction(file, readFileSync(file, 'utf8'));
    loaded.set(name, fn);
  }
  return fn;
}

function nativeContext(name: string): CallContext {
  const unused = () => {
    throw new Error(`the property test's functions do not ${name} this`);
  };
  return {
    name,
    error: (code, args) => raise(code, args),
    variable: (n) => (n === 'fqdn' ? FQDN : n === 'facts' ? new Map<Value, Value>([['networking', new Map<Value, Value>([['fqdn', FQDN]])]]) : undefined),
    evaluate: (_e: A.Expression) => unused(),
    call: unused, lookup: unused, include: unused, require: unused, contain: unused, declareClass: unused, declareResource: unused,
    findResource: unused, realize: unused, isDefined: unused, tag: unused, tags: unused, moduleFile: unused, readText: unused,
    renderEpp: unused, renderErb: unused, moduleDirectory: unused, definition: unused, queryPuppetDB: unused,
    log: () => undefined,
    once: () => true,
    position: () => ({ file: '/site.pp', line: 1, column: 1 }),
  };
}

const NO_METHOD = '<a NoMethodError>';

function runNative(name: string, args: Value[]): Outcome {
  const ctx = nativeContext(name);
  try {
    const check = LEGACY_CHECKS[name];
    return { value: check ? check(ctx, args) : BUILTIN_FUNCTIONS.get(name)!.call(ctx, args, null) };
  } catch (e) {
    if (e instanceof CompileError) return { error: e.message };
    throw e;
  }
}

function runRuby(modulepath: string, loaded: Map<string, RubyFunction>, name: string, args: Value[]): Outcome {
  try {
    const v = callRubyFunction(rubyFunction(modulepath, name, loaded), args as PuppetValue[], undefined, rubyHost(modulepath, loaded));
    return { value: v as Value };
  } catch (e) {
    // A NoMethodError's words change with Ruby's version (Puppet's Ruby 3.1 and @kasper/ruby's
    // 3.4 differ): that both fail is what counts.
    // Ruby 3.2 dropped Object#=~, which answers nil under Puppet's Ruby 3.1.
    if (e instanceof RubyError && e.rubyClass === 'NoMethodError' && e.detail.includes("'=~'")) return { value: false };
    if (e instanceof RubyError) return { error: e.rubyClass === 'NoMethodError' ? NO_METHOD : e.detail };
    throw e;
  }
}

const show = (args: unknown[]) => JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? Object.fromEntries(v) : v === undefined ? '<undef>' : v));

test(`native stdlib functions answer as stdlib's Ruby does (seed ${SEED}, ${ROUNDS} calls each)`, (t) => {
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const modulepath = (corpus as { dir: string }).dir;
  t.diagnostic(`seed ${SEED} (KASPER_PROPERTY_SEED replays another)`);
  const loaded = new Map<string, RubyFunction>();
  const failures: string[] = [];
  let compared = 0;
  for (const [name, [min, max]] of Object.entries(FUNCTIONS)) {
    assert.ok(existsSync(join(stdlib(modulepath), `${name}.rb`)), `${name}.rb is not in Debian's stdlib`);
    const rand = prng(SEED ^ [...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
    const { value, pick } = generators(rand);
    for (let round = 0; round < ROUNDS; round++) {
      // Below the minimum only where the function itself checks its count (not its signature).
      const count = Math.max(LEGACY_CHECKS[name] ? 0 : min, min - 1 + Math.floor(rand() * (max - min + 3)));
      // Puppet 3's API hands a legacy function undef as '' (inside arrays it stays nil).
      // range() is compared on what it is for: range strings, and numbers with a step.
      const arg = name !== 'range' ? value : count === 1 ? () => pick(RANGES) : () => (rand() < 0.8 ? BigInt(Math.floor(rand() * 30) - 3) : pick(['a', 'aa', 'zz', 'A9']));
      const args = Array.from({ length: count }, arg).map((a) => (a === undefined ? '' : a));
      const ruby = runRuby(modulepath, loaded, name, args);
      let native = runNative(name, args);
      if ('error' in ruby && ruby.error === NO_METHOD && 'error' in native) native = ruby;
      compared++;
      if (!isDeepStrictEqual(native, ruby)) failures.push(`${name}(${show(args).slice(1, -1)}): native ${show([native])}, Ruby ${show([ruby])}`);
    }
  }
  t.diagnostic(`${compared} calls compared`);
  if (process.env.KASPER_PROPERTY_DUMP) for (const f of failures) console.log(f);
  assert.deepEqual(failures.slice(0, 25), [], `${failures.length} of ${compared} calls differ`);
});
