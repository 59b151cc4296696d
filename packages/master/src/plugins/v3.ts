// Puppet's v3 routes for agents with a certificate: catalogs (compiled in workers, cached),
// reports and facts. Files are served by the files plugin.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { X509Certificate } from 'node:crypto';
import { certificateExtensions } from '@kasper/ca';
import { trustedData } from '@kasper/compiler';
import type { MasterContext } from '../context.ts';
import { serverFactsOf } from '../config.ts';
import { KasperError, formatMessage } from '@kasper/diagnostics';
import { MASTER_MESSAGES, raise } from '../messages.ts';
import { nestsDeeperThan, MAX_DEPTH } from '../depth.ts';
import { classify } from '../classifier.ts';
import { environment as environmentNamed } from '../environments.ts';
import { parseFactsParam } from '../facts-param.ts';
import type { Identity } from '../identity.ts';
import { ENVIRONMENT, ENVIRONMENT_QUERY, isEnvironmentName, ERROR_RESPONSES, NODE_PARAMS } from '../names.ts';
import { requireCertificate } from './authenticated.ts';

const FACTS = { type: 'object' } as const;
const CATALOG_BODY = {
  type: 'object',
  properties: { facts: FACTS, environment: ENVIRONMENT },
  required: ['facts'],
} as const;
const CATALOG_QUERY = {
  type: 'object', properties: { environment: ENVIRONMENT, facts: { type: 'string' }, facts_format: { type: 'string' } }, additionalProperties: true,
} as const;
const NODE_ANSWER = {
  type: 'object',
  properties: { name: { type: 'string' }, environment: { type: 'string' }, classes: { type: 'object', additionalProperties: true }, parameters: { type: 'object', additionalProperties: true } },
  required: ['name', 'environment'],
} as const;
const ENVIRONMENTS_ANSWER = {
  type: 'object',
  properties: { search_paths: { type: 'array', items: { type: 'string' } }, environments: { type: 'object', additionalProperties: true } },
} as const;
const REPORT_BODY = {
  type: 'object',
  properties: { status: { type: 'string' }, time: { type: 'string' } },
  required: ['status', 'time'],
} as const;

interface Trusted {
  facts: Record<string, unknown>;
  json: string;
}

