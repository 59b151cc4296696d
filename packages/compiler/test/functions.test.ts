// Built-in functions against their declared signatures, run without a compilation: a fake
// CallContext stands in for it, which is all a function sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as A from '@kasper/language';
import { raise } from '../src/messages.ts';
import type { Lambda } from '../src/frame.ts';
import { BUILTIN_FUNCTIONS } from '../src/functions/index.ts';
import type { CallContext } from '../src/functions/context.ts';
import { checkCall, parseType } from '../src/functions/signature.ts';
import { IntegerType, StringType } from '../src/types/index.ts';
import { PRegexp, PSensitive, PTimestamp, toJsRegExp, type Value } from '../src/values.ts';

/** A context that records what the function asked for. */
function fakeContext(name: string, log: string[]): CallContext {
  return {
    name,
    error: (code, args) => raise(code, args),
    variable: (n) => (n === 'facts' ? new Map<Value, Value>([['os', new Map<Value, Value>([['family', 'Debian']])], ['networking', new Map<Value, Value>([['fqdn', 'web01.example.com']])]]) : n === 'x' ? 5n : n === 'fqdn' ? 'web01.example.com' : undefined),
    evaluate: (e: A.Expression) => (e.kind === 'QualifiedReference' && e.value === 'Integer' ? new IntegerType() : undefined),
    call: (n, args) => `${n}(${args.length})`,
    lookup: (key) => (key === 'known' ? { found: true, value: 'value' } : { found: false, value: undefined }),
    log: (level, message) => void log.push(`${level}: ${message}`),
    include: (names) => void log.push(`include ${names.join(',')}`),
    require: (names) => void log.push(`require ${names.join(',')}`),
    contain: (names) => void log.push(`contain ${names.join(',')}`),
    declareClass: (n) => void log.push(`class ${n}`),
    declareResource: (t, title) => void log.push(`resource ${t}[${title}]`),
    findResource: () => undefined,
    realize: (refs) => void log.push(`realize ${refs.length}`),
    isDefined: (v) => v === 'known',
    tag: (tags) => void log.push(`tag ${tags.join(',')}`),
    tags: () => new Set(['web']),
    definition: () => ({ kind: 'class', name: 'web' }),
    moduleFile: (spec) => `/modules/${spec}`,
    readText: () => 'template text',
    renderEpp: (source) => `rendered ${source}`,
    renderErb: (source) => `erb ${source}`,
    once: (key) => !log.includes(`once ${key}`) && log.push(`once ${key}`) > 0,
    position: () => ({ file: '/site.pp', line: 3, column: 1 }),
    moduleDirectory: (n) => (n === 'mod' ? '/modules/mod' : undefined),
    queryPuppetDB: (q) => [{ asked: q }],
  };
}

const lambda = (arity: number, body: (args: Value[]) => Value): Lambda => ({
  parameters: Array.from({ length: arity }, (_x, i) => ({ kind: 'Parameter', name: `p${i}` }) as unknown as A.Parameter),
  call: body,
});
const h = (o: Record<string, Value>) => new Map<Value, Value>(Object.entries(o));

