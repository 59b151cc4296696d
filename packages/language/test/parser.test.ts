import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, parseEpp, type Expression, type Program } from '../src/index.ts';

function ok(src: string): Program {
  const r = parseManifest(src, 't.pp');
  assert.deepEqual(r.diagnostics.map((d) => `${d.start.line}:${d.start.column} ${d.message}`), [], src);
  return r.program;
}
function first(src: string): Expression {
  return ok(src).body[0];
}
/** A compact s-expression of an expression tree, to assert structure and precedence. */
function sx(e: Expression | null | undefined): string {
  if (!e) return 'nil';
  switch (e.kind) {
    case 'BinaryExpression': return `(${e.operator} ${sx(e.left)} ${sx(e.right)})`;
    case 'AssignmentExpression': return `(${e.operator} ${sx(e.left)} ${sx(e.right)})`;
    case 'RelationshipExpression': return `(${e.operator} ${sx(e.left)} ${sx(e.right)})`;
    case 'NotExpression': return `(! ${sx(e.expr)})`;
    case 'UnaryMinusExpression': return `(neg ${sx(e.expr)})`;
    case 'UnfoldExpression': return `(* ${sx(e.expr)})`;
    case 'ParenthesizedExpression': return sx(e.expr);
    case 'VariableExpression': return `$${e.name}`;
    case 'LiteralNumber': return e.text;
    case 'LiteralString': return `'${e.value}'`;
    case 'LiteralBoolean': return String(e.value);
    case 'LiteralUndef': return 'undef';
    case 'LiteralDefault': return 'default';
    case 'LiteralRegex': return `/${e.pattern}/`;
    case 'QualifiedName': return e.value;
    case 'QualifiedReference': return e.value;
    case 'LiteralList': return `[${e.values.map(sx).join(' ')}]`;
    case 'LiteralHash': return `{${e.entries.map((k) => `${sx(k.key)}=>${sx(k.value)}`).join(' ')}}`;
    case 'AccessExpression': return `${sx(e.target)}[${e.keys.map(sx).join(' ')}]`;
    case 'SelectorExpression': return `(? ${sx(e.left)} ${e.entries.map((s) => `${sx(s.matching)}=>${sx(s.value)}`).join(' ')})`;
    case 'CallNamedFunctionExpression': return `(call ${sx(e.functor)}${e.args.map((a) => ' ' + sx(a)).join('')}${e.lambda ? ' lambda' : ''})`;
    case 'CallMethodExpression': return `(.${e.functor.name} ${sx(e.functor.left)}${e.args.map((a) => ' ' + sx(a)).join('')}${e.lambda ? ' lambda' : ''})`;
    case 'ConcatenatedString': return `"${e.segments.map((s) => (s.kind === 'LiteralString' ? s.value : `{${sx(s.expr)}}`)).join('')}"`;
    case 'Heredoc': return `heredoc:${e.syntax}(${sx(e.text)})`;
    default: return e.kind;
  }
}

test('operator precedence follows Puppet', () => {
  assert.equal(sx(first('$a = 1 + 2 * 3')), '(= $a (+ 1 (* 2 3)))');
  assert.equal(sx(first('$a = 1 - 2 - 3')), '(= $a (- (- 1 2) 3))');
  assert.equal(sx(first('$a = $b == 1 and $c < 2 or !$d')), '(= $a (or (and (== $b 1) (< $c 2)) (! $d)))');
  // == binds tighter than <, as in Puppet's grammar
  assert.equal(sx(first('$a = 1 < 2 == true')), '(= $a (< 1 (== 2 true)))');
  assert.equal(sx(first('$a = $x in $y =~ /re/')), '(= $a (=~ (in $x $y) /re/))');
  assert.equal(sx(first('$a = -$b * 2')), '(= $a (* (neg $b) 2))');
  assert.equal(sx(first('$a = $b << 1 + 2')), '(= $a (<< $b (+ 1 2)))');
  // the selector binds looser than comparisons and tighter than `and` (Puppet 7.23's grammar;
  // snippets matching/ternary-like and matching/selector-precedence-* hold Puppet's answers)
  assert.equal(sx(first('$a = 1 + $b ? { 1 => 2 }')), '(= $a (? (+ 1 $b) 1=>2))');
  assert.equal(sx(first('$a = $b == 1 ? { true => 2 }')), '(= $a (? (== $b 1) true=>2))');
  assert.equal(sx(first('$a = $b and $c ? { 1 => 2 }')), '(= $a (and $b (? $c 1=>2)))');
  assert.equal(sx(first('$a = !$b ? { 1 => 2 }')), '(= $a (? (! $b) 1=>2))');
  assert.equal(sx(first('$a = $b = 3')), '(= $a (= $b 3))');
});

