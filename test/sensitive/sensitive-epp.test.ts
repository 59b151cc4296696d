// A password rendered into a config file through EPP: Puppet 7 renders the template as
// Sensitive[String], writes the real value into the file, and shows it nowhere else. Kasper must
// do the same end to end: `kasper apply` writes `pw=<secret>`, and neither its output, its
// report, its log, nor the catalog and report as Kasper's storage keeps them contain the secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { stringifyCatalog } from '../../packages/catalog/src/index.ts';
import { compileCatalog } from '../../packages/compiler/src/index.ts';
import { sqliteStorage } from '../../packages/storage/src/index.ts';

const SECRETS = ['s3cr3t-Epp-1', 's3cr3t-Epp-2', 's3cr3t-Notify', 's3cr3t-Nested'];

function manifest(dir: string, round: number): string {
  return [
    `$pw = Sensitive('${SECRETS[round]}')`,
    `file { '${dir}/app.conf': content => inline_epp("user=app\\npw=<%= \\$pw %>\\n", { pw => $pw }), show_diff => true }`,
    `notify { 'password': message => Sensitive('${SECRETS[2]}') }`,
    // Inside a hash: the catalog holds it as rich data, the agent applies it as a sensitive value.
    `notify { 'nested': message => { pw => Sensitive('${SECRETS[3]}') } }`,
    '',
  ].join('\n');
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? filesUnder(join(d, f)) : [join(d, f)]));
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

test('a Sensitive value rendered by EPP reaches the file and nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-sensitive-'));
  const vardir = join(dir, 'var');
  for (const round of [0, 1]) {
    // The second round changes the password: a content change, with show_diff asked for.
    const site = join(dir, `site${round}.pp`);
    writeFileSync(site, manifest(dir, round));
    const out = captureOutput();
    const code = await main(['apply', site, '--vardir', vardir, '--report', join(dir, `report${round}.json`), '--detailed-exitcodes'], out);
    assert.equal(code, 2, out.err);
    assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), `user=app\npw=${SECRETS[round]}\n`);
    assert.deepEqual(leaks(out.out + out.err), [], `the output shows a secret:\n${out.out}${out.err}`);
    assert.match(out.out, /File\[.*app\.conf\]\/(ensure|content): changed \[redacted\] to \[redacted\]/);
    assert.match(out.out, /Notice: Sensitive \[value redacted\]/);
  }
  // Everything apply wrote except the file itself and the file bucket (which keeps the previous
  // content so it can be restored, as Puppet's clientbucket does).
  const written = [...filesUnder(dir).filter((f) => !f.endsWith('app.conf') && !/\/site\d\.pp$/.test(f) && !f.includes('/clientbucket/') && !f.includes('/bucket/'))];
  assert.ok(written.some((f) => f.endsWith('last_run_report.json')), `apply wrote: ${written.join(', ')}`);
  for (const f of written) assert.deepEqual(leaks(readFileSync(f, 'latin1')), [], `${f} shows a secret`);

  // The catalog an agent gets holds the value, marked sensitive (Puppet's catalog does the same);
  // what storage keeps of it and of the report does not.
  const catalog = compileCatalog({
    environment: { name: 'production', manifest: join(dir, 'site0.pp'), modulepath: [] },
    node: 'web01.example.com',
    facts: new Map(),
  });
  const text = stringifyCatalog(catalog);
  const file = JSON.parse(text).resources.find((r: { type: string }) => r.type === 'File');
  assert.equal(file.parameters.content, `user=app\npw=${SECRETS[0]}\n`);
  assert.deepEqual(file.sensitive_parameters, ['content']);
  const nested = JSON.parse(text).resources.find((r: { title: string }) => r.title === 'nested');
  assert.deepEqual(nested.parameters.message, { pw: { __ptype: 'Sensitive', __pvalue: SECRETS[3] } });
  const dbPath = join(dir, 'store.sqlite');
  const storage = sqliteStorage(dbPath);
  try {
    await storage.init();
    await storage.saveCatalog('web01.example.com', text, String(catalog.version));
    await storage.saveReport('web01.example.com', JSON.parse(readFileSync(join(dir, 'report0.json'), 'utf8')));
  } finally {
    await storage.close();
  }
  for (const f of filesUnder(dir).filter((x) => x.startsWith(dbPath))) assert.deepEqual(leaks(readFileSync(f, 'latin1')), [], `storage (${f}) shows a secret`);
});
