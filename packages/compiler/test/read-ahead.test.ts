// Reading ahead: a command waiting for something else (the embedded Ruby's early start) parses
// the files its compile read the last time, into the process's parse cache; the compile then
// takes them from there, and reports a file's error as it would have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, CompileError, parsedFiles, readAhead } from '../src/index.ts';

test('readAhead parses absolute .pp and .epp files into the parse cache; only what a compile parsed is counted as read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-read-ahead-'));
  try {
    const site = join(dir, 'site.pp');
    const stale = join(dir, 'stale.pp');
    const broken = join(dir, 'broken.pp');
    writeFileSync(site, "notify { 'hello': message => 'world' }\n");
    writeFileSync(stale, "class stale { notify { 'x': } }\n");
    writeFileSync(broken, 'class broken {\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
    // Relative paths, other files and missing ones are left alone.
    assert.equal(readAhead([site, stale, broken, join(dir, 'notes.txt'), 'relative.pp', join(dir, 'gone.pp')]), 3);
    assert.ok(![site, stale, broken].some((f) => parsedFiles().includes(f)), 'read ahead is not read by a compile');
    const catalog = compileCatalog({ environment: { name: 'production', manifest: site, modulepath: [] }, node: 'n.example.com', facts: new Map() });
    assert.ok(catalog.resources.some((r) => r.type === 'Notify' && r.title === 'hello'));
    assert.ok(parsedFiles().includes(site));
    assert.ok(!parsedFiles().includes(stale), 'a file only read ahead is not remembered');
    // A file read ahead with a syntax error fails the compile as it would have.
    assert.throws(() => compileCatalog({ environment: { name: 'production', manifest: broken, modulepath: [] }, node: 'n.example.com', facts: new Map() }), (e: unknown) => e instanceof CompileError && /broken\.pp/.test(String((e as Error).message) + JSON.stringify(e)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