test('relationships chain left to right and bind tighter than assignment', () => {
  assert.equal(sx(first("Package['a'] -> Service['b'] ~> Exec['c']")), "(~> (-> Package['a'] Service['b']) Exec['c'])");
  assert.equal(sx(first("$r = File['a'] <- File['b']")), "(= $r (<- File['a'] File['b']))");
});

test('access, method calls with lambdas, and calls', () => {
  assert.equal(sx(first("$a = $facts['os']['family']")), "(= $a $facts['os']['family'])");
  assert.equal(sx(first('$a = $x.map |$v| { $v }')), '(= $a (.map $x lambda))');
  assert.equal(sx(first('$a = $x.dig(1, 2).then |$v| { $v }')), '(= $a (.then (.dig $x 1 2) lambda))');
  assert.equal(sx(first('$a = reduce($x, 0) |$m, $v| { $m + $v }')), '(= $a (call reduce $x 0 lambda))');
  assert.equal(sx(first("$a = Integer('10')")), "(= $a (call Integer '10'))");
  assert.equal(sx(first("$a = type($x)")), '(= $a (call type $x))');
  assert.equal(sx(first("$a = foo(k => 1, j => 2)")), '(= $a (call foo {k=>1 j=>2}))');
  assert.equal(sx(first("$a = Struct[{a => Integer}]")), '(= $a Struct[{a=>Integer}])');
});

test('statement calls without parentheses are folded into calls', () => {
  const body = ok("include a, b\nnotice $x\nrequire foo\nrealize File['x']").body;
  assert.deepEqual(body.map(sx), ['(call include a b)', '(call notice $x)', '(call require foo)', "(call realize File['x'])"]);
  assert.equal((body[0] as { parenthesized: boolean }).parenthesized, false);
});

test('an argument list after a name that is not a statement function is an error', () => {
  const r = parseManifest('$x = 1\nfoo 1, 2', 't.pp');
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].start.line, 2);
  assert.match(r.diagnostics[0].message, /cannot be called without parentheses/);
});

test('strings: interpolation segments and heredocs', () => {
  assert.equal(sx(first('$a = "x${b}y$c"')), '(= $a "x{$b}y{$c}")');
  assert.equal(sx(first('$a = "${b[1]}"')), '(= $a "{$b[1]}")');
  assert.equal(sx(first('$a = @(E:json)\n  {}\n  | E')), "(= $a heredoc:json('{}\n'))");
});

test('resources: titles, several bodies, defaults, overrides, virtual and exported', () => {
  const r = first("file { ['/a', '/b']: ensure => file; '/c': ensure => directory, mode => '0644' }");
  assert.equal(r.kind, 'ResourceExpression');
  if (r.kind !== 'ResourceExpression') return;
  assert.equal(r.bodies.length, 2);
  assert.equal(sx(r.bodies[0].title), "['/a' '/b']");
  assert.deepEqual(r.bodies[1].operations.map((o) => (o.kind === 'AttributeOperation' ? `${o.name}${o.operator}` : '*')), ['ensure=>', 'mode=>']);
  const o = first("File['/a'] { require +> File['/b'] }");
  assert.equal(o.kind === 'ResourceOverrideExpression' && o.operations[0].kind === 'AttributeOperation' && o.operations[0].operator, '+>');
  assert.equal(first("File { mode => '0644' }").kind, 'ResourceDefaultsExpression');
  assert.equal(first("File['/a'] { owner => root }").kind, 'ResourceOverrideExpression');
  const v = first("@user { 'bob': }");
  assert.equal(v.kind === 'ResourceExpression' && v.form, 'virtual');
  const x = first("@@file { 'x': tag => t }");
  assert.equal(x.kind === 'ResourceExpression' && x.form, 'exported');
  const c = first("class { 'ntp': servers => [] }");
  assert.equal(c.kind === 'ResourceExpression' && sx(c.typeName), 'class');
  const s = first('user { $n: * => $attrs, unless => 1 }');
  assert.equal(s.kind === 'ResourceExpression' && s.bodies[0].operations[0].kind, 'AttributesOperation');
});

test('collectors with queries and attribute blocks', () => {
  const c = first("File <| tag == 'x' and title != 'y' |> { mode => '0600' }");
  assert.equal(c.kind, 'CollectExpression');
  if (c.kind !== 'CollectExpression') return;
  assert.equal(c.query.kind, 'VirtualQuery');
  assert.equal(sx(c.query.expr), "(and (== tag 'x') (!= title 'y'))");
  assert.equal(c.operations.length, 1);
  const e = first('User <<| |>>');
  assert.equal(e.kind === 'CollectExpression' && e.query.kind, 'ExportedQuery');
  assert.equal(sx(first('Package <| |> -> File <| |>')), '(-> CollectExpression CollectExpression)');
});

