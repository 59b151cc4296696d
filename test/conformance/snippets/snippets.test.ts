// Kasper against Puppet 7 on many small programs (the *.snippets files, Puppet's answers in
// *.expected.jsonl; README.md). All run in this process, in a few seconds. A snippet must agree
// with Puppet unless known-gaps.txt lists it; a listed snippet that starts agreeing fails too,
// so the list only shrinks. A crash (an exception that is not a located KasperError) always fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, debianModules, readExpected, readGaps, readSnippets, runSnippet, snippetFiles } from './run.ts';
import { needs } from '../../support/host.ts';

const gaps = readGaps();

for (const file of snippetFiles()) {
  test(file, (t) => {
    // Puppet had Debian's modules (stdlib) on its modulepath; Kasper needs the same.
    const modules = debianModules();
    if (!needs(t, 'dir' in modules, 'reason' in modules ? modules.reason : '')) return;
    const expected = readExpected(file);
    const wrong: string[] = [];
    const fixed: string[] = [];
    const crashes: string[] = [];
    for (const s of readSnippets(file)) {
      const id = `${file.replace(/\.snippets$/, '')}/${s.name}`;
      const want = expected.get(s.name);
      if (!want) {
        wrong.push(`${id}: no golden answer (run regenerate.sh)`);
        continue;
      }
      const got = runSnippet(s.code);
      const problem = compare(got, want);
      if (got.crash) crashes.push(`${id}: ${got.crash}`);
      else if (problem && !gaps.has(id)) wrong.push(`${id}: ${problem}`);
      else if (!problem && gaps.has(id)) fixed.push(id);
    }
    assert.deepEqual(crashes, [], 'internal exceptions instead of located errors');
    assert.deepEqual(wrong, [], 'differs from Puppet 7 (and not in known-gaps.txt)');
    assert.deepEqual(fixed, [], 'now agrees with Puppet: remove from known-gaps.txt');
  });
}
