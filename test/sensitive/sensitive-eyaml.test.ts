// Passwords from hiera-eyaml data (test/secrets/fixture, encrypted by Debian's hiera-eyaml):
// `kasper apply` writes them into the files that need them and nowhere else. One key has
// lookup_options' `convert_to: Sensitive` (db-pw, a Sensitive class parameter, rendered through
// EPP); the other has not (node-pw, a plain String as in Puppet): Kasper still marks every
// parameter holding a decrypted value sensitive, and redacts it in compile-time log lines. Neither
// may appear in apply's output, its report, its log, the catalog and report storage keeps, or a
// catalog diff in any format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { stringifyCatalog } from '../../packages/catalog/src/index.ts';
import { compileCatalog } from '../../packages/compiler/src/index.ts';
import { sqliteStorage } from '../../packages/storage/src/index.ts';
import { diffCatalogs, renderHtml, renderJson, renderMarkdown, renderTerminal } from '../../packages/diff/src/index.ts';

const fixture = join(import.meta.dirname, '..', 'secrets', 'fixture');
// What fixture/plain holds for these keys (role web: nodes/web.eyaml, else common.eyaml).
const SECRETS = ['db-pw', 'node-pw', 's3cr3t-app'];

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? filesUnder(join(d, f)) : [join(d, f)]));
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

function site(dir: string): void {
  mkdirSync(join(dir, 'modules', 'app', 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'app', 'manifests', 'init.pp'), [
    'class app (String $password) {',
    `  file { '${dir}/plain.conf': content => "pw=\${password}\\n" }`,
    "  notify { 'plain': message => \"the password is ${password}\" }",
    '  notice("compile-time: ${password}")',
    '}',
    '',
  ].join('\n'));
  mkdirSync(join(dir, 'modules', 'secure', 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'secure', 'manifests', 'init.pp'), [
    'class secure (Sensitive[String] $db_password) {',
    `  file { '${dir}/db.conf': content => inline_epp('db=<%= $db %>\n', { db => $db_password }) }`,
    '}',
    '',
  ].join('\n'));
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(join(dir, 'manifests', 'site.pp'), 'include app, secure\n');
  cpSync(join(fixture, 'data'), join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'hiera.yaml'), readFileSync(join(fixture, 'hiera.yaml.in'), 'utf8').replaceAll('@KEYS@', join(fixture, 'keys')));
  writeFileSync(join(dir, 'facts.yaml'), 'role: web\nos:\n  family: Debian\n');
}

test('passwords from eyaml data reach their files and nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-sensitive-eyaml-'));
  try {
    site(dir);
    const out = captureOutput();
    const code = await main(['apply', join(dir, 'manifests', 'site.pp'), '--modulepath', join(dir, 'modules'), '--hiera-config', join(dir, 'hiera.yaml'),
      '--facts-override', join(dir, 'facts.yaml'), '--vardir', join(dir, 'var'), '--report', join(dir, 'report.json'), '--detailed-exitcodes'], out);
    assert.equal(code, 2, out.err);
    assert.equal(readFileSync(join(dir, 'plain.conf'), 'utf8'), 'pw=node-pw\n');
    assert.equal(readFileSync(join(dir, 'db.conf'), 'utf8'), 'db=db-pw\n');
    assert.deepEqual(leaks(out.out + out.err), [], `the output shows a secret:\n${out.out}${out.err}`);
    assert.match(out.err, /compile-time: \[redacted\]/);
    assert.match(out.out, /Notify\[plain\]\/message: defined 'message' as \[redacted\]|Notice: Sensitive \[value redacted\]/);
    const written = filesUnder(dir).filter((f) => !/\/(plain|db)\.conf$/.test(f) && !f.includes('/data/') && !f.includes('/bucket/') && !f.includes('/clientbucket/'));
    assert.ok(written.some((f) => f.endsWith('last_run_report.json')), `apply wrote: ${written.join(', ')}`);
    for (const f of written) assert.deepEqual(leaks(readFileSync(f, 'latin1')), [], `${f} shows a secret`);

    // The catalog the agent gets holds the values, each parameter marked sensitive.
    const compile = (role: string) => compileCatalog({
      environment: { name: 'production', manifest: join(dir, 'manifests', 'site.pp'), modulepath: [join(dir, 'modules')], hieraConfig: join(dir, 'hiera.yaml') },
      node: 'web01.example.com',
      facts: new Map<string, import('../../packages/compiler/src/values.ts').Value>([['role', role], ['os', new Map([['family', 'Debian']])]]),
    });
    const web = compile('web');
    const json = JSON.parse(stringifyCatalog(web));
    const sensitive = Object.fromEntries(json.resources.filter((r: { sensitive_parameters?: string[] }) => r.sensitive_parameters).map((r: { type: string; title: string; sensitive_parameters: string[] }) => [`${r.type}[${r.title}]`, r.sensitive_parameters]));
    assert.deepEqual(sensitive, {
      'Class[App]': ['password'],
      'Class[Secure]': ['db_password'],
      [`File[${dir}/plain.conf]`]: ['content'],
      'Notify[plain]': ['message'],
      [`File[${dir}/db.conf]`]: ['content'],
    });
    const storage = sqliteStorage(join(dir, 'store.sqlite'));
    try {
      await storage.init();
      await storage.saveCatalog('web01.example.com', stringifyCatalog(web), String(web.version));
      await storage.saveReport('web01.example.com', JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    } finally {
      await storage.close();
    }
    for (const f of filesUnder(dir).filter((x) => x.includes('store.sqlite'))) assert.deepEqual(leaks(readFileSync(f, 'latin1')), [], `storage (${f}) shows a secret`);

    // Another role gets another password: the diff says the content changed, not to what.
    const report = diffCatalogs({ info: { ref: 'web', resolved: 'web' }, catalog: web }, { info: { ref: 'other', resolved: 'other' }, catalog: compile('other') });
    assert.ok(report.groups.length > 0, 'the diff shows the change');
    for (const [format, text] of [['terminal', renderTerminal(report)], ['json', renderJson(report)], ['markdown', renderMarkdown(report)], ['html', renderHtml(report)]]) {
      assert.deepEqual(leaks(text), [], `the ${format} diff shows a secret`);
    }
    assert.match(renderTerminal(report), /content: \(sensitive value changed\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a compile error that would show a decrypted value shows [redacted] instead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-sensitive-eyaml-'));
  try {
    site(dir);
    writeFileSync(join(dir, 'manifests', 'site.pp'), "$pw = lookup('app::password')\nfail(\"the password ${pw} is not allowed\")\n");
    const compile = () => compileCatalog({
      environment: { name: 'production', manifest: join(dir, 'manifests', 'site.pp'), modulepath: [join(dir, 'modules')], hieraConfig: join(dir, 'hiera.yaml') },
      node: 'web01.example.com',
      facts: new Map<string, import('../../packages/compiler/src/values.ts').Value>([['role', 'web']]),
    });
    assert.throws(compile, (e: Error & { args?: Record<string, unknown>; location?: { line: number } }) => {
      assert.match(e.message, /the password \[redacted\] is not allowed/);
      assert.deepEqual(leaks(JSON.stringify({ message: e.message, args: e.args })), []);
      assert.equal(e.location?.line, 2);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
