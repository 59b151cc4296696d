// A master built in process, without a socket (requests go through `master.app.inject`), whose
// clients are named by an `x-test-certname` header standing in for a verified TLS client
// certificate: a node with a certificate of the master's CA presents it, the others the master's.
// The tests of routes, exported resources, hostile names and deploys share it.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { buildMaster, type BuiltMaster, type MasterConfig } from '../../packages/master/src/index.ts';

/** The header that names the client. */
export const CERTNAME_HEADER = 'x-test-certname';

export async function buildHeaderMaster(work: string, config: Partial<MasterConfig> = {}): Promise<BuiltMaster> {
  const master: BuiltMaster = await buildMaster({
    confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.test',
    dnsAltNames: [], environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, ...config,
  }, {
    identify: (req) => {
      const name = req.headers[CERTNAME_HEADER];
      if (typeof name !== 'string') return { refused: 'no client certificate' };
      const pem = master.ca!.certificatePem(name) ?? master.ca!.certificatePem(config.certname ?? 'master.test')!;
      return { certname: name, fingerprint: name, der: new X509Certificate(pem).raw };
    },
  });
  return master;
}

/**
 * A header master serving one production site (`site` as its site.pp), built before the test
 * file's tests and closed, its folder removed, after them. `master` is set once `before` ran.
 */
export function siteHeaderMaster(prefix: string, site: string): { work: string; master: BuiltMaster } {
  const holder = { work: mkdtempSync(join(tmpdir(), prefix)), master: undefined as unknown as BuiltMaster };
  before(async () => {
    mkdirSync(join(holder.work, 'envs/production/manifests'), { recursive: true });
    writeFileSync(join(holder.work, 'envs/production/manifests/site.pp'), site);
    holder.master = await buildHeaderMaster(holder.work);
  });
  after(async () => {
    await holder.master?.close();
    rmSync(holder.work, { recursive: true, force: true });
  });
  return holder;
}

/** A node's catalog request (facts: only `kernel`) as that node; the status and the parsed body. */
export async function requestCatalog(master: BuiltMaster, node: string, kernel = 'Linux'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await master.app.inject({
    method: 'POST', url: `/puppet/v3/catalog/${node}?environment=production`, payload: JSON.stringify({ facts: { values: { kernel } } }),
    headers: { [CERTNAME_HEADER]: node, 'content-type': 'application/json' },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}