test('control flow: if/elsif/else, unless/else, case, selectors', () => {
  const i = first('if $a { 1 } elsif $b { 2 } else { 3 }');
  assert.equal(i.kind, 'IfExpression');
  if (i.kind !== 'IfExpression') return;
  assert.equal(i.else?.[0].kind, 'IfExpression');
  const u = first('unless $a { } else { notice(1) }');
  assert.equal(u.kind === 'UnlessExpression' && u.else?.length, 1);
  const c = first("case $x { 'a', 'b': { } /re/: { } default: { } }");
  assert.equal(c.kind === 'CaseExpression' && c.options.map((o) => o.values.map(sx).join(',')).join(' | '), "'a','b' | /re/ | default");
  assert.equal(sx(first('$v = $x ? { undef => 1, default => 2, }')), '(= $v (? $x undef=>1 default=>2))');
});

test('definitions: classes, defines, nodes, functions, type aliases', () => {
  const c = first('class a::b (String $x = "d", Optional[Array[String[1], 1]] $y = undef) inherits a { }');
  assert.equal(c.kind, 'HostClassDefinition');
  if (c.kind === 'HostClassDefinition') {
    assert.equal(c.name, 'a::b');
    assert.equal(c.parent, 'a');
    assert.deepEqual(c.parameters.map((p) => `${p.typeExpr ? sx(p.typeExpr) + ' ' : ''}$${p.name}=${sx(p.value)}`), ["String $x='d'", 'Optional[Array[String[1] 1]] $y=undef']);
  }
  const d = first('function a::d ($x, *$rest) { }');
  assert.equal(d.kind === 'FunctionDefinition' && d.parameters[1].capturesRest, true);
  const n = first("node 'a.example.com', /^web\\d+$/, db.example.com, default { }");
  assert.equal(n.kind === 'NodeDefinition' && n.hostMatches.map(sx).join(' '), "'a.example.com' /^web\\d+$/ 'db.example.com' default");
  const f = first('function m::f(Integer $x) >> Integer { $x + 1 }');
  assert.equal(f.kind === 'FunctionDefinition' && sx(f.returnType), 'Integer');
  const t = first('type M::T = Variant[Integer, Enum[a, b]]');
  assert.equal(t.kind === 'TypeAlias' && `${t.name} ${sx(t.typeExpr)}`, 'M::T Variant[Integer Enum[a b]]');
});

test('every node has a source range inside the text', () => {
  const src = "class a { file { '/x': content => \"${b}\" } }";
  const r = parseManifest(src, 't.pp');
  const check = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(check);
    const o = n as Record<string, unknown>;
    if (typeof o.kind === 'string' && o.kind !== 'VirtualQuery') {
      assert.ok(typeof o.start === 'number' && typeof o.end === 'number', `range on ${o.kind}`);
      assert.ok((o.start as number) <= (o.end as number) && (o.end as number) <= src.length, `range of ${o.kind}`);
    }
    Object.values(o).forEach(check);
  };
  check(r.program);
});

test('EPP templates: parameters, text and expressions', () => {
  const r = parseEpp('<%- | String $a, Integer $b = 1 | -%>\nHi <%= $a %>!\n<% if $b > 0 { %>pos<% } %>', 't.epp');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.program.eppParameters?.map((p) => p.name), ['a', 'b']);
  assert.deepEqual(r.program.body.map((e) => e.kind), ['RenderStringExpression', 'RenderExpression', 'RenderStringExpression', 'IfExpression']);
});

test('syntax errors: position, words a Puppet user knows, and every error in the file', () => {
  const r = parseManifest("class a {\n  file { '/x': ensure => , mode => 1 }\n  notify { 'y' message => 'hi' }\n}\n", 't.pp');
  assert.deepEqual(r.diagnostics.map((d) => `${d.start.line}:${d.start.column}`), ['2:26', '3:16']);
  assert.equal(r.diagnostics[0].message, "Syntax error at ',': expected an expression");
  assert.equal(r.diagnostics[1].message, "Syntax error at 'message': expected ':'");
  const eof = parseManifest('class a {\n', 't.pp').diagnostics[0];
  assert.match(eof.message, /end of input/);
  assert.equal(eof.code, 'KSP-PARSE-002');
});

test('a resource body without a title is a clear error', () => {
  const d = parseManifest("notify { message => 'x' }", 't.pp').diagnostics;
  assert.equal(d.length, 1);
  assert.match(d[0].message, /no title/);
});

test('the validator reports what parses but Puppet forbids, warnings apart from errors', () => {
  const r = parseManifest("class a($x, $x) { }\n$h = { k => 1, k => 2 }\nnotice($h)\n", 'v.pp');
  assert.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.start.line} ${d.code}`), [
    'error 1 KSP-VALID-005', 'warning 2 KSP-VALID-024',
  ]);
  // A file with syntax errors gets no validation: checks on a recovered tree report phantoms.
  assert.ok(parseManifest('$a += [1\n', 'v.pp').diagnostics.every((d) => d.code.startsWith('KSP-PARSE')));
});
