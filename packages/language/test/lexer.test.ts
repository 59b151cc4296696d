import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../src/index.ts';
import { allTokens } from '../src/tokens.ts';
import { END } from '../src/fast-parser.ts';
import { toChevrotain } from '../src/chevrotain-tokens.ts';

const kindName = (t: { kind: number }) => allTokens[t.kind].name;

const kinds = (src: string, kind: 'manifest' | 'epp' = 'manifest') =>
  lex(src, 't.pp', kind).tokens.map((t) => kindName(t));
const values = (src: string) => lex(src).tokens.map((t) => t.value ?? t.image);

test('a slash after an operand divides, after an operator it starts a regex', () => {
  assert.deepEqual(kinds('$a / 2'), ['VARIABLE', 'DIV', 'NUMBER']);
  assert.deepEqual(kinds('$a = /x\\/y/'), ['VARIABLE', 'EQUALS', 'REGEX']);
  assert.equal(lex('$a =~ /x\\/y/').tokens[2].value, 'x/y');
  assert.deepEqual(kinds('(1) / 2'), ['WSLPAREN', 'NUMBER', 'RPAREN', 'DIV', 'NUMBER']);
});

test('[ after whitespace starts a list, directly after a value it is an access', () => {
  assert.deepEqual(kinds('$a[1]'), ['VARIABLE', 'LBRACK', 'NUMBER', 'RBRACK']);
  assert.deepEqual(kinds('$a [1]'), ['VARIABLE', 'LISTSTART', 'NUMBER', 'RBRACK']);
});

test('( first on a line is not a call parenthesis', () => {
  assert.deepEqual(kinds('foo(1)'), ['NAME', 'LPAREN', 'NUMBER', 'RPAREN']);
  assert.deepEqual(kinds('foo\n  (1)'), ['NAME', 'WSLPAREN', 'NUMBER', 'RPAREN']);
});

test('{ after ? opens a selector', () => {
  assert.deepEqual(kinds('$a ? { 1 => 2 }'), ['VARIABLE', 'QMARK', 'SELBRACE', 'NUMBER', 'FARROW', 'NUMBER', 'RBRACE']);
});

test('double-quoted strings interpolate variables and expressions', () => {
  assert.deepEqual(kinds('"a $b c"'), ['DQPRE', 'VARIABLE', 'DQPOST']);
  assert.deepEqual(values('"a $b c"'), ['a ', 'b', ' c']);
  // ${name} and ${name[...]} / ${name.method} name a variable
  assert.deepEqual(kinds('"${x}"'), ['DQPRE', 'VARIABLE', 'DQPOST']);
  assert.deepEqual(kinds('"${facts[\'os\']}"'), ['DQPRE', 'VARIABLE', 'LBRACK', 'STRING', 'RBRACK', 'DQPOST']);
  assert.deepEqual(kinds('"${x.upcase}"'), ['DQPRE', 'VARIABLE', 'DOT', 'NAME', 'DQPOST']);
  assert.deepEqual(kinds('"${1 + 2}"'), ['DQPRE', 'NUMBER', 'PLUS', 'NUMBER', 'DQPOST']);
  // a $ that starts no name is literal text
  assert.deepEqual(values('"cost: $ 5"'), ['cost: $ 5']);
});

test('escapes in double and single quotes follow Puppet', () => {
  assert.equal(lex('"a\\tb\\n\\$c\\"\\\\\\q"').tokens[0].value, 'a\tb\n$c"\\\\q');
  assert.equal(lex("'it\\'s \\\\ \\n'").tokens[0].value, "it's \\ \\n");
  assert.equal(lex('"\\u00e9\\u{1F600}"').tokens[0].value, 'é😀');
});

test('a heredoc takes the following lines, strips the margin and resumes after the tag', () => {
  const r = lex('$a = @("END"/L)\n    x ${y} \\\n    z\n    | END\n$b = 1');
  assert.deepEqual(r.tokens.map((t) => kindName(t)), ['VARIABLE', 'EQUALS', 'HEREDOC', 'DQPRE', 'VARIABLE', 'DQPOST', 'VARIABLE', 'EQUALS', 'NUMBER']);
  assert.equal(r.tokens[3].value, 'x ');
  assert.equal(r.tokens[5].value, ' z\n');
  // the variable inside the heredoc keeps its real position in the file (as chevrotain is given it)
  const handed = toChevrotain(r.tokens, r.lineMap);
  assert.equal(handed[4].startLine, 2);
  assert.equal(handed[4].startColumn, 9);
  assert.equal(handed[6].startLine, 5);
  assert.equal(handed[4].tokenType.name, 'VARIABLE');
});

