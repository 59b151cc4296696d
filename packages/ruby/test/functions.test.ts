// Module functions written in Ruby, both APIs, run here and by Puppet 7's own Ruby on the same
// arguments (test/support/puppet-functions.rb): Debian's puppetlabs-stdlib, whose functions
// exercise dispatch by type, call_function back into the host, function_x between Puppet 3
// functions, closure_scope and lookupvar, Puppet::ParseError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callRubyFunction, expectedName, loadRubyFunction, loadRubyFunctions, RubyArgumentError, RubyError, type FunctionHost } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { corpusModulepath } from '../../../test/support/module-corpus.ts';
import { hasPuppet, plain, puppetFunctions, type FunctionCase } from './support/reference.ts';
import { ModuleFunctions } from './support/module-functions.ts';
import { debianModules, moduleFiles } from './support/debian-modules.ts';
import { kasperTypes, kasperValues } from './support/kasper-values.ts';
import { mapScope } from './support/scope.ts';

const m = (entries: [string, unknown][]) => new Map<string, unknown>(entries);
const FACTS = m([['fqdn', 'node.example.com'], ['hostname', 'node'], ['os', m([['family', 'Debian'], ['name', 'Debian'], ['release', m([['major', '12'], ['full', '12.5']])]])], ['kernel', 'Linux'], ['networking', m([['fqdn', 'node.example.com']])]]);
const VARS = new Map<string, unknown>([...FACTS, ['facts', FACTS]]);

const legacy = (name: string, ...args: unknown[]): FunctionCase => ({ name, api: 'legacy', args });
const modern = (name: string, ...args: unknown[]): FunctionCase => ({ name, api: 'modern', args });

