// The cache of parsed YAML stays bounded: past MAX_YAML_ENTRIES, the first write of a process
// removes the oldest entries down to half. (Its own file: the test needs a process's first write.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYamlData } from '../src/facts.ts';
import { configureYamlCache, MAX_YAML_ENTRIES } from '../src/yaml-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-yaml-prune-'));
after(() => {
  configureYamlCache(undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('a full cache folder loses its oldest entries, keeps the newest, and takes the new one', () => {
  configureYamlCache(dir);
  const folder = join(dir, 'yaml');
  mkdirSync(folder, { recursive: true });
  const old = MAX_YAML_ENTRIES + 1;
  for (let i = 0; i < old; i++) {
    const f = join(folder, `old${String(i).padStart(5, '0')}.json`);
    writeFileSync(f, 'x');
    utimesSync(f, 1_000_000 + i, 1_000_000 + i);
  }
  assert.deepStrictEqual(parseYamlData('pruned: true\n', { cache: true }), { pruned: true });
  const names = readdirSync(folder).sort();
  assert.equal(names.length, MAX_YAML_ENTRIES / 2 + 1);
  assert.ok(!names.includes('old00000.json') && names.includes(`old${String(old - 1).padStart(5, '0')}.json`));
});
