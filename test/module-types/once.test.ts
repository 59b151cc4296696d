// A file that 100 ini_settings and 10 file_lines edit is written once per run (the run's copy
// in memory, flushed once), and a second run neither writes nor changes anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../packages/catalog/src/index.ts';
import { Registry, SystemExecutor, detectHost } from '../../packages/providers/src/index.ts';
import { Transaction } from '../../packages/agent/src/index.ts';

function catalogFor(path: string): Catalog {
  const c = new Catalog('once.example.com', 'production', 1);
  c.add({ type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: new Map() });
  const add = (type: string, title: string, params: Record<string, string>) => {
    c.add({ type, title, tags: [], exported: false, kind: 'compilable_type', parameters: new Map(Object.entries(params)) });
    c.addEdge('Class[main]', `${type}[${title}]`);
  };
  for (let i = 0; i < 100; i++) add('Ini_setting', `s${i}`, { path, section: `sec${i % 7}`, setting: `k${i}`, value: `v${i}` });
  for (let i = 0; i < 10; i++) add('File_line', `l${i}`, { path, line: `; note ${i}` });
  return c;
}

async function run(path: string, bucket: string) {
  const t = new Transaction(catalogFor(path), { registry: new Registry(), host: detectHost(), exec: new SystemExecutor(), bucketDir: bucket });
  return t.run();
}

test('100 ini_settings and 10 file_lines on one file: one write per run, none the second time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-once-'));
  try {
    const path = join(dir, 'app.ini');
    writeFileSync(path, '[sec0]\nk0 = old\n');
    const bucket = join(dir, 'bucket');
    const first = await run(path, bucket);
    assert.equal(first.statuses.filter((s) => s.changed).length, 110);
    // Every write keeps the content it replaces: one entry means one write.
    const entries = existsSync(bucket) ? readdirSync(bucket).flatMap((p) => readdirSync(join(bucket, p))) : [];
    assert.equal(entries.length, 1, 'the file was written once');
    const text = readFileSync(path, 'utf8');
    for (let i = 0; i < 100; i++) assert.match(text, new RegExp(`^k${i} = v${i}$`, 'm'));
    const inode = statSync(path).ino;
    const second = await run(path, bucket);
    assert.equal(second.statuses.filter((s) => s.changed).length, 0);
    assert.equal(statSync(path).ino, inode, 'not written again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
