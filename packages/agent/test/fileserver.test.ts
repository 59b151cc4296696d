// The agent's side of the master's file server, on a recorded master: the requests are Puppet
// 7's (what puppetserver accepts), recursive sources become a resource per file, sources are
// read by metadata first; the catalog request is Puppet's form; a CRL names revoked serials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from '@kasper/ca';
import { Catalog } from '@kasper/catalog';
import { applyCatalog, catalogForm, expandRecursiveSources, FileServer, isRevoked, revokedSerials, type Metadata } from '../src/index.ts';

const sum = (text: string) => `{sha256}${createHash('sha256').update(text).digest('hex')}`;

/** A master serving `files` (mount path → text; a trailing `/` marks a folder), recording what it is asked. */
function recordedMaster(files: Record<string, string>) {
  const asked: string[] = [];
  const get = async (path: string, accept: string) => {
    asked.push(`${accept} ${path}`);
    const url = new URL(path, 'https://master');
    const m = /^\/puppet\/v3\/(file_metadatas?|file_content)\/(.*)$/.exec(url.pathname)!;
    const [, what, raw] = m;
    const mp = decodeURIComponent(raw);
    const none = { status: 404, body: Buffer.from('{"message":"Not Found: Could not find it","issue_kind":"RESOURCE_NOT_FOUND"}') };
    if (what === 'file_content') {
      if (accept !== 'application/octet-stream') return { status: 406, body: Buffer.from('{"message":"Not Acceptable"}') };
      return files[mp] === undefined ? none : { status: 200, body: Buffer.from(files[mp]) };
    }
    const meta = (rel: string | null, key: string): Metadata => key.endsWith('/') || files[`${key}/`] !== undefined
      ? { relative_path: rel, type: 'directory', checksum: { type: 'ctime', value: '{ctime}x' } }
      : { relative_path: rel, type: 'file', mode: 0o644, checksum: { type: 'sha256', value: sum(files[key]) } };
    if (what === 'file_metadata') return files[mp] === undefined ? none : { status: 200, body: Buffer.from(JSON.stringify(meta(null, mp))) };
    if (files[`${mp}/`] === undefined && files[mp] === undefined) return none;
    const listing = [meta('.', `${mp}/`), ...Object.keys(files).filter((k) => k.startsWith(`${mp}/`) && k !== `${mp}/`)
      .map((k) => meta(k.slice(mp.length + 1).replace(/\/$/, ''), k))];
    return { status: 200, body: Buffer.from(JSON.stringify(listing)) };
  };
  return { get, asked };
}

function fileResource(c: Catalog, path: string, params: Record<string, unknown>): void {
  c.add({ type: 'File', title: path, tags: ['file', 'site'], file: '/site.pp', line: 1, exported: false, kind: 'compilable_type', parameters: new Map(Object.entries(params) as [string, never][]) });
  c.addEdge('Class[Site]', `File[${path}]`);
}

function siteCatalog(): Catalog {
  const c = new Catalog('node1.test', 'production', 1);
  c.add({ type: 'Class', title: 'Site', tags: ['class'], exported: false, parameters: new Map() });
  return c;
}

test('a source is read by its metadata first, and downloaded only when no managed file has its checksum', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-fs-'));
  const master = recordedMaster({ 'modules/site/a.txt': 'from the module\n' });
  const c = siteCatalog();
  fileResource(c, join(dir, 'a.txt'), { source: ['puppet:///modules/site/missing.txt', 'puppet:///modules/site/a.txt'] });
  const files = new FileServer(master.get, 'production');
  const report = await applyCatalog(c, { vardir: join(dir, 'var'), noop: false, modulepath: [], readSource: files.reader(c), osFamily: 'Debian' });
  assert.equal(report.status, 'changed', JSON.stringify(report.logs));
  assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'from the module\n');
  assert.deepEqual(master.asked, [
    'application/json /puppet/v3/file_metadata/modules/site/missing.txt?links=manage&checksum_type=sha256&source_permissions=ignore&environment=production',
    'application/json /puppet/v3/file_metadata/modules/site/a.txt?links=manage&checksum_type=sha256&source_permissions=ignore&environment=production',
    'application/octet-stream /puppet/v3/file_content/modules/site/a.txt?environment=production',
  ]);
  // In sync: metadata only.
  master.asked.length = 0;
  const again = await applyCatalog(c, { vardir: join(dir, 'var'), noop: false, modulepath: [], readSource: new FileServer(master.get, 'production').reader(c), osFamily: 'Debian' });
  assert.equal(again.status, 'unchanged');
  assert.ok(master.asked.every((a) => a.includes('/file_metadata/')), master.asked.join('\n'));
});

