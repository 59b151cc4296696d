import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles, checkPathsOnOneThread, collectSourceFiles, startCheckWorkersFor } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-check-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 300 files in `many`: a few with syntax or validation errors, one missing. */
const many = join(dir, 'many');
function manyFiles(): string[] {
  mkdirSync(many, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < 300; i++) {
    const file = join(many, `f${String(i).padStart(3, '0')}.pp`);
    // every seventh file has a syntax error, every eleventh a validation error, one is missing
    const text = i % 7 === 3 ? `notice(${i}\n` : i % 11 === 5 ? `$x = 1\n$x += ${i}\n` : `class c${i}($a = ${i}) {\n  notify { "n${i}": message => $a }\n}\n`;
    if (i !== 42) writeFileSync(file, text.repeat(1 + (i % 5) * 40));
    files.push(file);
  }
  return files;
}

test('checking many files in worker threads gives what one thread gives, in the order of the files', async () => {
  const files = manyFiles();
  const one = await checkFiles(files, { modulepath: [], print: true, threads: 1 });
  const two = await checkFiles(files, { modulepath: [], print: true, threads: 2 });
  assert.deepEqual(two, one);
  assert.deepEqual(one.map((r) => r.file), files);
  assert.match(one[42].readError ?? '', /ENOENT/);
  assert.match(one[3].printed, /f003\.pp:2:1: error: Syntax error at 'notice': expected '\)'/);
  assert.equal(one.filter((r) => r.diagnostics.some((d) => d.code === 'KSP-VALID-013')).length, files.filter((_f, i) => i % 11 === 5 && i % 7 !== 3).length);
  assert.equal(one[0].diagnostics.length, 0);
});

test('paths read as they are listed (one thread) give what listing them and then checking the files gives', async () => {
  const files = manyFiles();
  const other = join(dir, 'other');
  mkdirSync(join(other, 'sub'), { recursive: true });
  mkdirSync(join(other, '.hidden'), { recursive: true });
  writeFileSync(join(other, 'sub', 'b.pp'), 'notice(\n');
  writeFileSync(join(other, 'a.epp'), '<%= $x %>\n');
  writeFileSync(join(other, 'notes.txt'), 'not a source\n');
  writeFileSync(join(other, '.hidden', 'h.pp'), 'notice(\n');
  // files (one missing), a folder, a file that is no source (given explicitly), missing paths
  const paths = [...files.slice(0, 50), other, join(other, 'notes.txt'), join(dir, 'nothere'), many, join(dir, 'nothere.pp')];
  for (const print of [true, false]) {
    const listed = collectSourceFiles(paths);
    const expected = { files: listed.files, missing: listed.missing, results: await checkFiles(listed.files, { modulepath: [dir], print, threads: 1 }) };
    assert.deepEqual(checkPathsOnOneThread(paths, { modulepath: [dir], print }), expected);
  }
  assert.deepEqual(checkPathsOnOneThread([], { modulepath: [], print: true }), { files: [], missing: [], results: [] });
});

test('a few files are checked in the calling thread alone', async () => {
  const file = join(dir, 'one.pp');
  writeFileSync(file, 'notice(1)\n');
  const [r] = await checkFiles([file], { modulepath: [], print: false, threads: 8 });
  assert.deepEqual(r, { file, diagnostics: [], printed: '' });
});

test('workers started before the files are listed (as parser validate does) give what one thread gives, also when the V8 flags must be set back after their start', async () => {
  const files = manyFiles();
  const one = await checkFiles(files, { modulepath: [], print: true, threads: 1 });
  const marker = Symbol.for('kasper.v8Flags'); // what bin/kasper.js says it set (check-pool.ts)
  const saved = { threads: process.env.KASPER_PARSER_THREADS, flags: (globalThis as Record<symbol, unknown>)[marker] };
  try {
    process.env.KASPER_PARSER_THREADS = '3';
    for (const flags of [undefined, ['--no-turbofan']]) {
      (globalThis as Record<symbol, unknown>)[marker] = flags;
      const pool = startCheckWorkersFor([many]);
      assert.equal(pool?.workers.length, 2);
      const listed = collectSourceFiles([many]).files;
      const results = await checkFiles(listed, { modulepath: [], print: true, pool });
      assert.deepEqual(results, one.filter((r) => r.readError === undefined));
    }
    // A folder of few files: the workers started for it are ended, the files checked here.
    const small = mkdtempSync(join(tmpdir(), 'kasper-check-few-'));
    writeFileSync(join(small, 'a.pp'), 'notice(1)\n');
    const pool = startCheckWorkersFor([small]);
    assert.deepEqual(await checkFiles(collectSourceFiles([small]).files, { modulepath: [], print: false, pool }), [{ file: join(small, 'a.pp'), diagnostics: [], printed: '' }]);
    rmSync(small, { recursive: true, force: true });
  } finally {
    if (saved.threads === undefined) delete process.env.KASPER_PARSER_THREADS;
    else process.env.KASPER_PARSER_THREADS = saved.threads;
    (globalThis as Record<symbol, unknown>)[marker] = saved.flags;
    const { setFlagsFromString } = await import('node:v8');
    setFlagsFromString('--turbofan');
  }
});
