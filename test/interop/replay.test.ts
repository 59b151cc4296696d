// What a stock Puppet 7 agent sent the Kasper master in one full run (recorded from the real
// agent by record.sh, not written by hand), played back with inject(): no Puppet, no network.
// Every answer must match the recorded one in status, content type and shape (the keys of a
// JSON object, the relative paths of a metadata listing, the resources of a catalog).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltMaster, type Exchange } from '@kasper/master';
import { writeSite } from './site.ts';
import { buildHeaderMaster } from '../../test/support/master.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-replay-'));
const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/puppet-agent-run.json'), 'utf8')) as Exchange[];
const site = writeSite(join(work, 'master'), join(work, 'out'));
let master: BuiltMaster;

before(async () => {
  master = await buildHeaderMaster(work, { confdir: join(work, 'master'), vardir: join(work, 'master/var'), certname: 'localhost', dnsAltNames: ['localhost'], environmentpath: site.environmentpath, externalNodes: site.classifier });
  // The state the agent found: its request signed, so its re-submission is refused.
  const csr = recorded.find((e) => e.url.startsWith('/puppet-ca/v1/certificate_request/'))!;
  master.ca!.submit(csr.requestBody, 'agent1.test');
  master.ca!.sign('agent1.test');
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What must be equal between the recorded answer and today's. */
function shape(type: string | undefined, body: string): unknown {
  if (!type?.startsWith('application/json')) return type?.startsWith('text/plain') ? body.slice(0, 27) : body;
  const v = JSON.parse(body);
  if (Array.isArray(v)) return v.map((m) => (m && typeof m === 'object' && 'relative_path' in m ? `${m.relative_path}:${m.type}` : typeof m));
  if (v && Array.isArray(v.resources)) return v.resources.map((r: { type: string; title: string }) => `${r.type}[${r.title}]`).sort();
  return Object.keys(v).sort();
}

test('the recorded run of a stock Puppet 7 agent replays with the same answers', async () => {
  assert.ok(recorded.length >= 10, 'a whole run was recorded');
  const here = (s: string) => s.split('WORK').join(work);
  for (const e of recorded) {
    const res = await master.app.inject({
      method: e.method as 'GET', url: here(e.url), payload: e.requestBody ? here(e.requestBody) : undefined,
      headers: { ...(e.requestType ? { 'content-type': e.requestType } : {}), ...(e.certname ? { 'x-test-certname': e.certname } : {}), 'accept-encoding': 'identity' },
    });
    const what = `${e.method} ${e.url.slice(0, 100)}`;
    assert.equal(res.statusCode, e.status, `${what}: ${res.body.slice(0, 300)}`);
    const media = (t: unknown) => String(t ?? '').split(';')[0];
    assert.equal(media(res.headers['content-type']), media(e.responseType), what);
    const now = shape(String(res.headers['content-type']), res.body);
    const then = shape(e.responseType, here(e.responseBody));
    // An object may have gained keys (error bodies gained `code`); it must keep every recorded one.
    if (Array.isArray(then) && then.every((k) => typeof k === 'string') && e.responseType?.startsWith('application/json') && !Array.isArray(JSON.parse(e.responseBody)) && !('resources' in JSON.parse(e.responseBody))) {
      for (const key of then as string[]) assert.ok((now as string[]).includes(key), `${what}: the answer keeps ${key}`);
    } else {
      assert.deepEqual(now, then, what);
    }
  }
});