/** One call per function: name, arguments, and the block when it takes one. */
const SAMPLES: [string, Value[], Lambda?][] = [
  ['include', ['a', ['b']]], ['require', ['a']], ['contain', ['a']], ['realize', [new StringType()]],
  ['tag', ['t']], ['tagged', ['web']], ['defined', ['known']],
  ['debug', ['x']], ['info', ['x']], ['notice', ['x', 1n]], ['warning', []], ['err', ['x']], ['alert', ['x']], ['crit', ['x']], ['emerg', ['x']],
  ['epp', ['mod/t.epp', h({ a: 1n })]], ['inline_epp', ['<%= 1 %>']],
  ['each', [[1n, 2n]], lambda(1, () => undefined)], ['map', [h({ a: 1n })], lambda(2, (a) => a[1])],
  ['filter', [[1n, 2n]], lambda(1, (a) => a[0] === 1n)], ['reduce', [[1n, 2n]], lambda(2, (a) => (a[0] as bigint) + (a[1] as bigint))],
  ['slice', [[1n, 2n, 3n], 2n]], ['with', [1n, 2n], lambda(2, (a) => a)], ['then', [1n], lambda(1, (a) => a[0])],
  ['lest', [undefined], lambda(0, () => 'x')], ['any', [[1n]], lambda(1, () => true)], ['all', [[1n]], lambda(1, () => false)],
  ['step', [[1n, 2n, 3n], 2n]], ['reverse_each', ['ab']], ['tree_each', [h({ a: [1n] })]],
  ['lookup', ['known']], ['lookup', ['unknown', undefined, undefined, 'default']],
  ['split', ['a,b', ',']], ['join', [['a', 1n], '-']], ['sprintf', ['%s-%05.1f', 'x', 2.5]], ['regsubst', [['ab', 'b'], 'b', 'c', 'G']],
  ['versioncmp', ['1.2', '1.10']], ['match', ['abc', 'b(c)']], ['match', ['x', 'y']],
  ['upcase', [h({ a: ['b'] })]], ['downcase', ['A']], ['capitalize', ['ab']], ['strip', [' a ']], ['lstrip', [' a']],
  ['rstrip', ['a ']], ['chomp', ['a\n']], ['chop', ['ab']], ['camelcase', ['a_b']], ['snakecase', ['AbC']],
  ['sha1', ['a']], ['sha256', ['a']], ['md5', ['a']],
  ['length', ['héllo']], ['size', [[1n]]], ['empty', [h({})]], ['keys', [h({ a: 1n })]], ['values', [h({ a: 1n })]],
  ['sort', [['b', 'a']]], ['unique', [[1n, 1n]]], ['flatten', [[1n, [2n]]]], ['dig', [h({ a: [1n] }), 'a', 0n]],
  ['min', [3n, 1n]], ['max', [['a', 'b']]], ['index', [['a', 'b'], 'b']], ['compare', ['a', 'B']],
  ['abs', ['-2']], ['round', [2.5]], ['ceiling', [1.2]], ['floor', [3n]],
  ['type', [[1n]]], ['type', [1n, 'generalized']], ['assert_type', [new IntegerType(), 1n]],
  ['new', [new IntegerType(), '0x10']], ['convert_to', ['5', new IntegerType()]], ['call', ['upcase', 'x']],
  ['getvar', ['facts.os.family']], ['unwrap', [new PSensitive('s')]],
  ['merge', [h({ a: 1n }), h({ b: 2n })]], ['concat', [[1n], 2n]], ['pick', [undefined, 'a']], ['pick_default', [undefined, '']],
  ['delete', ['abc', 'b']], ['delete_undef_values', [[1n, undefined]]], ['delete_at', [[1n, 2n], 0n]],
  ['prefix', [['a'], 'p']], ['suffix', [h({ a: 1n }), 's']], ['member', [[1n], 1n]], ['has_key', [h({ a: 1n }), 'a']],
  ['to_json', [h({ a: [1n, 2.0] })]], ['to_json_pretty', [h({ a: undefined }), true]], ['fact', ['os.family']],
  ['create_resources', ['notify', h({ n: h({}) })]], ['ensure_resource', ['package', 'p']], ['ensure_resources', ['user', h({ u: h({}) })]],
  ['ensure_packages', [['a']]], ['assert_private', []], ['strftime', [PTimestamp.fromMs(0), '%F']], ['shell_join', [['a b']]],
  ['fqdn_rand', [60n]], ['fqdn_rotate', [['a', 'b', 'c']]], ['stdlib::fqdn_rotate', ['abc', 'seed']], ['shellquote', [['a b', "it's"], 'c']],
  ['hiera', ['known']], ['hiera_array', ['unknown', []]], ['hiera_hash', ['unknown'], lambda(1, () => h({}))], ['hiera_include', ['unknown', []]],
  ['get', [h({ a: [1n, 2n] }), 'a.1']], ['group_by', [[1n, 2n, 3n]], lambda(1, (a) => (a[0] as bigint) % 2n)],
  ['partition', [h({ a: 1n, b: 2n })], lambda(2, (a) => a[1] === 1n)],
  ['find_file', ['/nonexistent']], ['find_template', [['/nonexistent']]], ['module_directory', ['nomod', 'mod']], ['puppetdb_query', ['nodes {}']],
  ['binary_file', ['/etc/hostname']], ['generate', ['/bin/echo', 'hi']], ['digest', ['a']],
  ['deprecation', ['k', 'm']], ['validate_legacy', ['Integer', 'validate_integer', 5n]], ['is_a', ['x', new StringType()]],
  ['validate_re', ['abc', '^a']], ['validate_string', ['a', undefined]], ['validate_bool', [true]], ['validate_array', [[]]],
  ['validate_hash', [h({})]], ['validate_absolute_path', [['/a', 'C:/b']]], ['validate_integer', ['5', 10n, 1n]],
  ['validate_numeric', [[1.5, '2'], 3n]], ['validate_ip_address', ['::1']], ['validate_ipv4_address', ['10.0.0.1']],
  ['validate_ipv6_address', ['fe80::1']], ['validate_slength', ['abc', 5n]], ['is_absolute_path', ['/x']], ['is_array', [[]]],
  ['is_bool', [false]], ['is_hash', [h({})]], ['is_string', ['1']], ['is_integer', ['12']], ['is_float', ['1.5']], ['is_numeric', [2n]],
  ['is_ip_address', ['1.2.3.4/24']], ['is_ipv4_address', ['::1']], ['is_ipv6_address', ['::1']], ['dirname', ['/a/b']], ['basename', ['/a/b.c', '.*']],
  ['stdlib::nested_values', [h({ a: h({ b: 1n }), c: 2n })]], ['stdlib::merge', [[1n, 2n]], lambda(2, (a) => h({ [String(a[1])]: a[1] }))],
  ['stdlib::ensure_packages', [['a']]], ['stdlib::shell_escape', ['a b']], ['stdlib::to_json', [[1n]]], ['stdlib::to_json_pretty', [[1n]]], ['stdlib::deprecation', ['k', 'm']],
  ['base64', ['encode', 'x']], ['join_keys_to_values', [h({ a: 1n }), '=']], ['count', [['a', '', 'b']]], ['hash', [['a', 1n]]],
  ['grep', [['ab', 'c'], 'a']], ['values_at', [['a', 'b', 'c'], '0-1']], ['union', [['a'], ['b']]], ['bool2num', ['yes']],
  ['num2bool', ['1.5']], ['any2bool', ['0']], ['enclose_ipv6', [['::1', '1.2.3.4']]], ['is_domain_name', ['example.com']],
  ['is_mac_address', ['00:11:22:33:44:55']], ['is_email_address', ['a@b.cd']], ['range', ['a..c']], ['dig44', [h({ a: [1n] }), ['a', 0n]]],
  ['uriescape', ['a b']], ['get_module_path', ['mod']], ['getparam', ['File[/x]', 'mode']], ['time', []],
  ['template', ['mod/x.erb', 'mod/y.erb']], ['inline_template', ['<%= 1 %>']], ['shell_escape', ["a'b"]], ['any2array', [h({ a: 1n })]], ['str2bool', ['yes']], ['bool2str', [true]], ['deep_merge', [h({ a: h({ b: 1n }) })]],
];
/** Functions that never return: they fail, or unwind with break, next or return. */
const NEVER_RETURN = new Set(['fail', 'break', 'next', 'return', 'file']);