const CASES: FunctionCase[] = [
  legacy('abs', -3n), legacy('abs', '-2.5'), legacy('any2array', 'a'), legacy('any2array', m([['a', 1n]])), legacy('any2bool', 'yes'),
  legacy('base64', 'encode', 'hello'), legacy('base64', 'decode', 'aGVsbG8='), legacy('base64', 'encode', 'hello', 'urlsafe'), legacy('base64', 'bogus', 'x'),
  legacy('basename', '/a/b.c'), legacy('basename', '/a/b.c', '.c'), legacy('bool2num', true), legacy('bool2str', false, 'y', 'n'), legacy('camelcase', 'a_b_c'),
  legacy('capitalize', ['ab', 'cd']), legacy('ceiling', 1.2), legacy('chomp', 'a\n'), legacy('chop', 'abc'), legacy('clamp', '24', [575n, 187n]),
  legacy('concat', ['a'], ['b'], 'c'), legacy('convert_base', '254', '16'), legacy('count', ['a', 'b', 'a'], 'a'),
  legacy('deep_merge', m([['a', m([['b', 1n]])]]), m([['a', m([['c', 2n]])]])), legacy('delete', ['a', 'b', 'a'], 'a'), legacy('delete', m([['a', 1n], ['b', 2n]]), 'b'),
  legacy('delete_at', ['a', 'b'], 1n), legacy('delete_regex', ['abc', 'b'], '^a'), legacy('delete_undef_values', m([['a', undefined], ['b', 1n]])),
  legacy('delete_values', m([['a', 'A'], ['b', 'B']]), 'B'), legacy('difference', [1n, 2n, 3n], [2n]), legacy('dirname', '/a/b/c'), legacy('dos2unix', 'a\r\nb'),
  legacy('downcase', 'ABC'), legacy('empty', ''), legacy('enclose_ipv6', ['::1', '127.0.0.1']), legacy('flatten', [[1n, [2n]], 3n]), legacy('floor', 1.8),
  legacy('fqdn_rand_string', 10n), legacy('fqdn_rotate', ['a', 'b', 'c', 'd']), legacy('fqdn_uuid', 'x'), legacy('grep', ['aaa', 'bbb'], 'a'),
  legacy('has_key', m([['a', 1n]]), 'a'), legacy('hash', ['a', 1n, 'b', 2n]), legacy('intersection', [1n, 2n], [2n, 3n]), legacy('is_domain_name', 'example.com'),
  legacy('is_email_address', 'a@b.c'), legacy('is_float', '1.5'), legacy('is_integer', '12'), legacy('is_ip_address', '1.2.3.4'), legacy('is_ipv6_address', '::1'),
  legacy('is_mac_address', 'aa:bb:cc:dd:ee:ff'), legacy('is_numeric', '1e3'), legacy('join', ['a', 'b'], ','), legacy('join_keys_to_values', m([['a', 1n]]), '='),
  legacy('keys', m([['b', 1n], ['a', 2n]])), legacy('lstrip', '  a'), legacy('max', 1n, 5n, 3n), legacy('member', ['a', 'b'], 'b'), legacy('merge', m([['a', 1n]]), m([['b', 2n]])),
  legacy('min', 4n, 2n), legacy('num2bool', '1'), legacy('parsejson', '{"a": [1, 2.5, null], "2": 1, "1": 2}'), legacy('parseyaml', 'a: [1, 2.5]\nb: yes\n'),
  legacy('pick', '', 'x'), legacy('pick_default', '', 'y'), legacy('prefix', ['a', 'b'], 'p'), legacy('range', 'a', 'd'), legacy('range', 1n, 10n, 3n),
  legacy('regexpescape', 'a.b'), legacy('reject', ['aaa', 'bbb'], 'a'), legacy('reverse', 'abc'), legacy('round', 2.5), legacy('rstrip', 'a  '),
  legacy('seeded_rand', 100n, 'seed'), legacy('shell_join', ['a b', 'c']), legacy('shell_split', 'a "b c"'), legacy('size', [1n, 2n]), legacy('sort', ['b', 'a']),
  legacy('squeeze', 'aaabbb'), legacy('str2bool', 'yes'), legacy('strip', ' a '), legacy('suffix', ['a'], 's'), legacy('swapcase', 'aB'), legacy('to_bytes', '1 KB'),
  legacy('try_get_value', m([['a', m([['b', 1n]])]]), 'a/b'), legacy('type3x', 'a'), legacy('union', [1n], [2n]), legacy('unique', ['a', 'a']), legacy('unix2dos', 'a\nb'),
  legacy('upcase', 'a'), legacy('uriescape', 'a b'), legacy('validate_re', 'abc', '^a'), legacy('validate_re', 'abc', '^b'), legacy('validate_slength', 'abc', 2n),
  legacy('values', m([['a', 1n]])), legacy('values_at', ['a', 'b', 'c'], [0n, 2n]), legacy('zip', [1n, 2n], [3n, 4n]), legacy('validate_absolute_path', '/x'),
  legacy('abs'), legacy('validate_bool', 'true'), legacy('is_string', 'a'), legacy('str2saltedpbkdf2', 'pw', 'saltsaltsalt', 1000n), legacy('pw_hash', 'pw', 'SHA-512', 'salt'),
  modern('merge', m([['a', 1n]]), m([['b', 2.0]])), modern('merge', 1n), modern('stdlib::start_with', 'abc', 'a'), modern('stdlib::start_with', 1n, 'a'),
  modern('stdlib::end_with', 'abc', 'c'), modern('stdlib::extname', 'a/b.txt'), modern('stdlib::ip_in_range', '10.1.1.1', '10.0.0.0/8'),
  modern('stdlib::xml_encode', '<a & "b">'), modern('to_json', m([['a', [1n, 2.5, undefined]]])), modern('to_json_pretty', m([['a', 1n], ['b', [true]]])),
  modern('to_yaml', m([['a', 1n], ['b', ['x']]])), modern('to_python', m([['a', undefined], ['b', true]])), modern('to_ruby', m([['a', undefined], ['b', 1.5]])),
  modern('batch_escape', 'a b'), modern('shell_escape', 'a b'), modern('powershell_escape', 'a b'), modern('sprintf_hash', '%<a>s-%<b>05d', m([['a', 'x'], ['b', 42n]])),
  modern('seeded_rand_string', 8n, 'seed'), modern('os_version_gte', 'Debian', '10'), modern('type_of', 1n), modern('type_of', ['a', 1n]), modern('fact', 'os.family'),
  modern('fact', 'networking.fqdn'), modern('is_string', 'a'), modern('is_absolute_path', '/x'), modern('validate_legacy', 'String', 'is_string', 'x'),
modern('length', ['a', 'b']), modern('length', 'abc'), modern('to_toml', m([['a', 1n]])),
  // a Ruby function calling Ruby functions that raise, rescued by the caller
  modern('validate_legacy', 'String', 'validate_re', 'abc', '^a'), modern('validate_legacy', 'Integer', 'validate_re', 'abc', '^b'),
  modern('validate_legacy', 'Integer', 'validate_re', 'abc', ['^a', '^c']), modern('validate_legacy', 'Array[String]', 'validate_array', ['x']),
];

