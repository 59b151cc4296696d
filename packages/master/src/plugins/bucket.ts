// The server-side filebucket: agents back up files they replace (`backup => 'puppet'` and
// `puppet filebucket backup`), as file_bucket_file GET/HEAD/PUT. Contents are stored under
// <vardir>/bucket by checksum, as Puppet lays them out, and a PUT whose body does not match its
// checksum is refused.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { safeJoin, writeFileAtomic } from '@kasper/files';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';
import { ENVIRONMENT_QUERY, ERROR_RESPONSES } from '../names.ts';
import { requireCertificate } from './authenticated.ts';

const ALGORITHMS: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha224: 56, sha384: 96, sha512: 128 };
const PARAMS = {
  type: 'object',
  properties: {
    algorithm: { type: 'string', enum: Object.keys(ALGORITHMS) },
    checksum: { type: 'string', pattern: '^[0-9a-f]{32,128}$' },
    // The original path, kept as a label in the bucket's `paths` file; never used as a path here.
    '*': { type: 'string', maxLength: 4096, pattern: '^[^\\u0000-\\u001f]*$' },
  },
  required: ['algorithm', 'checksum'],
  additionalProperties: false,
} as const;

type BucketRoute = { Params: { algorithm: string; checksum: string; '*'?: string } };

export async function bucketPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  requireCertificate(app, ctx);
  const base = join(ctx.config.vardir, 'bucket');
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  /** <bucket>/<algorithm>/a/b/c/d/e/f/g/h/<checksum>/ for a checksum of the right length. */
  const dirOf = (algorithm: string, checksum: string): string => {
    if (checksum.length !== ALGORITHMS[algorithm]) throw raise('KSP-MASTER-014', { algorithm, digits: ALGORITHMS[algorithm] });
    return safeJoin(base, [algorithm, ...checksum.slice(0, 8).split(''), checksum]);
  };
  const schema = { params: PARAMS, querystring: ENVIRONMENT_QUERY, response: { ...ERROR_RESPONSES } };

  for (const suffix of ['', '/*']) {
    // HEAD first: whether the bucket holds a content, without sending it.
    app.head<BucketRoute>(`/puppet/v3/file_bucket_file/:algorithm/:checksum${suffix}`, { schema }, async (req, reply) => {
      const file = join(dirOf(req.params.algorithm, req.params.checksum), 'contents');
      return reply.code(existsSync(file) ? 200 : 404).send();
    });

    app.get<BucketRoute>(`/puppet/v3/file_bucket_file/:algorithm/:checksum${suffix}`, { schema, exposeHeadRoute: false }, async (req, reply) => {
      const file = join(dirOf(req.params.algorithm, req.params.checksum), 'contents');
      if (!existsSync(file)) throw raise('KSP-MASTER-013', { what: 'file_bucket_file', path: `${req.params.algorithm}/${req.params.checksum}` });
      return reply.type('application/octet-stream').send(readFileSync(file));
    });

    app.put<BucketRoute & { Body: Buffer }>(`/puppet/v3/file_bucket_file/:algorithm/:checksum${suffix}`, {
      schema: { ...schema, response: { 200: { type: 'string' }, ...ERROR_RESPONSES } },
    }, async (req, reply) => {
      const { algorithm, checksum } = req.params;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
      if (createHash(algorithm).update(body).digest('hex') !== checksum) throw raise('KSP-MASTER-015', { algorithm, checksum });
      const dir = dirOf(algorithm, checksum);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, 'contents');
      if (!existsSync(file)) writeFileAtomic(file, body, 0o600);
      const path = req.params['*'];
      if (path) {
        const paths = join(dir, 'paths');
        const known = existsSync(paths) ? readFileSync(paths, 'utf8').split('\n') : [];
        if (!known.includes(path)) appendFileSync(paths, `${path}\n`, { mode: 0o600 });
      }
      return reply.type('text/plain').send('');
    });
  }
}
