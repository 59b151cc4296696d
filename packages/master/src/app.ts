// The master: a fastify server over HTTPS that asks every client for a certificate, built from
// three encapsulated plugins — the CA's open routes, the v3 routes for agents with a
// certificate, and status/metrics. Every route has a JSON schema for what it takes and answers;
// a name that does not match its grammar is refused (400) before any handler runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CertificateAuthority, certnamePath } from '@kasper/ca';
import { KasperError } from '@kasper/diagnostics';
import { printable, writeFileAtomic } from '@kasper/files';
import { openStorage, type Storage } from '@kasper/storage';
import { CatalogCache, CodeVersions } from './catalog-cache.ts';
import { CompilePool } from './compile-pool.ts';
import { RemoteCa } from './ca-remote.ts';
import { exportedResources, parseDuration, runRootQuery, type QueryContext } from '@kasper/query';
import type { MasterConfig } from './config.ts';
import type { MasterContext } from './context.ts';
import { raise } from './messages.ts';
import { parseFactsParam } from './facts-param.ts';
import { fetchedCrlReader, Revocations, tlsIdentify, type Identify } from './identity.ts';
import { bucketPlugin } from './plugins/bucket.ts';
import { caPlugin } from './plugins/ca.ts';
import { caAdminPlugin } from './plugins/ca-admin.ts';
import { filesPlugin } from './plugins/files.ts';
import { pdbPlugin } from './plugins/pdb.ts';
import { statusPlugin } from './plugins/status.ts';
import { v3Plugin } from './plugins/v3.ts';
import { runsPlugin } from './plugins/runs.ts';
import { RunRegistry } from './runs.ts';

export interface BuiltMaster {
  app: FastifyInstance;
  /** The CA; undefined on a master that is not the CA (`caServer`). */
  ca: CertificateAuthority | undefined;
  storage: Storage;
  /** Every route the master serves, as registered: method, URL pattern, query parameters its schema takes. */
  routes: RouteInfo[];
  close(): Promise<void>;
}

export interface RouteInfo {
  method: string;
  url: string;
  query: string[];
}

export interface Master extends BuiltMaster {
  url: string;
}

export interface BuildOptions {
  /** How a request's identity is established; by default the TLS client certificate. Tests may replace it. */
  identify?: Identify;
  /** Where a master that is not the CA says what it waits for (default: the request log). */
  log?: (line: string) => void;
  /** Called with every request and its answer (interop fixtures are recorded this way). */
  record?: (exchange: Exchange) => void;
}

/** One request and its answer, bodies as text (a gzipped answer inflated). */
export interface Exchange {
  method: string;
  url: string;
  certname: string | null;
  requestType: string | undefined;
  requestBody: string;
  status: number;
  responseType: string | undefined;
  responseBody: string;
}

/** A state folder only its owner can enter. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** The master's own key and certificate, made by its CA on first start. */
function ownCertificate(config: MasterConfig, ca: CertificateAuthority): { keyPath: string; certPath: string } {
  const ssl = join(config.confdir, 'ssl');
  privateDir(join(ssl, 'private_keys'));
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  const keyPath = certnamePath(ssl, 'private_keys', config.certname);
  const certPath = certnamePath(ssl, 'certs', config.certname);
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    if (ca.certificatePem(config.certname)) ca.clean(config.certname);
    const { keyPem, certPem } = ca.generate(config.certname, config.dnsAltNames);
    writeFileAtomic(keyPath, keyPem, 0o600);
    writeFileAtomic(certPath, certPem, 0o644);
  }
  return { keyPath, certPath };
}