test('stdlib\'s Ruby functions answer as under Puppet 7', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for the expected answers')) return;
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const { dir } = corpus as { dir: string };
  const expected = puppetFunctions(dir, CASES);
  const functions = new ModuleFunctions(dir, ['stdlib']);
  const differ: unknown[] = [];
  CASES.forEach((c, i) => {
    const want = expected[i];
    let got: unknown;
    try {
      got = { value: plain(functions.call(c.name, c.api, c.args as never[], VARS)) };
    } catch (e) {
      got = { error: e instanceof RubyError ? e.detail : (e as Error).message };
    }
    const same = 'value' in want ? 'value' in (got as object) && JSON.stringify(plainJson((got as { value: unknown }).value)) === JSON.stringify(plainJson(want.value)) : 'error' in (got as object) && sameError((got as { error: string }).error, want.error);
    if (!same) differ.push({ case: `${c.api} ${c.name}(${c.args.map((a) => JSON.stringify(plainJson(plain(a)))).join(', ')})`, kasper: plainJson(got), puppet: plainJson(want) });
  });
  assert.deepEqual(differ, []);
});

/**
 * Errors agree on the function's own message. Ruby 3.4 words its own errors (`undefined method
 * 'x'`) a little differently, and how a value fails a type is Kasper's type system's wording.
 */
function sameError(mine: string, theirs: string): boolean {
  const norm = (s: string) => String(s).replace(/[`']/g, "'").replace(/ for an instance of \w+| for \S+:\w+/g, '')
    .replace(/expects a value of type .*?, got/g, 'expects …, got').replace(/\s+/g, ' ').trim();
  return norm(mine) === norm(theirs);
}

function plainJson(v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}.0` : v;
  if (Array.isArray(v)) return v.map(plainJson);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plainJson(x)]));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainJson(x)]));
  return v;
}

