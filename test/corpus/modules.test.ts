// Every .pp and .epp file of the Debian-packaged puppetlabs modules parses without a diagnostic,
// as it does with Puppet 7 (which ships the same files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { collectSourceFiles, formatDiagnostic, parseFile } from '../../packages/language/src/index.ts';
import { needs } from '../support/host.ts';
import { CORPUS_MODULES, moduleCorpus } from '../support/module-corpus.ts';

test('the Debian puppetlabs modules parse without a diagnostic', (t) => {
  const corpus = moduleCorpus();
  if (!needs(t, 'dir' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const dir = (corpus as { dir: string }).dir;
  const { files } = collectSourceFiles(CORPUS_MODULES.map((m) => join(dir, m)));
  assert.ok(files.length >= 100, `expected the whole corpus, found ${files.length} files in ${dir}`);
  const problems: string[] = [];
  for (const file of files) {
    const r = parseFile(file);
    if (r.readError) problems.push(`${file}: ${r.readError}`);
    for (const d of r.result?.diagnostics ?? []) problems.push(formatDiagnostic(d, r.text));
  }
  assert.deepEqual(problems, []);
});