test('two heredocs on one line take consecutive blocks of text', () => {
  const r = lex('$a = [@(A), @(B)]\nfirst\nA\nsecond\n-B\n$c = 1');
  const strings = r.tokens.filter((t) => kindName(t) === 'STRING').map((t) => t.value);
  assert.deepEqual(strings, ['first\n', 'second']);
  assert.equal(r.diagnostics.length, 0);
});

test('heredoc syntax and escapes are checked', () => {
  assert.equal(lex('@(END:json)\n{}\nEND').tokens[0].value, 'json');
  assert.match(lex('@(END/q)\nx\nEND').diagnostics[0].message, /Invalid heredoc escape 'q'/);
  assert.match(lex('@(END)\nno end here\n').diagnostics[0].message, /no line ends with 'END'/);
});

test('numbers: hex, octal, decimal, float, exponent; malformed ones are diagnosed', () => {
  assert.deepEqual(values('0x1F 017 10 1.5 1e3 2.5e-3'), ['0x1F', '017', '10', '1.5', '1e3', '2.5e-3']);
  assert.match(lex('08').diagnostics[0].message, /octal/);
  assert.match(lex('0x').diagnostics[0].message, /Illegal number|hex/);
  assert.match(lex('1abc').diagnostics[0].message, /Illegal number/);
});

test('names, words, type references and keywords', () => {
  assert.deepEqual(kinds('foo foo::bar ::foo Foo::Bar if _x a-b'), ['NAME', 'NAME', 'NAME', 'CLASSREF', 'IF', 'WORD', 'WORD']);
  assert.match(lex('Foo::bar').diagnostics[0].message, /Illegal class reference/);
});

test('comments are kept with their text and take no tokens', () => {
  const r = lex('# one\n$a = 1 /* two\n three */ # four');
  assert.deepEqual(r.comments.map((c) => [c.kind, c.text]), [['line', ' one'], ['block', ' two\n three '], ['line', ' four']]);
  assert.deepEqual(r.tokens.map((t) => kindName(t)), ['VARIABLE', 'EQUALS', 'NUMBER']);
});

test('unterminated strings, comments and regexes are diagnosed where they start', () => {
  const d1 = lex('$a = 1\n$b = "open\n').diagnostics[0];
  assert.equal(d1.start.line, 2);
  assert.equal(d1.start.column, 6);
  assert.equal(lex("x\n'open").diagnostics[0].start.line, 2);
  assert.equal(lex('\n\n/* open').diagnostics[0].start.line, 3);
});

test('EPP: text, expressions, trimming, comments and literal tags', () => {
  assert.deepEqual(kinds('a<%= $x %>b', 'epp'), ['EPP_START', 'RENDER_STRING', 'RENDER_EXPR', 'VARIABLE', 'EPP_END', 'RENDER_STRING']);
  const r = lex('  <%- $x = 1 -%>  \nnext <%# c %><%% %%>', 't.epp', 'epp');
  const text = r.tokens.filter((t) => kindName(t) === 'RENDER_STRING').map((t) => t.value);
  assert.deepEqual(text, ['next <% %>']);
  assert.equal(r.comments[0].text, ' c ');
});

test('bare words that are names of Object.prototype members are names, not keywords', () => {
  assert.deepEqual(kinds('[constructor, toString, __proto__, hasOwnProperty]'), ['LISTSTART', 'NAME', 'COMMA', 'NAME', 'COMMA', 'WORD', 'COMMA', 'NAME', 'RBRACK']);
});

test('words, variables and numbers are cut where Puppet cuts them', () => {
  assert.deepEqual(values('foo-bar- a::b::Cd $a::b:: $::x 12 1.5'), ['foo-bar', '-', 'a::b', '::Cd', 'a::b', '::x', '12', '1.5']);
  assert.deepEqual(kinds('foo-bar a::_b _x a::b'), ['WORD', 'WORD', 'WORD', 'NAME']);
});

test('every token kind fits below the fast parser\'s end marker (its kinds are bytes, END past the last token)', () => {
  assert.ok(allTokens.length < END, `${allTokens.length} token kinds`);
});
