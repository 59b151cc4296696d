// Puppet's file server for agents with a certificate: `file_metadata`, `file_metadatas` and
// `file_content` for the `modules`, `plugins` (every module's lib/: pluginsync) and
// `pluginfacts` (every module's facts.d/) mounts, with recurse, recurselimit, ignore, links,
// checksum_type and source_permissions as Puppet 7 agents send them.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { MOUNTS, listMount, resolveMountPath } from '@kasper/compiler';
import type { MasterContext } from '../context.ts';
import { raise } from '../messages.ts';
import { environment } from '../environments.ts';
import { CHECKSUM_TYPES, fileMetadata, type ChecksumType, type MetadataOptions } from '../file-metadata.ts';
import { ENVIRONMENT, ERROR_RESPONSES, MOUNT_PATH } from '../names.ts';
import { requireCertificate } from './authenticated.ts';

const PARAMS = {
  type: 'object', properties: { mount: { type: 'string', enum: [...MOUNTS] }, '*': MOUNT_PATH }, required: ['mount'], additionalProperties: false,
} as const;
const BOOLEANISH = { type: 'string', enum: ['true', 'false', 'remote', 'inf'] } as const;
const QUERY = {
  type: 'object',
  properties: {
    environment: ENVIRONMENT,
    links: { type: 'string', enum: ['manage', 'follow'] },
    checksum_type: { type: 'string', enum: [...CHECKSUM_TYPES] },
    source_permissions: { type: 'string', enum: ['ignore', 'use', 'use_when_creating'] },
    recurse: BOOLEANISH,
    recurselimit: { type: 'integer', minimum: 0, maximum: 10_000 },
    max_files: { type: 'integer', minimum: -1 },
    ignore: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'array', items: { type: 'string', maxLength: 1024 }, maxItems: 100 }] },
  },
  additionalProperties: true,
} as const;

interface FileQuery {
  environment?: string;
  links?: 'manage' | 'follow';
  checksum_type?: ChecksumType;
  source_permissions?: MetadataOptions['sourcePermissions'];
  recurse?: string;
  recurselimit?: number;
  max_files?: number;
  ignore?: string | string[];
}
type FileRoute = { Params: { mount: string; '*'?: string }; Querystring: FileQuery };

export async function filesPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  requireCertificate(app, ctx);
  const { config } = ctx;
  const modulepath = (q: FileQuery) => environment(config, q.environment ?? 'production').modulepath;
  const options = (q: FileQuery): MetadataOptions => ({
    links: q.links ?? 'manage', checksumType: q.checksum_type ?? 'sha256', sourcePermissions: q.source_permissions ?? 'ignore',
  });
  const notFound = (mount: string, path: string) => raise('KSP-MASTER-013', { what: 'file_metadata', path: `${mount}/${path}` });
  const schema = { params: PARAMS, querystring: QUERY, response: { ...ERROR_RESPONSES } };

  for (const suffix of ['', '/*']) {
    app.get<FileRoute>(`/puppet/v3/file_metadata/:mount${suffix}`, { schema }, async (req, reply) => {
      const path = req.params['*'] ?? '';
      const entry = resolveMountPath(modulepath(req.query), req.params.mount, path);
      if (!entry) throw notFound(req.params.mount, path);
      return reply.type('application/json').send(fileMetadata(entry.path, entry.path, null, options(req.query)));
    });

    app.get<FileRoute>(`/puppet/v3/file_metadatas/:mount${suffix}`, { schema }, async (req, reply) => {
      const q = req.query;
      const path = req.params['*'] ?? '';
      const env = environment(config, q.environment ?? 'production');
      const dir = env.directory!;
      const listed = listMount(env.modulepath, req.params.mount, path, {
        recurse: q.recurse === 'true' || q.recurse === 'remote' || q.recurse === 'inf',
        recurselimit: q.recurselimit, maxFiles: q.max_files,
        ignore: q.ignore === undefined ? [] : [q.ignore].flat().flatMap((i) => i.split(/\s+/)).filter(Boolean),
      });
      const o = options(q);
      // An environment whose modules have no lib/ (or facts.d/) still has a plugins mount: its
      // root is an empty listing, as Puppet answers, so pluginsync finds nothing rather than fails.
      if (listed.length === 0 && req.params.mount !== 'modules' && path === '') {
        return reply.type('application/json').send([{ ...fileMetadata(dir, dir, '.', o), path: dir }]);
      }
      if (listed.length === 0) throw notFound(req.params.mount, path);
      return reply.type('application/json').send(listed.map((l) => fileMetadata(l.entry.root, l.entry.path, l.relative, o)));
    });
  }

  app.get<FileRoute>('/puppet/v3/file_content/:mount/*', { schema }, async (req, reply) => {
    const path = req.params['*'] ?? '';
    const entry = resolveMountPath(modulepath(req.query), req.params.mount, path);
    if (!entry || !entry.stat.isFile()) throw raise('KSP-MASTER-013', { what: 'file_content', path: `${req.params.mount}/${path}` });
    return reply.type('application/octet-stream').send(readFileSync(entry.path));
  });
}
