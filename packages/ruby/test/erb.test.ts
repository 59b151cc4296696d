// ERB as Puppet 7 renders it. Expected outputs come from Debian's Ruby rendering the same
// template with the same variables (test/support/ruby-erb.rb), so the trim mode, Ruby's
// formatting of arrays, hashes and floats, and errors are Ruby's, not a guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkErb, renderErb, RubyError } from '../src/index.ts';
import { debianModules } from './support/debian-modules.ts';
import { execFileSync } from 'node:child_process';
import { needs } from '../../../test/support/host.ts';
import { hasRuby, rubyErb, type ErbCase } from './support/reference.ts';
import { mapScope } from './support/scope.ts';

const vars = new Map<string, unknown>([
  ['s', 'hello'],
  ['i', 42n],
  ['big', 9007199254740993n],
  ['f', 1.5],
  ['whole', 100.0],
  ['tiny', 1e-5],
  ['huge', 1e20],
  ['third', 1 / 3],
  ['t', true],
  ['no', false],
  ['a', ['x', 1n, 2.5, undefined, true]],
  ['h', new Map<string, unknown>([['b', 1n], ['a', ['y', undefined]], ['2', new Map([['n', 0.1]])], ['1', 'one']])],
  ['empty', new Map()],
  ['u', 'ünïcödé ✓'],
  ['ml', 'line1\nline2\n'],
  ['servers', ['ntp1.example.com', 'ntp2.example.com']],
]);

const cases: ErbCase[] = [
  { template: 'plain text, no tags\n' },
  // No tag at all (rendered without Ruby): nothing trimmed, '%' lines and stray closers as text
  { template: '' },
  { template: '% not a Ruby line\n  -%> b %> c\r\nünïcödé ✓\t\n\n' },
  { template: 'no newline at the end %%> <%%' },
  { template: '<%= @s %> <%= @i %> <%= @big %> <%= @f %> <%= @whole %> <%= @tiny %> <%= @huge %> <%= @third %> <%= @t %> <%= @no %>' },
  { template: '<%= @a %>|<%= @h %>|<%= @empty %>|<%= @a.inspect %>|<%= @h.inspect %>|<%= @s.inspect %>' },
  { template: '<%= @missing %>|<%= @missing.inspect %>|<%= @a[3].inspect %>|<%= @h["a"] %>' },
  { template: '<%= [1, 2.0, nil, :sym, "s", {"k" => :v, :sym => nil}] %>|<%= {1 => 2} %>|<%= [[]] %>' },
  { template: 'x\n<% if @t -%>\n  yes\n<% end -%>\n<% unless @t -%>\n  no\n<% end -%>\ny\n' },
  { template: '<%- @servers.each do |s| -%>\nserver <%= s %> iburst\n<%- end -%>\n' },
  { template: '  <%- if @t -%>\n  indented\n  <%- end -%>\nend\n' },
  { template: '<% @servers.each_with_index do |s, i| %>\n<%= i %>: <%= s %>\n<% end %>\n' },
  { template: '<% @h.keys.sort.each do |k| -%>\n<%= k %>=<%= @h[k] %>\n<% end -%>\n<% @h.each_pair do |k, v| -%><%= k %>;<% end %>' },
  { template: '<%# a comment -%>\nA<%% literal %>B<%%= x %>\n' },
  { template: '<%= @u %> <%= @u.length %> <%= @u.upcase %> <%= @u.bytesize %>' },
  { template: '<%= @ml %><%= @ml.chomp %>|<%= @ml.split("\n").inspect %>' },
  { template: '<%= @f * 2 %> <%= @i / 5 %> <%= @i / 5.0 %> <%= @i.to_f %> <%= @f.round %> <%= (@third * 3) %> <%= 2**64 %> <%= @i.to_s.rjust(5, "0") %>' },
  { template: '<%= @a.compact.join(",") %> <%= @servers.map { |s| s.split(".").first }.join(" ") %> <%= @h.keys.join(",") %> <%= @h.size %>' },
  { template: '<%= scope["s"] %> <%= scope.lookupvar("i") %> <%= scope["missing"].inspect %>' },
  { template: 'a <%= @s -%>\nb <%= @s %>\nc <%- @s -%>  \n d\n' },
  { template: '<% x = 0 %><% @servers.each do |s| x += s.length end %><%= x %>' },
  { template: '<%= "%05.2f|%s|%d" % [@f, @a.inspect, @i] %> <%= format("%x", 255) %>' },
  { template: 'tab\there <%= "\\t" %> end\r\nwindows line\r\n' },
  // Object#=~ (gone in Ruby 3.2, there in Puppet 7's Ruby): apache's bool2httpd matches a Boolean
  { template: '<%= (@t =~ /true/i).inspect %>|<%= (@i =~ /4/).inspect %>|<%= @no !~ /x/ %>|<%= (@a =~ /x/).inspect %>|<%= @s =~ /l+/ %>' },
  // YAML is loaded under Puppet (filebeat's templates): Psych's output, as Debian's Ruby writes it
  { template: '<%= @h.to_yaml %><%= @a.to_yaml %><%= @servers.to_yaml.lines.drop(1).join.gsub(/^/, "  ") -%>\n<%= @empty.to_yaml %><%= @u.to_yaml %><%= YAML.dump({"yes" => "no", "n" => "1.0"}) %>' },
];

