import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-check-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('checking many files in worker threads gives what one thread gives, in the order of the files', async () => {
  const files: string[] = [];
  for (let i = 0; i < 300; i++) {
    const file = join(dir, `f${String(i).padStart(3, '0')}.pp`);
    // every seventh file has a syntax error, every eleventh a validation error, one is missing
    const text = i % 7 === 3 ? `notice(${i}\n` : i % 11 === 5 ? `$x = 1\n$x += ${i}\n` : `class c${i}($a = ${i}) {\n  notify { "n${i}": message => $a }\n}\n`;
    if (i !== 42) writeFileSync(file, text.repeat(1 + (i % 5) * 40));
    files.push(file);
  }
  const one = await checkFiles(files, { modulepath: [], print: true, threads: 1 });
  const two = await checkFiles(files, { modulepath: [], print: true, threads: 2 });
  assert.deepEqual(two, one);
  assert.deepEqual(one.map((r) => r.file), files);
  assert.match(one[42].readError ?? '', /ENOENT/);
  assert.match(one[3].printed, /f003\.pp:2:1: error: Syntax error at 'notice': expected '\)'/);
  assert.equal(one.filter((r) => r.diagnostics.some((d) => d.code === 'KSP-VALID-013')).length, files.filter((_f, i) => i % 11 === 5 && i % 7 !== 3).length);
  assert.equal(one[0].diagnostics.length, 0);
});

test('a few files are checked in the calling thread alone', async () => {
  const file = join(dir, 'one.pp');
  writeFileSync(file, 'notice(1)\n');
  const [r] = await checkFiles([file], { modulepath: [], print: false, threads: 8 });
  assert.deepEqual(r, { file, diagnostics: [], printed: '' });
});
