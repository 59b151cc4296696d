// Kasper's module-layout rules against Puppet 7's on Debian's module packages: `puppet parser
// validate` refused 95 of their 1927 .pp files (examples and tests with statements at top level,
// definitions named for another file); Kasper's validation with the same modulepath must refuse
// the same files for the same reasons, on the same lines (expected.json, by regenerate.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleFileNamespace, moduleLocationDiagnostics, parseSource } from '../../../packages/language/src/index.ts';
import { needs } from '../../support/host.ts';
import { corpusModulepath } from '../corpus/run-corpus.ts';
import { readGolden } from '../corpus/normalize-corpus.ts';
import { moduleLayoutFiles, type LayoutGolden } from './layout.ts';

const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'expected.json'), 'utf8')) as LayoutGolden;

test('Debian\'s module files: Kasper refuses for their place the files Puppet 7 refuses', (t) => {
  const mp = corpusModulepath(readGolden());
  if (!needs(t, 'dir' in mp, 'reason' in mp ? mp.reason : '')) return;
  if (!('dir' in mp)) return;
  const dir = mp.dir;
  assert.deepEqual(moduleLayoutFiles(dir), golden.files, 'the module files differ from those expected.json was made from: run regenerate.sh');
  const refused: LayoutGolden['refused'] = {};
  for (const rel of golden.files) {
    const path = join(dir, rel);
    const parsed = parseSource(readFileSync(path, 'utf8'), path);
    const errors = [...parsed.diagnostics, ...moduleLocationDiagnostics(parsed, path, moduleFileNamespace(path, [dir]))]
      .filter((d) => d.severity === 'error');
    if (errors.length) refused[rel] = errors.map((d) => ({ message: d.message.split(`${dir}/`).join(''), line: d.start.line }));
  }
  const names = (r: LayoutGolden['refused']) => Object.keys(r).sort();
  assert.deepEqual(names(refused), names(golden.refused), 'the refused files differ');
  // Puppet reports the first max_errors (10) of a file's errors, then gives up.
  for (const f of names(golden.refused)) assert.deepEqual(refused[f].slice(0, 10), golden.refused[f], `${f}: Kasper's errors differ from Puppet's`);
  t.diagnostic(`${golden.files.length} files, ${names(refused).length} refused by both`);
});
