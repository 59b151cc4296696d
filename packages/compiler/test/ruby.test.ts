// Ruby in a compilation: loaded only when a template or function needs it; ERB and Ruby function
// errors carry their own codes and the Ruby file and line. (What Ruby computes is compared with
// Puppet 7 in test/conformance: cases 240, 241, 345, 346 and modules-corpus/xinetd-ruby.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isRubyLoaded } from '@kasper/ruby';
import { compileCatalog } from '../src/index.ts';
import { BUILTIN_FUNCTIONS, rubyFreeFunctions } from '../src/functions/index.ts';
import type { Value } from '../src/values.ts';

const root = mkdtempSync(join(tmpdir(), 'kasper-compiler-ruby-'));
after(() => rmSync(root, { recursive: true, force: true }));

function site(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function compile(dir: string) {
  const facts = new Map<string, Value>([['os', new Map<Value, Value>([['family', 'Debian']])]]);
  return compileCatalog({
    environment: { name: 'production', manifest: join(dir, 'manifests'), modulepath: [join(dir, 'modules')], directory: dir },
    node: 'web01.example.com', facts,
  });
}

const message = (c: ReturnType<typeof compile>, title: string) => c.resources.find((r) => r.title === title)?.parameters.get('message');

// One test, in order: the first compilations must not start Ruby, the later ones do.
test('Ruby starts only for a template or function that needs it', () => {
  const plain = site('plain', {
    'manifests/site.pp': "include app\nnotify { 'n': message => epp('app/x.epp', { 'v' => 1 }) }\n",
    'modules/app/manifests/init.pp': "class app { file { '/x': content => join(['a', 'b'], ',') } }\n",
    'modules/app/templates/x.epp': '<%= $v %>',
    'modules/app/functions/f.pp': 'function app::f() { 1 }',
  });
  assert.equal(message(compile(plain), 'n'), '1');
  assert.equal(isRubyLoaded(), false, 'a site with no ERB and no Ruby function loaded Ruby');
  // An unknown function looks for Ruby files, finds none, and does not start Ruby either.
  const unknown = site('unknown', { 'manifests/site.pp': 'nosuch_function(1)\n' });
  assert.throws(() => compile(unknown), { code: 'KSP-EVAL-006' });
  assert.equal(isRubyLoaded(), false);

  const erb = site('erb', {
    'manifests/site.pp': "class app($items = ['a', 'b']) { notify { 'n': message => inline_template('<%= @items.join(\"+\") %> on <%= @os[\"family\"] %>') } }\ninclude app\n",
  });
  assert.equal(message(compile(erb), 'n'), 'a+b on Debian');
  assert.equal(isRubyLoaded(), true);
});

test('a failing template names its file and line, at the template() call', () => {
  const dir = site('bad-erb', {
    'manifests/site.pp': "\nfile { '/x': content => template('app/bad.erb') }\n",
    'modules/app/templates/bad.erb': 'one\n<%= @nothing.upcase %>\n',
  });
  assert.throws(() => compile(dir), (e: Error & { code?: string; location?: { line: number } }) => {
    assert.equal(e.code, 'KSP-TEMPLATE-009');
    assert.match(e.message, /^Failed to parse template app\/bad\.erb:\n {2}Filepath: .*bad\.erb\n {2}Line: 2\n {2}Detail: undefined method 'upcase' for nil/);
    assert.equal(e.location?.line, 2);
    return true;
  });
});

test('Ruby functions: modern and legacy, errors with their own codes, calls back into Kasper', () => {
  const dir = site('functions', {
    'manifests/site.pp': [
      "notify { 'a': message => app::twice(['x']) }",
      "notify { 'b': message => legacy_len('abc') }",
      "notify { 'c': message => app::twice(['y']) |$s| { \"<${s}>\" } }",
    ].join('\n'),
    'modules/app/lib/puppet/functions/app/twice.rb': [
      "Puppet::Functions.create_function(:'app::twice') do",
      "  dispatch :twice do",
      "    param 'Array[String]', :items",
      "    optional_block_param",
      '  end',
      '  def twice(items)',
      "    items = items.map { |i| yield(i) } if block_given?",
      "    call_function('join', items + items, '-')",
      '  end',
      'end',
    ].join('\n'),
    'modules/app/lib/puppet/parser/functions/legacy_len.rb':
      "Puppet::Parser::Functions.newfunction(:legacy_len, :type => :rvalue) { |args| args[0].length }\n",
  });
  const c = compile(dir);
  assert.equal(message(c, 'a'), 'x-x');
  assert.equal(message(c, 'b'), 3);
  assert.equal(message(c, 'c'), '<y>-<y>');

  const bad = site('functions-bad', {
    'manifests/site.pp': "notify { 'a': message => app::twice([1]) }\n",
    'modules/app/lib/puppet/functions/app/twice.rb': "Puppet::Functions.create_function(:'app::twice') do\n  dispatch :t do\n    param 'Array[String]', :items\n  end\n  def t(i)\n    i\n  end\nend\n",
  });
  assert.throws(() => compile(bad), { code: 'KSP-FUNC-040', message: "'app::twice' parameter 'items' index 0 expects a String value, got Integer" });

  const raising = site('functions-raise', {
    'manifests/site.pp': "notify { 'a': message => app::boom() }\n",
    'modules/app/lib/puppet/functions/app/boom.rb': "Puppet::Functions.create_function(:'app::boom') do\n  def boom\n    nil.upcase\n  end\nend\n",
  });
  assert.throws(() => compile(raising), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'KSP-FUNC-041');
    assert.match(e.message, /boom\.rb/);
    return true;
  });
});

