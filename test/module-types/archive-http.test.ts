// archive over http (Puppet's differential cannot hold a server, so this one is Kasper's alone):
// a download from a local HTTP server, checked against a checksum_url, extracted; a 404 fails the
// resource alone and leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../packages/catalog/src/index.ts';
import { Registry, SystemExecutor, detectHost } from '../../packages/providers/src/index.ts';
import { Transaction } from '../../packages/agent/src/index.ts';

test('archive: http download checked against checksum_url, extracted; a 404 fails alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-archive-http-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src/pkg'), { recursive: true });
  writeFileSync(join(dir, 'src/pkg/hello.txt'), 'hello\n');
  execFileSync('tar', ['-czf', join(dir, 'pkg.tar.gz'), '-C', join(dir, 'src'), 'pkg']);
  const tarball = readFileSync(join(dir, 'pkg.tar.gz'));
  const sum = createHash('sha256').update(tarball).digest('hex');
  const server = createServer((req, res) => {
    if (req.url === '/pkg.tar.gz') res.end(tarball);
    else if (req.url === '/pkg.tar.gz.sha256') res.end(`${sum}  pkg.tar.gz\n`);
    else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  mkdirSync(join(dir, 'opt'));
  const catalog = () => {
    const c = new Catalog('a.example.com', 'production', 1);
    c.add({ type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: new Map() });
    const add = (title: string, params: Record<string, string | boolean>) => {
      c.add({ type: 'Archive', title, tags: [], exported: false, kind: 'compilable_type', parameters: new Map(Object.entries(params)) });
      c.addEdge('Class[main]', `Archive[${title}]`);
    };
    add(join(dir, 'pkg.tgz.dl.tar.gz'), { source: `${base}/pkg.tar.gz`, checksum_url: `${base}/pkg.tar.gz.sha256`, checksum_type: 'sha256',
      extract: true, extract_path: join(dir, 'opt'), creates: join(dir, 'opt/pkg/hello.txt'), cleanup: true });
    add(join(dir, 'missing.tar.gz'), { source: `${base}/missing.tar.gz` });
    return c;
  };
  const run = async () => {
    const lines: string[] = [];
    const report = await new Transaction(catalog(), { registry: new Registry(), host: detectHost(), exec: new SystemExecutor(), bucketDir: join(dir, 'bucket'),
      onLog: (l, s, m) => lines.push(`${l} ${s}: ${m}`) }).run();
    return { report, lines };
  };
  const first = await run();
  assert.equal(readFileSync(join(dir, 'opt/pkg/hello.txt'), 'utf8'), 'hello\n', first.lines.join('\n'));
  assert.equal(existsSync(join(dir, 'pkg.tgz.dl.tar.gz')), false, 'cleaned up after extraction');
  assert.ok(first.lines.some((l) => l.startsWith('err') && l.includes('missing.tar.gz') && l.includes('404')), first.lines.join('\n'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('kasper')), [], 'no temporary download left');
  const second = await run();
  assert.equal(second.report.statuses.filter((s) => s.changed).length, 0, second.lines.join('\n'));
});
