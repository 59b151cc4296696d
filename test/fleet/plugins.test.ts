// A type and provider a module ships on the master reach the agent by pluginsync and apply
// there, as they do under `kasper apply`: agent runs and apply runs share one pipeline.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const node = process.execPath;
const kasper = join(import.meta.dirname, '../../packages/cli/bin/kasper.js');
const work = mkdtempSync(join(tmpdir(), 'kasper-plugins-'));
const PORT = 18700 + (process.pid % 500);
let master: ChildProcess | undefined;
after(() => {
  master?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

test('a module\'s own resource type reaches the agent by pluginsync and is applied', async () => {
  const mconf = join(work, 'master');
  const lib = join(mconf, 'environments/production/modules/lines/lib/kasper');
  mkdirSync(join(lib, 'types'), { recursive: true });
  mkdirSync(join(lib, 'providers'), { recursive: true });
  mkdirSync(join(mconf, 'environments/production/manifests'), { recursive: true });
  writeFileSync(join(lib, 'types/line.mjs'),
    "export const type = { name: 'line', namevar: 'path', properties: [{ name: 'value' }], parameters: ['path'] };\n");
  writeFileSync(join(lib, 'providers/line_file.mjs'), `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const provider = {
  name: 'line_file', type: 'line', suitable: () => true,
  async retrieve(r) { return { value: existsSync(r.name) ? readFileSync(r.name, 'utf8') : 'absent' }; },
  async sync(r, changes) { writeFileSync(r.name, String(changes[0].should)); },
};
`);
  writeFileSync(join(mconf, 'environments/production/manifests/site.pp'), `node default { line { '${work}/out': value => "from a module's type" } }\n`);
  let log = '';
  master = spawn(node, [kasper, 'master', '--confdir', mconf, '--vardir', join(mconf, 'var'), '--bind', '127.0.0.1', '--port', String(PORT),
    '--certname', 'localhost', '--autosign', '*.test'], { stdio: ['ignore', 'pipe', 'pipe'] });
  master.stdout!.on('data', (d) => (log += d));
  master.stderr!.on('data', (d) => (log += d));
  for (let i = 0; i < 300 && !log.includes('listening'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(log, /listening/);

  const vardir = join(work, 'agent/var');
  const agent = () => spawnSync(node, [kasper, 'agent', '--onetime', '--detailed-exitcodes', '--server', 'localhost', '--port', String(PORT),
    '--certname', 'p1.test', '--confdir', join(work, 'agent/conf'), '--vardir', vardir, '--waitforcert', '10'], { encoding: 'utf8' });
  const first = agent();
  assert.equal(first.status, 2, first.stdout + first.stderr);
  assert.match(first.stdout, /Notice: Synced plugin kasper\/types\/line\.mjs/);
  assert.equal(readFileSync(join(work, 'out'), 'utf8'), "from a module's type");
  assert.ok(existsSync(join(vardir, 'lib/kasper/providers/line_file.mjs')));
  // Converged, and the plugins are already in sync: nothing is synced or changed.
  const second = agent();
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.doesNotMatch(second.stdout, /Synced plugin/);
});
