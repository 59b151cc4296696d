// A type and its provider shipped by a module (lib/kasper/types, lib/kasper/providers) work
// without touching Kasper: the compiler knows the type, the agent loads and runs the provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { tempDir } from './apply-helpers.ts';

test('a module adds its own resource type and provider', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'modules/kv/lib/kasper/types'), { recursive: true });
  mkdirSync(join(dir, 'modules/kv/lib/kasper/providers'), { recursive: true });
  mkdirSync(join(dir, 'manifests'));
  // key = value lines in a file, one resource per key.
  writeFileSync(join(dir, 'modules/kv/lib/kasper/types/kv_setting.mjs'), `
export const type = {
  name: 'kv_setting', namevar: 'name',
  properties: [{ name: 'value' }],
  parameters: ['name', 'path', 'key'],
  validate(r) { if (!String(r.params.path ?? '').startsWith('/')) throw new Error('kv_setting needs an absolute path'); },
  desired: (r) => ({ value: String(r.params.value) }),
};
`);
  writeFileSync(join(dir, 'modules/kv/lib/kasper/providers/kv_file.mjs'), `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const read = (p) => existsSync(p) ? readFileSync(p, 'utf8').split('\\n').filter(Boolean) : [];
export const provider = {
  name: 'kv_file', type: 'kv_setting', suitable: () => true, isDefault: () => true,
  async retrieve(r) {
    const key = r.params.key ?? r.name;
    const line = read(r.params.path).find((l) => l.startsWith(key + ' = '));
    return { value: line ? line.slice(key.length + 3) : 'absent' };
  },
  async sync(r, changes) {
    const key = r.params.key ?? r.name;
    const lines = read(r.params.path).filter((l) => !l.startsWith(key + ' = '));
    lines.push(key + ' = ' + changes[0].should);
    writeFileSync(r.params.path, lines.sort().join('\\n') + '\\n');
  },
};
`);
  writeFileSync(join(dir, 'manifests/site.pp'), `
kv_setting { 'port': path => '${dir}/app.kv', value => 8080 }
kv_setting { 'host': path => '${dir}/app.kv', value => 'example.org' }
`);
  const run = async () => {
    const out = captureOutput();
    const code = await main(['apply', join(dir, 'manifests/site.pp'), '--vardir', join(dir, 'var'), '--detailed-exitcodes'], out);
    return { code, text: out.out + out.err };
  };
  const first = await run();
  assert.equal(first.code, 2, first.text);
  assert.equal(readFileSync(join(dir, 'app.kv'), 'utf8'), 'host = example.org\nport = 8080\n');
  assert.equal((await run()).code, 0);
});