test('a function file is described: name, API, dispatches with their types, arity', () => {
  const path = '/m/lib/puppet/functions/mymod/greet.rb';
  const [fn] = loadRubyFunctions(path, `
    Puppet::Functions.create_function(:'mymod::greet') do
      local_types do
        type 'Name = String[1]'
      end
      dispatch :greet do
        param 'Name', :who
        optional_param 'Integer', :times
        optional_block_param 'Callable[1,1]', :block
        return_type 'String'
      end
      dispatch :greet_all do
        required_repeated_param 'Array[String]', :groups
      end
      def greet(who, times = 1)
        s = "hello #{who}" * times
        block_given? ? yield(s) : s
      end
      def greet_all(*groups) = groups.flatten.join(',')
    end`);
  assert.equal(fn.name, 'mymod::greet');
  assert.equal(fn.api, 'modern');
  assert.deepEqual(fn.localTypes, [{ name: 'Name', definition: 'String[1]' }]);
  assert.deepEqual(fn.dispatches.map((d) => [d.method, d.params, d.block, d.returnType, d.min, d.max]), [
    ['greet', [{ name: 'who', type: 'Name', kind: 'required' }, { name: 'times', type: 'Integer', kind: 'optional' }], { name: 'block', type: 'Callable[1,1]', optional: true }, 'String', 1, 2],
    ['greet_all', [{ name: 'groups', type: 'Array[String]', kind: 'required_repeated' }], undefined, undefined, 1, -1],
  ]);
  const host = { ...mapScope(new Map()), ...kasperTypes, values: kasperValues };
  assert.equal(callRubyFunction(fn, ['bob', 2n], undefined, host), 'hello bobhello bob');
  assert.equal(callRubyFunction(fn, ['bob'], (args) => `<${args[0] as string}>`, host), '<hello bob>');
  assert.equal(callRubyFunction(fn, [['a'], ['b', 'c']], undefined, host), 'a,b,c');
  assert.throws(() => callRubyFunction(fn, [1n, 2n, 3n], undefined, host), (e: unknown) => e instanceof RubyArgumentError && /expects one of/.test(e.message));

  const [old] = loadRubyFunctions('/m/lib/puppet/parser/functions/shout.rb', `
    module Puppet::Parser::Functions
      newfunction(:shout, :type => :rvalue, :arity => 1, :doc => 'Shouts.') do |args|
        raise Puppet::ParseError, 'shout(): nothing to shout' if args[0].empty?
        return args[0].upcase + lookupvar('suffix').to_s
      end
    end`);
  assert.deepEqual([old.name, old.api, old.type, old.arity, old.doc], ['shout', 'legacy', 'rvalue', 1, 'Shouts.']);
  const vars = mapScope(new Map([['suffix', '!']]));
  assert.equal(callRubyFunction(old, ['hey'], undefined, { ...vars, ...kasperTypes }), 'HEY!');
  // undef is '' for a Puppet 3 function, as Puppet passes it
  assert.throws(() => callRubyFunction(old, [undefined], undefined, { ...vars, ...kasperTypes }), (e: unknown) => e instanceof RubyError && e.rubyClass === 'Puppet::ParseError' && e.line === 4 && e.file === '/m/lib/puppet/parser/functions/shout.rb');
  assert.throws(() => callRubyFunction(old, [], undefined, { ...vars, ...kasperTypes }), /shout\(\): Wrong number of arguments given \(0 for 1\)/);
});

test('errors name the Ruby file and line; a load error too', () => {
  const path = '/m/lib/puppet/functions/broken.rb';
  assert.throws(() => loadRubyFunction(path, 'Puppet::Functions.create_function(:broken) do\n  def broken(\nend\n'), (e: unknown) => e instanceof RubyError && e.rubyClass === 'SyntaxError' && e.file === path);
  const fn = loadRubyFunction(path, 'Puppet::Functions.create_function(:broken) do\n  def broken(x)\n    x.frobnicate\n  end\nend\n');
  assert.throws(() => callRubyFunction(fn, [1n], undefined, { ...mapScope(new Map()), ...kasperTypes }), (e: unknown) => e instanceof RubyError && e.file === path && e.line === 3 && e.rubyClass === 'NoMethodError');
});

test('a Ruby function calls back into the host, and the host into Ruby, with blocks both ways', () => {
  const fn = loadRubyFunction('/m/lib/puppet/functions/twice.rb', `
    Puppet::Functions.create_function(:twice) do
      dispatch :twice do
        param 'Array', :list
        block_param
      end
      def twice(list, &block)
        call_function('each', list) { |x| block.call(x * 2) }
        call_function('size', list)
      end
    end`);
  const seen: unknown[] = [];
  const host = {
    ...mapScope(new Map(), {
      each: (args, block) => {
        for (const x of args[0] as unknown[]) block!([x as bigint]);
        return args[0];
      },
      size: (args) => BigInt((args[0] as unknown[]).length),
    }),
    ...kasperTypes,
  };
  assert.equal(callRubyFunction(fn, [[1n, 2n]], (args) => void seen.push(args[0]), host), 2n);
  assert.deepEqual(seen, [2n, 4n]);
});