test('Ruby calls in place only functions that run no Puppet code, declare nothing and load nothing', () => {
  for (const name of ['versioncmp', 'join', 'sprintf', 'split', 'size', 'keys', 'fqdn_rand']) assert.ok(rubyFreeFunctions().has(name), name);
  for (const name of ['template', 'inline_template', 'epp', 'inline_epp', 'include', 'require', 'contain', 'each', 'map', 'filter', 'reduce', 'with',
    'call', 'lookup', 'hiera', 'hiera_include', 'create_resources', 'ensure_resource', 'ensure_resources', 'ensure_packages', 'stdlib::ensure_packages',
    'defined', 'validate_legacy', 'new', 'realize', 'tag']) {
    assert.ok(!rubyFreeFunctions().has(name), name);
  }
  for (const name of rubyFreeFunctions()) assert.ok(BUILTIN_FUNCTIONS.has(name), name);
});

test('a compile whose module types are in the cache does not start Ruby, and still checks their parameters', () => {
  const dir = site('module-type', {
    'manifests/site.pp': "app_setting { 'a': value => 1 }\n",
    'modules/app/lib/puppet/type/app_setting.rb': "Puppet::Type.newtype(:app_setting) do\n  newparam(:name, namevar: true)\n  newproperty(:value)\nend\n",
  });
  const bogus = site('module-type-bogus', {
    'manifests/site.pp': "app_setting { 'a': bogus => 1 }\n",
    'modules/app/lib/puppet/type/app_setting.rb': "Puppet::Type.newtype(:app_setting) do\n  newparam(:name, namevar: true)\n  newproperty(:value)\nend\n",
  });
  // Fresh processes sharing one cache folder, as successive `kasper compile` runs do.
  const cache = join(root, 'type-cache');
  const run = (d: string) => {
    const script = `
      const { compileCatalog } = await import(${JSON.stringify(join(import.meta.dirname, '../src/index.ts'))});
      const { isRubyLoaded } = await import('@kasper/ruby');
      const d = ${JSON.stringify(d)};
      let outcome;
      try {
        const c = compileCatalog({ environment: { name: 'production', manifest: d + '/manifests', modulepath: [d + '/modules'], directory: d }, node: 'n1', facts: new Map() });
        outcome = c.resources.filter((r) => r.type === 'App_setting').map((r) => r.title + ':' + r.parameters.get('value'));
      } catch (e) {
        outcome = e.code;
      }
      console.log(JSON.stringify({ outcome, ruby: isRubyLoaded() }));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_TYPE_CACHE: '' } })) as { outcome: unknown; ruby: boolean };
  };
  assert.deepEqual(run(dir), { outcome: ['a:1'], ruby: true });
  assert.deepEqual(run(dir), { outcome: ['a:1'], ruby: false });
  // Another site with the same module (another path): loaded once, then cached as well.
  assert.deepEqual(run(bogus), { outcome: 'KSP-RES-019', ruby: true });
  assert.deepEqual(run(bogus), { outcome: 'KSP-RES-019', ruby: false });
});