test('ERB renders as Ruby renders it for Puppet (trim mode -, Ruby formatting of values)', (t) => {
  if (!needs(t, hasRuby, 'needs ruby (Debian puppet package) for the expected answers')) return;
  const expected = rubyErb(cases.map((c) => ({ ...c, vars })));
  const scope = mapScope(vars);
  cases.forEach((c, i) => {
    const want = expected[i];
    assert.ok('out' in want, `Ruby failed on case ${i}: ${JSON.stringify(want)}`);
    assert.equal(renderErb(c.template, { scope, file: `/t/case${i}.erb` }), want.out, `case ${i}: ${c.template}`);
  });
});

test('a template with no tag renders as its text without starting Ruby', () => {
  const script = `
    const { renderErb, isRubyLoaded } = await import(${JSON.stringify(new URL('../src/index.ts', import.meta.url).pathname)});
    const scope = { lookup: () => { throw new Error('read'); }, variables: () => [], callFunction: () => undefined };
    const out = renderErb('ServerSignature Off\\n% x -%>\\n', { scope, file: '/t/plain.erb' });
    process.stdout.write(JSON.stringify([out, isRubyLoaded()]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['ServerSignature Off\n% x -%>\n', false]);
});

test('errors name the template file and line, as Puppet words them', (t) => {
  if (!needs(t, hasRuby, 'needs ruby for the expected answers')) return;
  const template = 'one\n<% if @t %>\ntwo\n<%= @s.no_such_method %>\n<% end %>\n';
  const [want] = rubyErb([{ template, vars, file: '/m/templates/x.erb' }]);
  assert.ok('error' in want);
  const scope = mapScope(vars);
  assert.throws(() => renderErb(template, { scope, file: '/m/templates/x.erb', name: 'm/x.erb' }), (e: unknown) => {
    assert.ok(e instanceof RubyError);
    assert.equal(e.rubyClass, want.class);
    assert.equal(e.line, want.line);
    assert.equal(e.file, '/m/templates/x.erb');
    assert.match(e.message, /^Failed to parse template m\/x\.erb:\n {2}Filepath: \/m\/templates\/x\.erb\n {2}Line: 4\n {2}Detail: undefined method .no_such_method./);
    return true;
  });
  assert.throws(() => renderErb('<%= 1/0 %>', { scope }), (e: unknown) => e instanceof RubyError && e.message === 'Failed to parse inline template: divided by 0');
  // A syntax error in the template's Ruby is reported at its line too.
  assert.throws(() => renderErb('a\nb\n<% if %>\n', { scope, file: '/m/s.erb' }), (e: unknown) => e instanceof RubyError && e.line !== undefined && e.rubyClass === 'SyntaxError');
});

test('scope.function_x and scope.call_function call the host, with blocks', () => {
  const scope = mapScope(vars, {
    upcase: (args) => String(args[0]).toUpperCase(),
    each: (args, block) => {
      for (const x of args[0] as unknown[]) block!([x as string]);
      return args[0];
    },
  });
  const out = renderErb('<%= scope.function_upcase(["abc"]) %> <%= scope.call_function("upcase", ["x"]) %><% seen = [] %><% scope.call_function("each", [@servers]) { |s| seen << s } %> <%= seen.size %>', { scope });
  assert.equal(out, 'ABC X 2');
  assert.deepEqual(scope.calls.map((c) => [c.name, c.legacy]), [['upcase', true], ['upcase', false], ['each', false]]);
  assert.throws(() => renderErb('<%= scope.function_upcase("abc") %>', { scope }), /function_example\(\[1\]\)/);
  // An error raised by the host comes back as the very same error.
  const boom = new Error('boom from Kasper');
  const failing = mapScope(vars, { fail: () => { throw boom; } });
  assert.throws(() => renderErb('<%= scope.call_function("fail", []) %>', { scope: failing }), (e: unknown) => e === boom);
  // ... unless the template rescues it, as Ruby code may.
  assert.equal(renderErb('<%= begin; scope.call_function("fail", []); rescue => e; "rescued: #{e.message}"; end %>', { scope: failing }), 'rescued: boom from Kasper');
});

test('a function the host says runs no Ruby is called in place: the same values, legacy calls, errors and rescues', () => {
  const boom = new Error('boom from Kasper');
  const scope = mapScope(vars, {
    upcase: (args) => String(args[0]).toUpperCase(),
    fail: () => { throw boom; },
    template: () => renderErb('<%= 1 + 1 %>', { scope: mapScope(vars) }),
  });
  const asked: string[] = [];
  scope.runsNoRuby = (name) => {
    asked.push(name);
    return name !== 'template';
  };
  assert.equal(renderErb('<%= scope.function_upcase(["abc"]) %> <%= scope.call_function("upcase", ["x"]) %> <%= scope.call_function("template", []) %>', { scope }), 'ABC X 2');
  assert.deepEqual(asked, ['upcase', 'upcase', 'template']);
  assert.deepEqual(scope.calls.map((c) => [c.name, c.legacy]), [['upcase', true], ['upcase', false], ['template', false]]);
  assert.throws(() => renderErb('<%= scope.call_function("fail", []) %>', { scope }), (e: unknown) => e === boom);
  assert.equal(renderErb('<%= begin; scope.call_function("fail", []); rescue => e; "rescued: #{e.message}"; end %>', { scope }), 'rescued: boom from Kasper');
  // A call given a block is never made in place (the block is Ruby).
  asked.length = 0;
  assert.equal(renderErb('<%= scope.call_function("upcase", ["x"]) { 1 } %>', { scope }), 'X');
  assert.deepEqual(asked, []);
  // Were the host wrong, Ruby run from the in-place answer stops with a clear error instead of
  // nesting (where a raise would abort the VM), and Ruby is still usable after.
  scope.runsNoRuby = () => true;
  assert.throws(() => renderErb('<%= scope.call_function("template", []) %>', { scope }), /cannot run Ruby while Ruby waits for its answer to 'ruby_function'/);
  assert.equal(renderErb('<%= scope.call_function("upcase", ["y"]) %>', { scope }), 'Y');
});

test('templates see only what they name, unless they ask for every variable', () => {
  const looked: string[] = [];
  const scope = mapScope(vars);
  const lookup = scope.lookup;
  scope.lookup = (n) => {
    looked.push(n);
    return lookup(n);
  };
  renderErb('<%= @s %> <%= @i %>', { scope });
  assert.deepEqual(looked, ['s', 'i']);
  looked.length = 0;
  assert.equal(renderErb('<%= instance_variables.include?(:@servers) %>', { scope }), 'true');
  assert.ok(looked.includes('servers') && looked.includes('h'));
});

test('the wrapper answers file, has_variable?, classes, all_tags and logs', () => {
  const scope = mapScope(vars);
  scope.classes = () => ['main', 'ntp'];
  scope.tags = () => ['ntp', 'class'];
  assert.equal(renderErb('<%= file %>|<%= has_variable?("s") %>|<%= has_variable?("nope") %>|<%= classes.join(",") %>|<%= all_tags.join(",") %><% warning("careful") %>', { scope, file: '/t/w.erb' }), '/t/w.erb|true|false|main,ntp|ntp,class');
  assert.deepEqual(scope.logs, [{ level: 'warning', message: 'careful' }]);
  assert.throws(() => renderErb('<%= tags %>', { scope }), /Call 'all_tags' instead/);
  assert.equal(renderErb('<% puts "to stdout" %>ok', { scope }), 'ok');
});

test('every ERB template of the Debian-packaged modules compiles', (t) => {
  const mods = debianModules();
  if (!needs(t, 'dir' in mods, 'reason' in mods ? mods.reason : '')) return;
  const files = execFileSync('find', ['-L', (mods as { dir: string }).dir, '-name', '*.erb'], { encoding: 'utf8' }).trim().split('\n').sort();
  const failed = files.map((f) => [f, checkErb(readFileSync(f, 'utf8'), f)] as const).filter(([, e]) => e !== undefined);
  t.diagnostic(`${files.length - failed.length} of ${files.length} templates compile`);
  assert.deepEqual(failed.map(([f, e]) => `${f}:${e!.line}: ${e!.detail}`), []);
  const bad = checkErb('a\n<% if true %>\nb\n', '/m/templates/unclosed.erb');
  assert.ok(bad instanceof RubyError && bad.rubyClass === 'SyntaxError' && bad.file === '/m/templates/unclosed.erb');
});

test('templates render templates (calls nest: Ruby, Kasper, Ruby again)', () => {
  const inner = new Map<string, unknown>([['name', 'inner']]);
  const scope = mapScope(new Map<string, unknown>([['name', 'outer'], ['items', ['a', 'b']]]), {
    template: (args) => (args as string[]).map((f) => renderErb(`[<%= @name %> from ${f}<% raise "deep" if "${f}" == "bad" %>]`, { scope: mapScope(inner), file: f })).join(''),
  });
  assert.equal(renderErb('<%= @name %> <%= scope.function_template(["x.erb", "y.erb"]) %> <%= @items.map { |i| scope.call_function("template", [i]) }.join %>', { scope }),
    'outer [inner from x.erb][inner from y.erb] [inner from a][inner from b]');
  // An error deep inside comes out naming the inner template, and Ruby is still usable after.
  assert.throws(() => renderErb('<%= scope.function_template(["bad"]) %>', { scope }), (e: unknown) => e instanceof RubyError && e.file === 'bad' && /deep/.test(e.message));
  assert.equal(renderErb('<%= 1 + 1 %>', { scope }), '2');
});
