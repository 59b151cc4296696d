// Kasper against Puppet 7 on the module types: every case in cases/ is applied by Kasper to a
// temporary root as regenerate.ts applied it with Puppet, and must leave the same files, report
// the same changes, change nothing the second time and say the same in noop after drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, deferredCaller, fromData, type Value } from '../../packages/compiler/src/index.ts';
import { Registry, SystemExecutor, detectHost } from '../../packages/providers/src/index.ts';
import { Transaction, withLocalFacts } from '../../packages/agent/src/index.ts';
import { needs } from '../support/host.ts';
import { CASES, MODULEPATH, caseNames, drift, manifestText, normalize, prepareRoot, ignored, caseEnv, snapshotFiles, type Expected } from './harness.ts';

async function kasperApply(work: string, manifest: string, root: string, noop: boolean): Promise<string[]> {
  const environment = { name: 'production', manifest, modulepath: [MODULEPATH] };
  // As `kasper apply` and `puppet apply` have them: the run's own facts (concat's defines read $clientversion).
  const plainFacts = withLocalFacts({ os: { family: 'Debian' } }, { certname: 'test.example.com', noop });
  const facts = fromData(plainFacts) as Map<string, Value>;
  const catalog = compileCatalog({ environment, node: 'test.example.com', facts });
  const lines: { level: string; source: string; message: string }[] = [];
  const t = new Transaction(catalog, {
    noop,
    registry: new Registry(),
    host: detectHost(),
    exec: new SystemExecutor(),
    bucketDir: join(work, 'bucket'),
    onLog: (level, source, message) => lines.push({ level, source, message }),
    // Deferred values resolved with the compiler's functions, as `kasper apply` wires them.
    deferred: { facts: plainFacts, call: deferredCaller({ environment, node: 'test.example.com', facts }) },
  });
  await t.run();
  return normalize(lines, root);
}

for (const name of caseNames()) {
  test(`module types: ${name} applies as with puppet apply`, async (t) => {
    if (!needs(t, existsSync(join(MODULEPATH, 'stdlib')), `Debian's Puppet modules are not installed (${MODULEPATH})`)) return;
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8')) as Expected;
    const work = mkdtempSync(join(tmpdir(), 'kasper-modtypes-'));
    try {
      const root = join(work, 'root');
      mkdirSync(root);
      prepareRoot(name, root);
      const manifest = join(work, 'site.pp');
      writeFileSync(manifest, manifestText(name, root));
      const env = caseEnv(name, root);
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      t.after(() => {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      });
      assert.deepEqual(await kasperApply(work, manifest, root, false), expected.run1.lines, 'first run');
      assert.deepEqual(snapshotFiles(root, ignored(name)), expected.run1.files, 'files after the first run');
      assert.deepEqual(await kasperApply(work, manifest, root, false), expected.run2.lines, 'second run');
      drift(name, root);
      assert.deepEqual(await kasperApply(work, manifest, root, true), expected.noop.lines, 'noop after drift');
      assert.deepEqual(snapshotFiles(root, ignored(name)), expected.noop.files, 'noop changes nothing');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
