// What a template sees of Puppet's values, and what it does to them, compared with Puppet 7
// itself (puppet apply on the same variables and templates): undef, default, Sensitive,
// resource and class references, types, regexps, timestamps, binaries, hashes with keys of any
// kind; and a template that changes a variable in place changes it for the catalog too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderErb } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { DEFAULT, PBinary, PRegexp, PSensitive, PTimestamp } from '../../compiler/src/values.ts';
import { classType, parameterize, resourceType, typeByName } from '../../compiler/src/types/index.ts';
import { hasPuppet } from './support/reference.ts';
import { puppetApply } from './support/puppet-apply.ts';
import { kasperValues } from './support/kasper-values.ts';
import { mapScope } from './support/scope.ts';

// Each variable: how Puppet writes it, and the value Kasper's compiler holds for it.
const variables: [string, string, unknown][] = [
  ['u', 'undef', undefined],
  ['d', 'default', DEFAULT],
  ['sens', "Sensitive('secret')", new PSensitive('secret')],
  ['file', "File['/tmp/x']", resourceType('file', '/tmp/x')],
  ['quoted', `Resource['file', "/a'b\\\\c"]`, resourceType('file', "/a'b\\c")],
  ['deftype', "Foo::Baz['x']", resourceType('foo::baz', 'x')],
  ['filetype', 'File', resourceType('file')],
  ['cls', "Class['foo::bar']", classType('foo::bar')],
  ['opt', 'Optional[String]', parameterize(typeByName('Optional')!, [typeByName('String')!])],
  ['range', 'Integer[1, 10]', parameterize(typeByName('Integer')!, [1n, 10n])],
  ['re', '/a+b/', new PRegexp('a+b')],
  ['ts', "Timestamp('2020-01-01T00:00:00Z')", PTimestamp.fromMs(Date.parse('2020-01-01T00:00:00Z'))],
  ['bin', "Binary('aGVsbG8=')", new PBinary(new Uint8Array(Buffer.from('hello')))],
  ['keys', "{1 => 'a', 'b' => [undef, 2.5], [1] => {}, 2.0 => true}", new Map<unknown, unknown>([[1n, 'a'], ['b', [undefined, 2.5]], [[1n], new Map()], [2.0, true]])],
  ['e', '1e20', 1e20],
  ['neg', '-0.0', -0.0],
];

const show = (name: string) => `<%= @${name} %>|<%= @${name}.inspect %>|<%= @${name}.class %>`;
const templates: [string, string][] = [
  ...variables.map(([name]) => [name, show(name)] as [string, string]),
  ['sensitive', '<%= @sens.unwrap %>|<%= @sens.unwrap.class %>'],
  ['resource', '<%= @file.type_name %>|<%= @file.title %>|<%= @cls.class_name %>'],
  ['regexp', '<%= "xaab" =~ @re %>|<%= @re.source %>'],
  ['keysiter', '<% @keys.each do |k, v| %><%= k.inspect %>=<%= v.inspect %>;<% end %>'],
];

test('templates see Puppet values as Puppet 7 hands them to Ruby', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for the expected answers')) return;
  const files = puppetApply((dir) => [
    'class foo::bar {}',
    'define foo::baz {}',
    ...variables.map(([name, code]) => `$${name} = ${code}`),
    ...templates.map(([name, tpl]) => `file { '${dir}/${name}': content => inline_template(${JSON.stringify(tpl).replace(/\$/g, '\\$')}) }`),
  ].join('\n'));
  const scope = { ...mapScope(new Map(variables.map(([n, , v]) => [n, v]))), values: kasperValues };
  // Object addresses differ from run to run (and WebAssembly's are 32-bit); Kasper cannot
  // show the inner fields of other types (`#<...POptionalType @type=...>`), only their class.
  const normal = (s: string | undefined) => s?.replace(/:0x[0-9a-f]+/g, ':0x…').replace(/#<Puppet::Pops::Types::P(?!Resource|Class|Binary)\w+Type\b[^|]*/g, '#<type>');
  const differ = templates
    .map(([name, tpl]) => ({ name, tpl, kasper: normal(renderErb(tpl, { scope })), puppet: normal(files.get(name)) }))
    .filter((r) => r.kasper !== r.puppet);
  assert.deepEqual(differ, []);
});

test('a template that changes a variable in place changes it for everything that holds it', (t) => {
  if (!needs(t, hasPuppet, 'needs Debian\'s puppet for the expected answers')) return;
  const tpl = '<% @a << "z"; @h["n"] = 1; @nested["list"] << 3; @s << "!" %>';
  const files = puppetApply((dir) => `
    $a = ['x', 'y']
    $h = {'k' => 'v'}
    $nested = {'list' => [1, 2]}
    $s = "str\${a[0]}"
    $r = inline_template('${tpl}')
    file { '${dir}/after': content => "\${a}|\${h}|\${nested}|\${s}" }
  `);
  assert.equal(files.get('after'), '[x, y, z]|{k => v, n => 1}|{list => [1, 2, 3]}|strx!');
  const a = ['x', 'y'];
  const inner = [1n, 2n];
  const nested = new Map([['list', inner]]);
  const h = new Map<string, unknown>([['k', 'v']]);
  const scope = mapScope(new Map<string, unknown>([['a', a], ['h', h], ['nested', nested], ['s', 'strx']]));
  renderErb(tpl, { scope });
  assert.deepEqual(a, ['x', 'y', 'z']);
  assert.deepEqual(h, new Map<string, unknown>([['k', 'v'], ['n', 1n]]));
  assert.equal(nested.get('list'), inner, 'the inner array keeps its identity');
  assert.deepEqual(inner, [1n, 2n, 3n]);
  // A string cannot change in place in JavaScript: the host is told.
  assert.deepEqual(scope.mutations, new Map([['s', 'strx!']]));
  // A frozen value stays as it is, and the template fails as under Puppet ($facts is frozen).
  const frozen = Object.freeze(['x']);
  assert.throws(() => renderErb('<% @f << 1 %>', { scope: mapScope(new Map([['f', frozen]])) }), /FrozenError|can't modify frozen/);
});
