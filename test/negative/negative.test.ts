// The negative corpus: snippets real Puppet 7 rejects (see golden.json and regenerate.sh).
// Kasper must reject each one too, on the line Puppet names, and for the checks Puppet makes after
// parsing (its validator), with Puppet's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource } from '../../packages/language/src/index.ts';

const here = import.meta.dirname;
const golden = JSON.parse(readFileSync(join(here, 'golden.json'), 'utf8')) as {
  cases: Record<string, { message: string; line: number | null; column: number | null }>;
};
const files = readdirSync(join(here, 'cases')).sort();

test('every case has a golden entry from Puppet, and there are at least 40', () => {
  assert.ok(files.length >= 40, `only ${files.length} cases`);
  assert.deepEqual(files, Object.keys(golden.cases).sort());
});

for (const file of files) {
  test(`rejects ${file} like Puppet`, () => {
    const expected = golden.cases[file];
    const text = readFileSync(join(here, 'cases', file), 'utf8');
    const { diagnostics } = parseSource(text, file);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, `Kasper accepts what Puppet rejects with: ${expected.message}`);
    const first = errors[0];
    if (expected.line === null) {
      assert.equal(first.code, 'KSP-PARSE-002', 'Puppet reports the end of input');
    } else {
      assert.equal(first.start.line, expected.line, `first error: ${first.message}; Puppet: ${expected.message}`);
    }
    if (first.code.startsWith('KSP-VALID')) assert.equal(first.message, expected.message);
  });
}
