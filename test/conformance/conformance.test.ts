// Kasper's compiler against Puppet 7's golden catalogs (cases/ and modules-corpus/).
// Every case must agree with Puppet, except those listed in known-gaps.txt with the reason;
// a listed case that starts agreeing fails too, so the list only ever shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCase } from './run-case.ts';
import { needs } from '../support/host.ts';
import { corpusModulepath } from '../support/module-corpus.ts';

const here = import.meta.dirname;
const gaps = new Map<string, string>();
for (const line of readFileSync(join(here, 'known-gaps.txt'), 'utf8').split('\n')) {
  const m = /^([\w./-]+)\s+(.*)$/.exec(line.trim());
  if (m && !line.startsWith('#')) gaps.set(m[1], m[2]);
}

function cases(folder: string): string[] {
  return readdirSync(join(here, folder)).sort().map((c) => `${folder}/${c}`);
}

for (const id of cases('cases')) {
  test(id, () => check(id));
}

// A case is named by its number (README, docs, known-gaps.txt): two folders may not share one.
test('case numbers are unique', () => {
  const byNumber = new Map<string, string[]>();
  for (const c of readdirSync(join(here, 'cases'))) {
    const n = /^\d+/.exec(c)?.[0] ?? c;
    byNumber.set(n, [...(byNumber.get(n) ?? []), c]);
  }
  assert.deepEqual([...byNumber.values()].filter((names) => names.length > 1), []);
});

// The module corpus compiles the Debian packages' modules (installed, or fetched and unpacked).
for (const id of cases('modules-corpus')) {
  test(id, (t) => {
    const corpus = corpusModulepath();
    if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
    check(id);
  });
}

function check(id: string): void {
  const problem = checkCase(join(here, id));
  const gap = gaps.get(id);
  if (gap === undefined) {
    assert.equal(problem, null, `${id} differs from Puppet 7`);
  } else {
    assert.notEqual(problem, null, `${id} now agrees with Puppet: remove it from known-gaps.txt (${gap})`);
  }
}
