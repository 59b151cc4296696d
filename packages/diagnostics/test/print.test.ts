// The one diagnostic printer: the source line with a caret under the spot, and an excerpt of a
// line too long to read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../src/print.ts';
import type { DiagnosticData } from '../src/error.ts';

const at = (line: number, column: number, endColumn?: number): DiagnosticData => ({
  severity: 'error', code: 'KSP-TEST-001', message: 'bad', location: { file: 'f.pp', line, column, endLine: endColumn ? line : undefined, endColumn },
} as DiagnosticData);

test('the line and a caret (tildes over the span), tabs kept so the caret lines up', () => {
  assert.equal(formatDiagnostic(at(2, 6, 9), 'a\n\tb = xyz\nc'), 'f.pp:2:6: error: bad [KSP-TEST-001]\n2 | \tb = xyz\n    \t    ^~~');
  assert.equal(formatDiagnostic(at(1, 1), 'x\r\ny'), 'f.pp:1:1: error: bad [KSP-TEST-001]\n1 | x\n    ^');
  // A line past the end of the text: the head only.
  assert.equal(formatDiagnostic(at(5, 1), 'x\n'), 'f.pp:5:1: error: bad [KSP-TEST-001]');
});

test('a line longer than 160 characters is shown as an excerpt around the spot', () => {
  const line = `$x = ${'[1, '.repeat(300)}oops`;
  const column = line.indexOf('oops') + 1;
  const out = formatDiagnostic(at(1, column, column + 4), `${line}\n`).split('\n');
  assert.equal(out[0], `f.pp:1:${column}: error: bad [KSP-TEST-001]`);
  assert.equal(out[1], `1 | …${line.slice(column - 1 - 60)}`);
  assert.equal(out[2], `${' '.repeat(4 + 1 + 60)}^~~~`);
  // At the start of a long line: no leading ellipsis, a trailing one.
  const start = formatDiagnostic(at(1, 1), `${line}\n`).split('\n');
  assert.equal(start[1], `1 | ${line.slice(0, 61)}…`);
  assert.equal(start[2], '    ^');
});
