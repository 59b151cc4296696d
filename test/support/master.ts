// A master built in process, without a socket (requests go through `master.app.inject`), whose
// clients are named by an `x-test-certname` header standing in for a verified TLS client
// certificate: a node with a certificate of the master's CA presents it, the others the master's.
// The tests of routes, exported resources, hostile names and deploys share it.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
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