test('every built-in function\'s signature parses (they are parsed on first call, not at load)', () => {
  for (const [name, f] of BUILTIN_FUNCTIONS) assert.ok(f.signature.params, name);
});

test('every built-in function has a sample call, or never returns', () => {
  const sampled = new Set(SAMPLES.map(([n]) => n));
  const missing = [...BUILTIN_FUNCTIONS.keys()].filter((n) => !sampled.has(n) && !NEVER_RETURN.has(n));
  assert.deepEqual(missing, []);
});

test('functions return what their signatures declare', () => {
  for (const [name, args, block] of SAMPLES) {
    const f = BUILTIN_FUNCTIONS.get(name)!;
    const ctx = fakeContext(name, []);
    checkCall(ctx, f.signature, args, block ?? null);
    const result = f.call(ctx, args, block ?? null);
    assert.ok(f.signature.returns.isInstance(result), `${name}(${f.signature.text}) returned ${String(result)}, not ${f.signature.returns}`);
  }
});

test('calls are checked against the signature with the type system\'s words', () => {
  const call = (name: string, args: Value[], block: Lambda | null = null) => {
    const f = BUILTIN_FUNCTIONS.get(name)!;
    const ctx = fakeContext(name, []);
    checkCall(ctx, f.signature, args, block);
    return f.call(ctx, args, block);
  };
  assert.throws(() => call('length', [1n, 2n]), { code: 'KSP-EVAL-009', message: "'length' expects 1 argument, got 2" });
  assert.throws(() => call('split', [5n, ',']), { code: 'KSP-EVAL-007', message: "'split' parameter 'str' expects a String value, got Integer" });
  assert.throws(() => call('join', [['a'], undefined]), { message: "'join' parameter 'delimiter' expects a String value, got Undef" });
  assert.throws(() => call('upcase', [undefined]), { message: "'upcase' parameter 'arg' expects a value of type Numeric, String, Array, or Hash, got Undef" });
  assert.throws(() => call('upcase', [['a', true]]), { message: "'upcase' parameter 'arg' expects a value of type Numeric, String, Array, or Hash, got Boolean" });
  assert.throws(() => call('keys', [[1n]]), { message: "'keys' parameter 'hsh' expects a Hash value, got Array" });
  assert.throws(() => call('new', ['Integer', '1']), { message: "'new' parameter 'type' expects a Type value, got String" });
  assert.throws(() => call('each', [[1n]]), { code: 'KSP-EVAL-010', message: "'each' expects a block (a lambda like |$x| { … })" });
  assert.throws(() => call('regsubst', ['a', 'b']), { code: 'KSP-EVAL-009', message: "'regsubst' expects between 3 and 5 arguments, got 2" });
  assert.throws(() => call('split', ['a', 5n]), { code: 'KSP-EVAL-007', message: "'split' parameter 'pattern' expects a String or Regexp value, got Integer" });
});