/** Builds the master, not yet listening: `app.inject()` reaches every route. */
export async function buildMaster(config: MasterConfig, options: BuildOptions = {}): Promise<BuiltMaster> {
  // The CA master holds the CA; another master (caServer) asks it for its certificate and CRL.
  const remoteCa = config.caServer ? new RemoteCa(config.caServer, config.confdir, config.certname) : undefined;
  let ca: CertificateAuthority | undefined;
  let keyPath: string;
  let certPath: string;
  if (remoteCa) {
    await remoteCa.bootstrap(config.dnsAltNames, options.log ?? ((line) => process.stderr.write(`${line}\n`)));
    ({ keyPath, certPath } = remoteCa);
  } else {
    ca = new CertificateAuthority(config.confdir);
    ca.setup();
    ({ keyPath, certPath } = ownCertificate(config, ca));
  }
  const trust = remoteCa ?? ca!;
  privateDir(config.vardir);
  const storage = openStorage(config.storage ?? join(config.vardir, 'kasper.db'));
  await storage.init();
  const logFile = config.logFile ?? join(config.vardir, 'log', 'master.log');
  privateDir(join(logFile, '..'));

  const tlsOptions = () => ({ key: readFileSync(keyPath), cert: readFileSync(certPath), ca: trust.caCertPem(), crl: trust.crlPem() });
  const app = Fastify({
    https: { ...tlsOptions(), requestCert: true, rejectUnauthorized: false, handshakeTimeout: 10_000 },
    bodyLimit: config.bodyLimit ?? 16 * 1024 * 1024,
    logger: { level: 'info', file: logFile },
    connectionTimeout: 60_000,
    // Longer names than this are refused by the router (414) before any schema sees them.
    routerOptions: { maxParamLength: 2048 },
  });
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const query = Object.keys((r.schema?.querystring as { properties?: object } | undefined)?.properties ?? {});
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, query });
  });

  // Revocation and a new CRL reach new connections at once, whoever wrote them (the CLI too).
  const revocations = ca
    ? new Revocations(join(ca.dir, 'ca_crl.pem'), () => ca.revokedSerialNumbers(), () => {
      app.server.setSecureContext(tlsOptions());
      dropRevokedStreams();
    })
    // A master that is not the CA checks every request against the CRL fetched from the CA
    // master, as the CA master checks its own: TLS checks only new handshakes.
    : new Revocations(join(config.confdir, 'ssl', 'crl.pem'), fetchedCrlReader(join(config.confdir, 'ssl', 'crl.pem'), (m) => app.log.warn(m)), () => {
      // A new CRL from the CA master: new handshakes check it; sessions verified under the
      // old one cannot be resumed (new ticket keys), and idle connections are closed, so a
      // revoked client's next request shakes hands again and is refused.
      app.server.setSecureContext(tlsOptions());
      app.server.setTicketKeys(randomBytes(48));
      app.server.closeIdleConnections();
      dropRevokedStreams();
    });
  // Agents' run-request streams are one long request each: one opened with a certificate revoked
  // since is ended when the CRL changes (a per-request check would never see it again).
  function dropRevokedStreams(): void {
    const n = ctx.runs.dropRevoked((serial) => revocations.has(serial));
    if (n) app.log.info({ streams: n }, 'ended the run-request streams of revoked certificates');
  }
  let crlTimer: NodeJS.Timeout | undefined;
  if (remoteCa) {
    crlTimer = setInterval(() => {
      remoteCa.refreshCrl().then(() => revocations.refresh(), (e: Error) => app.log.warn({ err: e.message }, 'CRL not refreshed from the CA master'));
    }, (config.caRefreshSeconds ?? 60) * 1000);
    crlTimer.unref();
  }
  // `Type <<| |>>` collects other active nodes' exported resources from the store, and
  // puppetdb_query asks the store what /pdb/query/v4 would answer.
  const queries: QueryContext = { storage, producer: config.certname, nodePurgeTtl: parseDuration(config.nodePurgeTtl, 14 * 86_400_000) };
  const pool = new CompilePool(config.compileWorkers, config.compileHeapMb,
    (node, type, query) => exportedResources(storage, node, type, query, { nodePurgeTtl: config.nodePurgeTtl }),
    async (query) => JSON.parse((await runRootQuery(queries, query)).body) as unknown[]);
  const ctx: MasterContext = {
    config, ca, remoteCa, storage, pool,
    catalogCache: new CatalogCache(config.catalogCacheBytes ?? 128 * 1024 * 1024),
    codeVersions: new CodeVersions(),
    metrics: { requests: 0, catalogs: 0, cacheHits: 0, compileErrors: 0, reports: 0, refused: 0 },
    identify: options.identify ?? tlsIdentify(revocations),
    // Run requests reach a node's stream on whichever master holds it, through the store.
    runs: new RunRegistry(config.runHeartbeatSeconds, { storage, master: config.certname, warn: (m) => app.log.warn(m) }),
  };
  // Streams the store recorded for this master before a restart are gone.
  await ctx.runs.start();

  app.decorateRequest('identity', null);
  if (options.record) recordExchanges(app, options.record);
  registerBodyParsers(app);
  app.addHook('onRequest', async () => {
    ctx.metrics.requests++;
    revocations.refresh();
  });
  app.setErrorHandler((err: FastifyError | KasperError | Error, req, reply) => {
    void sendError(reply, toKasperError(err, req));
  });
  app.setNotFoundHandler((req, reply) => {
    void sendError(reply, raise('KSP-MASTER-017', { method: req.method, path: printable(req.url.split('?')[0]) }));
  });

  await app.register(caPlugin, ctx);
  await app.register(v3Plugin, ctx);
  await app.register(filesPlugin, ctx);
  await app.register(bucketPlugin, ctx);
  await app.register(caAdminPlugin, ctx);
  await app.register(statusPlugin, ctx);
  await app.register(pdbPlugin, ctx);
  await app.register(runsPlugin, ctx);
  // Agents' open streams would keep close() waiting: they are ended first (agents reconnect).
  app.addHook('preClose', async () => ctx.runs.close());
  // A client that hangs up mid-handshake is only a log line.
  app.server.on('tlsClientError', (err) => app.log.info({ err: err.message }, 'TLS client error'));
  await app.ready();

  return {
    app, ca, storage, routes,
    async close() {
      clearInterval(crlTimer);
      await app.close();
      await pool.close();
      await storage.close();
    },
  };
}