test('a recursive puppet:/// source becomes a resource per file and folder, purging what the source lacks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-fs-'));
  const master = recordedMaster({
    'modules/site/conf.d/': '', 'modules/site/conf.d/x.conf': 'x = 1\n', 'modules/site/conf.d/sub/': '', 'modules/site/conf.d/sub/y.conf': 'y = 2\n',
    'modules/site/conf.d/mine.conf': 'from the source\n',
  });
  const out = join(dir, 'conf');
  mkdirSync(join(out, 'old/deeper'), { recursive: true });
  writeFileSync(join(out, 'stale.conf'), 'stale\n');
  writeFileSync(join(out, 'keep.swp'), 'ignored\n');
  const c = siteCatalog();
  fileResource(c, out, { ensure: 'directory', recurse: true, purge: true, force: true, ignore: '*.swp', source: 'puppet:///modules/site/conf.d', notify: 'Notify[changed]' });
  fileResource(c, join(out, 'mine.conf'), { content: 'declared wins\n' });
  c.add({ type: 'Notify', title: 'changed', tags: ['notify'], exported: false, parameters: new Map() });
  c.add({ type: 'Notify', title: 'after', tags: ['notify'], exported: false, parameters: new Map([['require', `File[${out}]`]]) });
  const files = new FileServer(master.get, 'production');
  const failures = await expandRecursiveSources(c, (s, o) => files.list(s, o));
  assert.deepEqual([...failures], []);
  const refs = c.resources.map((r) => `${r.type}[${r.title}]`);
  assert.deepEqual(refs.slice(1, 8), [`File[${out}]`, `File[${out}/x.conf]`, `File[${out}/sub]`, `File[${out}/sub/y.conf]`, `File[${out}/old]`, `File[${out}/stale.conf]`, `File[${out}/mine.conf]`]);
  const child = c.find('File', `${out}/sub/y.conf`)!;
  assert.equal(child.parameters.get('source'), 'puppet:///modules/site/conf.d/sub/y.conf');
  assert.equal(child.parameters.get('notify'), 'Notify[changed]', 'a child notifies whom its parent notifies');
  assert.equal(child.parameters.get('force'), true);
  assert.equal(c.find('File', `${out}/old`)!.parameters.get('ensure'), 'absent');
  assert.equal(c.find('File', `${out}/old/deeper`), undefined, 'a purged folder goes as a whole');
  assert.equal(c.find('File', `${out}/keep.swp`), undefined, 'ignored names are not purged');
  assert.ok(c.edges.some((e) => e.source === 'Class[Site]' && e.target === `File[${out}/x.conf]`), 'children are contained where the parent is');
  assert.ok((c.find('Notify', 'after')!.parameters.get('require') as string[]).includes(`File[${out}/sub/y.conf]`));

  const report = await applyCatalog(c, { vardir: join(dir, 'var'), noop: false, modulepath: [], readSource: files.reader(c), osFamily: 'Debian' });
  assert.equal(report.status, 'changed', JSON.stringify(report.logs, null, 1));
  assert.equal(readFileSync(join(out, 'sub/y.conf'), 'utf8'), 'y = 2\n');
  assert.equal(readFileSync(join(out, 'mine.conf'), 'utf8'), 'declared wins\n');
  assert.equal(existsSync(join(out, 'stale.conf')), false);
  assert.equal(existsSync(join(out, 'old')), false);
  assert.equal(existsSync(join(out, 'keep.swp')), true);
  // The listing told the checksums: no file_metadata per file.
  assert.ok(!master.asked.some((a) => a.includes('/file_metadata/')), master.asked.join('\n'));
  assert.ok(master.asked.includes('application/json /puppet/v3/file_metadatas/modules/site/conf.d?recurse=true&max_files=0&ignore=*.swp&links=manage&checksum_type=sha256&source_permissions=ignore&environment=production'), master.asked.join('\n'));
});

test('a recursive source the master does not have fails its resource, and what depends on it is skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-fs-'));
  const master = recordedMaster({});
  const c = siteCatalog();
  fileResource(c, join(dir, 'conf'), { ensure: 'directory', recurse: true, source: 'puppet:///modules/site/nope' });
  fileResource(c, join(dir, 'after'), { content: 'x', require: `File[${join(dir, 'conf')}]` });
  const files = new FileServer(master.get, 'production');
  const report = await applyCatalog(c, { vardir: join(dir, 'var'), noop: false, modulepath: [], readSource: files.reader(c), listSource: (s, o) => files.list(s, o), osFamily: 'Debian' });
  assert.equal(report.resource_statuses[`File[${join(dir, 'conf')}]`].failed, true);
  assert.equal(report.resource_statuses[`File[${join(dir, 'after')}]`].skipped, true);
  assert.ok(report.logs.some((l) => l.level === 'err' && l.message === 'Could not retrieve information from environment production source(s) puppet:///modules/site/nope'), JSON.stringify(report.logs));
});

test('the catalog request is Puppet 7\'s form: facts as JSON, URL-encoded twice', () => {
  const body = new URLSearchParams(catalogForm('node1.test', { site_zone: 'blue & green', n: 1 }, 'production', 'u-1'));
  assert.equal(body.get('facts_format'), 'application/json');
  assert.equal(body.get('environment'), 'production');
  assert.equal(body.get('transaction_uuid'), 'u-1');
  assert.equal(body.get('static_catalog'), 'false');
  const facts = JSON.parse(decodeURIComponent(body.get('facts')!));
  assert.equal(facts.name, 'node1.test');
  assert.deepEqual(facts.values, { site_zone: 'blue & green', n: 1 });
});

test('a CRL names the serials it revokes', () => {
  const ca = new CertificateAuthority(mkdtempSync(join(tmpdir(), 'kasper-crl-')));
  ca.setup();
  const a = ca.generate('a.test').certPem;
  const b = ca.generate('b.test').certPem;
  assert.deepEqual([...revokedSerials(ca.crlPem())], []);
  ca.revoke('a.test');
  assert.deepEqual([...revokedSerials(ca.crlPem())], [new X509Certificate(a).serialNumber.replace(/^0+/, '')]);
  assert.equal(isRevoked(a, ca.crlPem()), true);
  assert.equal(isRevoked(b, ca.crlPem()), false);
});
