// Ruby regexps read by JavaScript: the one translation the compiler (Regexp values, match,
// split, validate_re …) and the providers (file_line's match and after) share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rubyRegExp, translateRubyRegExp } from '../src/index.ts';

test("^ and $ at line ends, \\A \\z \\Z anchors, \\h, a leading (?i)", () => {
  assert.ok(rubyRegExp('^foo$').test('foo\n'));
  assert.ok(rubyRegExp('^bar$').test('foo\nbar\nbaz'));
  assert.ok(rubyRegExp('\\Afoo\\z').test('foo'));
  assert.ok(!rubyRegExp('\\Afoo\\z').test('foo\n'));
  assert.ok(!rubyRegExp('\\Abar').test('foo\nbar'));
  assert.ok(rubyRegExp('foo\\Z').test('foo\n'));
  assert.ok(!rubyRegExp('foo\\Z').test('foo\n\n'));
  assert.ok(rubyRegExp('(?i)^FOO').test('foo = 1'));
  assert.ok(rubyRegExp('^\\h+$').test('beef'));
  assert.ok(!rubyRegExp('^\\h+$').test('beefy'));
});

test("(?m) is Ruby's dot-matches-newline; extra flags are added once", () => {
  assert.ok(rubyRegExp('(?m)a.b').test('a\nb'));
  assert.ok(!rubyRegExp('a.b').test('a\nb'));
  assert.deepEqual(translateRubyRegExp('(?im)x'), { source: 'x', flags: 'mis' });
  assert.deepEqual(translateRubyRegExp('(?i)x', 'i'), { source: 'x', flags: 'im' });
  assert.deepEqual(translateRubyRegExp('x', 'm'), { source: 'x', flags: 'm' });
});

test('POSIX bracket classes are ASCII classes; a negated one is left as written', () => {
  assert.ok(rubyRegExp('^[[:digit:]]+$').test('2024'));
  assert.ok(!rubyRegExp('^[[:digit:]]+$').test('20x4'));
  assert.ok(rubyRegExp('^[[:alpha:][:space:]]+$').test('a b\tC'));
  assert.ok(rubyRegExp('^[[:xdigit:]]+$').test('0fA9'));
  assert.ok(rubyRegExp('^[[:punct:]]+$').test('!/:@[`{~'));
  assert.equal(translateRubyRegExp('[[:^digit:]]').source, '[[:^digit:]]');
});

test('after an escaped backslash, A z Z h are letters', () => {
  assert.equal(translateRubyRegExp('\\\\A\\\\h').source, '\\\\A\\\\h');
  assert.ok(rubyRegExp('^\\\\A$').test('\\A'));
  assert.equal(translateRubyRegExp('\\\\\\A').source, '\\\\(?<![\\s\\S])');
});

test('named groups stay named groups', () => {
  assert.equal(rubyRegExp('(?<year>\\d{4})-').exec('2024-')?.groups?.year, '2024');
});

test('a translation JavaScript refuses is its SyntaxError, for the caller to report', () => {
  assert.throws(() => rubyRegExp('(['), SyntaxError);
});