/**
 * Every error as a KasperError: the packages' own as they are; fastify's schema and body errors
 * as an invalid request with their status; anything else logged in full and answered without
 * internals.
 */
function toKasperError(err: FastifyError | KasperError | Error, req: FastifyRequest): KasperError {
  if (err instanceof KasperError) return err;
  const f = err as FastifyError;
  if (f.validation || (f.statusCode && f.statusCode >= 400 && f.statusCode < 500)) {
    const e = raise('KSP-MASTER-005', { reason: printable(err.message) });
    return f.validation ? e : new KasperError(e.code, e.message, { args: e.args, status: f.statusCode });
  }
  req.log.error({ err }, 'request failed');
  return raise('KSP-MASTER-018', { id: req.id });
}

/** Puppet's error body (`message`, `issue_kind`) with Kasper's code. */
function sendError(reply: FastifyReply, e: KasperError) {
  const status = e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  const kind = status === 404 ? 'NOT_FOUND' : status < 500 ? 'BAD_REQUEST' : 'RUNTIME_ERROR';
  return reply.code(status).type('application/json').send({ message: e.message, issue_kind: kind, code: e.code });
}

function recordExchanges(app: FastifyInstance, record: (e: Exchange) => void): void {
  const rawBodies = new WeakMap<object, string>();
  app.addHook('preParsing', async (req, _reply, payload) => {
    const chunks: Buffer[] = [];
    for await (const c of payload) chunks.push(Buffer.from(c as Buffer));
    const body = Buffer.concat(chunks);
    rawBodies.set(req, body.toString('utf8'));
    return Readable.from([body]);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    let text = '';
    if (typeof payload === 'string') text = payload;
    else if (Buffer.isBuffer(payload)) text = (reply.getHeader('content-encoding') === 'gzip' ? gunzipSync(payload) : payload).toString('utf8');
    record({
      method: req.method, url: req.url, certname: req.identity?.certname ?? null,
      requestType: req.headers['content-type'], requestBody: rawBodies.get(req) ?? '',
      status: reply.statusCode, responseType: String(reply.getHeader('content-type') ?? '') || undefined, responseBody: text,
    });
    return payload;
  });
}

/** The body formats agents send besides JSON. */
function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('application/x-pem-file', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // What Puppet's own agents send: the catalog request's parameters as a form, the facts
  // document among them (see parseFactsParam).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const form: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body as string));
      form.facts = parseFactsParam(form.facts as string | undefined);
      done(null, form);
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}

/** Builds the master and listens on the configured address. */
export async function startMaster(config: MasterConfig, options: BuildOptions = {}): Promise<Master> {
  const built = await buildMaster(config, options);
  await built.app.listen({ host: config.bind, port: config.port });
  const address = built.app.server.address() as { port: number };
  return { ...built, url: `https://${config.bind}:${address.port}` };
}