test('every Ruby function file of the Debian-packaged modules loads', (t) => {
  const mods = debianModules();
  if (!needs(t, 'dir' in mods, 'reason' in mods ? mods.reason : '')) return;
  const { dir } = mods as { dir: string };
  const files = [...moduleFiles(dir, 'lib/puppet/functions', true), ...moduleFiles(dir, 'lib/puppet/parser/functions')];
  const failed: string[] = [];
  let modern = 0;
  let legacy = 0;
  for (const f of files) {
    try {
      const fn = loadRubyFunction(f, readFileSync(f, 'utf8'));
      if (fn.api === 'modern') modern++;
      else legacy++;
      assert.equal(fn.name, expectedName(f) ?? fn.name, f);
    } catch (e) {
      failed.push(`${f}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  t.diagnostic(`${modern} modern and ${legacy} legacy functions of ${files.length} files`);
  // redis's redisget needs the redis gem, which Debian's Puppet lacks too.
  assert.deepEqual(failed.map((f) => f.replace(/:.*/s, '').replace(/.*\/modules\//, '')), ['redis/lib/puppet/parser/functions/redisget.rb']);
});

// Ruby calling Ruby: in the VM (the host resolves the name, rubyFunction) or through the host
// (callFunction), a raise in the called function, rescued or not, and a break out of a block
// the host runs, cross without upsetting the VM. Before calls waited in fibers, ruby.wasm
// aborted the process ("prohibited under nested VM operation" or "cfp consistency error").
const INNER = `Puppet::Functions.create_function(:inner) do
  dispatch :inner do
    param 'Integer', :x
    return_type 'Integer'
  end
  def inner(x)
    raise Puppet::ParseError, "inner: #{x} is too big" if x > 10
    [1, 2, 3].find { |i| i == x } || x * 2
  end
end`;
const OUTER = `Puppet::Functions.create_function(:outer) do
  dispatch :outer do
    param 'Any', :x
  end
  def outer(x)
    call_function('inner', x)
  rescue Puppet::ParseError => e
    "rescued #{e.class}: #{e.message}"
  rescue StandardError => e
    "rescued other #{e.class}"
  end
end`;
const LEGACY_OUTER = `module Puppet::Parser::Functions
  newfunction(:legacy_outer, :type => :rvalue) do |args|
    begin
      function_inner([args[0]])
    rescue Puppet::ParseError => e
      "legacy rescued #{e.message}"
    end
  end
end`;

function ruby2ruby(inVm: boolean) {
  const files: Record<string, [string, string]> = {
    inner: ['/m/lib/puppet/functions/inner.rb', INNER],
    outer: ['/m/lib/puppet/functions/outer.rb', OUTER],
    legacy_outer: ['/m/lib/puppet/parser/functions/legacy_outer.rb', LEGACY_OUTER],
  };
  const fns = new Map(Object.entries(files).map(([k, [path, src]]) => [k, loadRubyFunction(path, src)]));
  const calls: string[] = [];
  const host: FunctionHost = {
    ...mapScope(new Map()),
    ...kasperTypes,
    values: kasperValues,
    callFunction: (name, args, block) => {
      calls.push(name);
      const fn = fns.get(name);
      if (!fn) throw new Error(`Unknown function: '${name}'`);
      return callRubyFunction(fn, args, block, host);
    },
    rubyFunction: inVm ? (name) => (fns.has(name) ? { fn: fns.get(name)!, host } : undefined) : undefined,
  };
  return { call: (name: string, ...args: unknown[]) => callRubyFunction(fns.get(name)!, args as never[], undefined, host), calls };
}

test('a Ruby function calls a Ruby function inside the VM: errors reach it as their own class, types are checked by the host', () => {
  const r = ruby2ruby(true);
  assert.equal(r.call('outer', 2n), 2n);
  assert.equal(r.call('outer', 5n), 10n);
  assert.equal(r.call('outer', 11n), 'rescued Puppet::ParseError: inner: 11 is too big');
  assert.equal(r.call('legacy_outer', 11n), 'legacy rescued inner: 11 is too big');
  // the host chose inner's dispatch: a String is refused with the host's wording, as an
  // ArgumentError raised where the call is (what Puppet raises), which outer rescues
  assert.equal(r.call('outer', 'x'), 'rescued other ArgumentError');
  assert.throws(() => r.call('legacy_outer', 'x'), (e: unknown) => e instanceof RubyError && e.rubyClass === 'ArgumentError' && /'inner' parameter 'x' expects an Integer value, got String/.test(e.detail));
  assert.deepEqual(r.calls, [], 'no call left the VM');
});

test('a Ruby function calls a Ruby function through the host: a raise in the callee does not abort the VM', () => {
  const r = ruby2ruby(false);
  assert.equal(r.call('outer', 5n), 10n);
  // through the host too, the callee's Puppet::ParseError is raised again as itself
  assert.equal(r.call('outer', 11n), 'rescued Puppet::ParseError: inner: 11 is too big');
  assert.deepEqual(r.calls, ['inner', 'inner']);
  // and the VM still works
  assert.equal(r.call('outer', 3n), 3n);
});

test('break and throw out of a Ruby block the host runs end the call that gave the block', () => {
  const fn = loadRubyFunction('/m/lib/puppet/functions/first_big.rb', `
    Puppet::Functions.create_function(:first_big) do
      def first_big(list)
        found = call_function('each', list) { |x| break x * 10 if x > 1 }
        thrown = catch(:done) do
          call_function('each', list) { |x| throw :done, "threw #{x}" if x > 2 }
          'no throw'
        end
        [found, thrown, call_function('each', list) { |x| x }]
      end
    end`);
  const seen: unknown[] = [];
  const host: FunctionHost = {
    ...mapScope(new Map(), {
      each: (args, block) => {
        for (const x of args[0] as unknown[]) {
          seen.push(x);
          block!([x as bigint]);
        }
        return args[0];
      },
    }),
    ...kasperTypes,
  };
  assert.deepEqual(callRubyFunction(fn, [[1n, 2n, 3n]], undefined, host), [20n, 'threw 3', [1n, 2n, 3n]]);
  assert.deepEqual(seen, [1n, 2n, 1n, 2n, 3n, 1n, 2n, 3n]);
});

test('stdlib\'s validate_legacy calls validate_re (Debian\'s stdlib) in the VM and through the host', (t) => {
  const corpus = corpusModulepath();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const { dir } = corpus as { dir: string };
  for (const inVm of [true, false]) {
    const functions = new ModuleFunctions(dir, ['stdlib']);
    functions.inVm = inVm;
    assert.equal(functions.call('validate_legacy', 'modern', ['String', 'validate_re', 'abc', '^a'], VARS), undefined);
    const host = functions.host(VARS) as FunctionHost & { logs: { level: string; message: string }[] };
    const fn = functions.function('validate_legacy', false)!;
    callRubyFunction(fn, ['String', 'validate_re', 'abc', '^b'], undefined, host);
    assert.deepEqual(host.logs.map((l) => l.message).filter((x) => /Accepting/.test(x)), ["Accepting previously invalid value for target type 'String'"]);
    assert.throws(() => callRubyFunction(fn, ['Integer', 'validate_re', 'abc', '^b'], undefined, host), /validate_legacy\(validate_re\) expects an Integer value, got String/);
  }
});
