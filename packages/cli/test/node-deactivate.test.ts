// `kasper node deactivate NAME` and `kasper ca clean NAME` deactivate a node in the master's
// storage: the exported resources of its latest catalog are then collected by no other node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@kasper/storage';
import { exportedResources } from '@kasper/query';

const kasper = join(import.meta.dirname, '../bin/kasper.js');

test('node deactivate and ca clean: a node\'s exports are collected no more', async () => {
  const work = mkdtempSync(join(tmpdir(), 'kasper-deactivate-'));
  try {
    const dirs = ['--confdir', join(work, 'conf'), '--vardir', join(work, 'var')];
    const cli = (...args: string[]) => spawnSync(process.execPath, [kasper, ...args, ...dirs], { encoding: 'utf8' });
    mkdirSync(join(work, 'var'), { recursive: true });
    const db = openStorage(join(work, 'var', 'kasper.db'));
    await db.init();
    for (const n of ['a.test', 'c.test']) {
      await db.saveCatalog(n, JSON.stringify({ resources: [{ type: 'Host', title: n, tags: ['host'], exported: true, parameters: { ip: '10.0.0.1' } }] }), 'v1');
    }
    const collected = async () => (await exportedResources(db, 'b.test', 'Host', null)).map((r) => r.node).sort();
    assert.deepEqual(await collected(), ['a.test', 'c.test']);

    let r = cli('node', 'deactivate', 'a.test');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Deactivated a\.test/);
    assert.deepEqual(await collected(), ['c.test']);
    r = cli('node', 'deactivate', 'nobody.test');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nothing stored for nobody\.test/);

    assert.equal(cli('ca', 'setup').status, 0);
    assert.equal(cli('ca', 'generate', 'c.test').status, 0);
    r = cli('ca', 'clean', 'c.test');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Deactivated c\.test in the master's storage/);
    assert.deepEqual(await collected(), []);
    await db.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