/** A form or query value that is a non-empty string, else undefined. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function v3Plugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  const { config, storage, pool, metrics, catalogCache, codeVersions } = ctx;
  // The same for every compile of this master, as Puppet's are (computed once).
  const serverFacts = serverFactsOf(config);
  requireCertificate(app, ctx);

  app.addHook('preValidation', async (req) => {
    if (req.body && typeof req.body === 'object' && nestsDeeperThan(req.body, MAX_DEPTH)) {
      throw raise('KSP-MASTER-008', { max: MAX_DEPTH });
    }
  });


  // Parsing a certificate's extensions is slow; a client shows the same certificate every run.
  const trustedByCert = new Map<string, Trusted>();
  const trustedFacts = (id: Identity): Trusted => {
    let t = trustedByCert.get(id.fingerprint);
    if (!t) {
      const extensions = certificateExtensions(new X509Certificate(id.der).toString());
      const facts = trustedData(id.certname, { authenticated: 'remote', extensions });
      t = { facts, json: JSON.stringify(facts) };
      if (trustedByCert.size >= 10_000) trustedByCert.delete(trustedByCert.keys().next().value!);
      trustedByCert.set(id.fingerprint, t);
    }
    return t;
  };
  // Facts unchanged since this master saved them, within a minute, are not written again — if
  // they are still the node's latest in the store (another master sharing it may have saved
  // others since: an agent that went there and came back).
  const factsSaved = new Map<string, { digest: string; at: number; factsAt: string }>();

  /**
   * A node's catalog: classified (the classifier's environment wins over the one asked for),
   * its facts saved, compiled in a worker or taken from the cache, sent gzipped when accepted.
   */
  const serveCatalog = async (req: FastifyRequest, reply: FastifyReply, factsIn: unknown, asked: string | undefined, transactionUuid?: string) => {
    const name = req.identity!.certname;
    const facts = factsIn && typeof factsIn === 'object' && 'values' in factsIn ? (factsIn as { values: unknown }).values : factsIn;
    if (!facts || typeof facts !== 'object' || Array.isArray(facts)) throw raise('KSP-MASTER-007');
    const classification = await classify(config.externalNodes, name);
    const environment = classification.environment ?? asked ?? 'production';
    const env = environmentNamed(config, environment);
    const factsJson = JSON.stringify(facts);
    const factsDigest = createHash('sha256').update(`${environment}\0${factsJson}`).digest('hex');
    const trusted = trustedFacts(req.identity!);
    const classJson = config.externalNodes ? JSON.stringify(classification) : '';
    const key = createHash('sha256').update(`${environment}\0${codeVersions.get(env.directory!)}\0${name}\0${factsDigest}\0${trusted.json}\0${classJson}`).digest('hex');
    let result = catalogCache.get(name, key);
    const saved = factsSaved.get(name);
    const fresh = saved !== undefined && saved.digest === factsDigest && Date.now() - saved.at <= 60_000;
    // What the store holds as the node's latest, when this master would skip writing something.
    const marks = fresh || result ? await storage.marks(name) : undefined;
    if (!fresh || marks?.factsAt !== saved!.factsAt) {
      // $trusted is stored beside the facts (PuppetDB answers it as the `trusted` fact).
      const factsAt = await storage.saveFacts(name, facts as Record<string, unknown>, environment, { trusted: trusted.facts, producer: config.certname });
      factsSaved.set(name, { digest: factsDigest, at: Date.now(), factsAt });
    }
    if (result) {
      metrics.cacheHits++;
      // Another master stored a catalog for this node since (other facts, other code): the one
      // served now becomes the latest again, so the store (and the exports others collect) is
      // what the agent applies.
      if (marks?.catalogId !== result.storedId) {
        result.storedId = await storage.saveCatalog(name, result.stored ?? result.catalog, result.version, { transactionUuid, environment, producer: config.certname });
      }
    } else {
      const out = await pool.compile({
        environment: env,
        node: name, factsJson, trusted: trusted.facts, classifierYaml: classification.yaml, serverFacts,
      });
      if ('error' in out) {
        metrics.compileErrors++;
        const l = out.error.location;
        const where = l ? ` (file: ${l.file}, line: ${l.line}, column: ${l.column})` : '';
        req.log.warn({ node: name, error: out.error }, 'compile failed');
        // The answer carries the compiler's own code and place.
        throw new KasperError(out.error.code, formatMessage(MASTER_MESSAGES.messages['KSP-MASTER-009'].message, { node: name, reason: `${out.error.message}${where}` }), { location: l, status: 500 });
      }
      // The cache keeps what the agent gets; the store the whole catalog, exported resources too.
      const storedId = await storage.saveCatalog(name, out.stored ?? out.catalog, out.version, { transactionUuid, environment, producer: config.certname });
      result = { catalog: out.catalog, gzip: out.gzip, version: out.version, stored: out.stored, storedId };
      // A catalog that collected other nodes' exports changes when they do: compiled every time.
      if (!out.collectedExports) catalogCache.set(name, key, result);
    }
    metrics.catalogs++;
    reply.type('application/json').header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(Buffer.from(result.gzip.buffer, result.gzip.byteOffset, result.gzip.byteLength));
    }
    return reply.send(result.catalog);
  };

  // Puppet 7 agents POST the facts as a form (see the body parser); Kasper's agent as JSON.
  app.post<{ Params: { node: string }; Querystring: { environment?: string }; Body: { facts: Record<string, unknown>; environment?: string; transaction_uuid?: unknown } }>(
    '/puppet/v3/catalog/:node', {
      config: { serves: 'the catalog' },
      schema: { params: NODE_PARAMS, querystring: ENVIRONMENT_QUERY, body: CATALOG_BODY, response: { ...ERROR_RESPONSES } },
    }, async (req, reply) => serveCatalog(req, reply, req.body.facts, req.query.environment ?? req.body.environment, str(req.body.transaction_uuid)));

  // The older form: the same parameters in the query string.
  app.get<{ Params: { node: string }; Querystring: { environment?: string; facts?: string } }>('/puppet/v3/catalog/:node', {
    config: { serves: 'the catalog' },
    schema: { params: NODE_PARAMS, querystring: CATALOG_QUERY, response: { ...ERROR_RESPONSES } },
  }, async (req, reply) => serveCatalog(req, reply, parseFactsParam(req.query.facts), req.query.environment, str((req.query as { transaction_uuid?: unknown }).transaction_uuid)));

  // What the agent asks first: its environment (the classifier's wins), classes and parameters.
  app.get<{ Params: { node: string }; Querystring: { environment?: string } }>('/puppet/v3/node/:node', {
    config: { serves: 'the node definition' },
    schema: { params: NODE_PARAMS, querystring: ENVIRONMENT_QUERY, response: { 200: NODE_ANSWER, ...ERROR_RESPONSES } },
  }, async (req, reply) => {
    const c = await classify(config.externalNodes, req.identity!.certname);
    const environment = c.environment ?? req.query.environment ?? 'production';
    environmentNamed(config, environment); // 404 for an environment that does not exist
    return reply.send({
      name: req.identity!.certname, environment,
      ...(Object.keys(c.classes).length ? { classes: c.classes } : {}),
      ...(Object.keys(c.parameters).length ? { parameters: c.parameters } : {}),
    });
  });

  app.get('/puppet/v3/environments', { schema: { response: { 200: ENVIRONMENTS_ANSWER, ...ERROR_RESPONSES } } }, async (_req, reply) => {
    const environments: Record<string, unknown> = {};
    for (const name of readdirSync(config.environmentpath).sort()) {
      if (!isEnvironmentName(name) || !statSync(join(config.environmentpath, name), { throwIfNoEntry: false })?.isDirectory()) continue;
      const env = environmentNamed(config, name);
      environments[name] = { settings: { modulepath: env.modulepath, manifest: env.manifest, environment_timeout: 0, config_version: env.codeId ?? '' } };
    }
    return reply.send({ search_paths: [config.environmentpath], environments });
  });

  app.put<{ Params: { node: string }; Body: Record<string, unknown> }>('/puppet/v3/report/:node', {
    config: { serves: 'the reports' },
    schema: {
      params: NODE_PARAMS, body: REPORT_BODY,
      response: { 200: { type: 'array', items: { type: 'string' } }, ...ERROR_RESPONSES },
    },
  }, async (req, reply) => {
    const name = req.identity!.certname;
    const id = await storage.saveReport(name, { ...req.body, host: name } as never, { producer: config.certname });
    metrics.reports++;
    req.log.info({ node: name, report: id }, 'report stored');
    // A run an operator asked for (kasper run) is done.
    ctx.runs.reportStored(name, req.body);
    // Puppet's agent reads the answer as the list of report processors that ran (puppetserver's shape).
    return reply.send(['store']);
  });

  app.put<{ Params: { node: string }; Body: Record<string, unknown> }>('/puppet/v3/facts/:node', {
    config: { serves: 'the facts' },
    schema: { params: NODE_PARAMS, body: FACTS, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...ERROR_RESPONSES } },
  }, async (req, reply) => {
    const body = req.body;
    const values = 'values' in body ? body.values : body;
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw raise('KSP-MASTER-007');
    await storage.saveFacts(req.identity!.certname, values, undefined, { trusted: trustedFacts(req.identity!).facts, producer: config.certname });
    return reply.send({ ok: true });
  });
}