test('functions fail with a code of their own, in Puppet\'s words', () => {
  const call = (name: string, args: Value[]) => BUILTIN_FUNCTIONS.get(name)!.call(fakeContext(name, []), args, null);
  assert.throws(() => call('delete_at', [[1n], 5n]), { name: 'CompileError', code: 'KSP-FUNC-023', message: 'delete_at(): Given index exceeds size of array given' });
  assert.throws(() => call('sort', [[1n, 'a']]), { code: 'KSP-FUNC-090', message: /^comparison of (Integer with String|String with Integer) failed$/ });
  assert.deepEqual(call('sort', [[[2n, 'b'], [1n, 'z'], [1n, 'a'], [2n], [1n]]]), [[1n], [1n, 'a'], [1n, 'z'], [2n], [2n, 'b']]);
  assert.throws(() => call('sort', [[[1n], ['a']]]), { code: 'KSP-FUNC-090', message: 'comparison of Array with Array failed' });
  assert.throws(() => call('compare', [1n, 'a']), { code: 'KSP-FUNC-006', message: "'compare' Can only compare values of the same kind: Integer and String" });
  assert.throws(() => call('prefix', ['a', 'p']), { code: 'KSP-FUNC-045', message: 'prefix(): expected first argument to be an Array or a Hash, got "a"' });
  assert.throws(() => call('new', [new IntegerType(), 'x']), { code: 'KSP-FUNC-012', message: "The string 'x' cannot be converted to Integer" });
  assert.throws(() => call('fail', ['a', 1n]), { code: 'KSP-EVAL-008', message: 'a 1' });
});

test('signatures read Puppet type syntax', () => {
  assert.equal(String(parseType("Variant[String[1], Array[Integer, 2], Enum['a', 'b'], Optional[Hash[String, Any]]]")),
    "Variant[String[1], Array[Integer, 2], Enum['a', 'b'], Optional[Hash[String, Any]]]");
  const sig = BUILTIN_FUNCTIONS.get('reduce')!.signature;
  assert.deepEqual([sig.min, sig.max, sig.block, sig.params.map((p) => p.name)], [1, 2, 'required', ['collection', 'memo']]);
});

test("Regexp values and string patterns read Ruby syntax (the catalog's translation); one JavaScript refuses matches literally", () => {
  assert.ok(new PRegexp('\\Afoo\\z').regexp.test('foo'));
  assert.ok(!new PRegexp('\\Afoo\\z').regexp.test('foo\n'));
  assert.ok(toJsRegExp('^[[:digit:]]+$').test('42'));
  assert.equal(toJsRegExp('x', 'i').flags, 'im');
  assert.ok(toJsRegExp('a{2,1}').test('xa{2,1}'));
  assert.ok(!toJsRegExp('a{2,1}').test('aa'));
});
