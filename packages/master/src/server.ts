// The master: a fastify server over HTTPS that asks every client for a certificate. Routes a
// new agent needs to bootstrap (the CA certificate, the CRL, submitting a CSR, fetching its
// signed certificate) are open; everything else needs a certificate signed by the CA and not
// revoked, checked on every request against the current CRL. Routes follow Puppet's.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CAError, CertificateAuthority, certificateExtensions, checkName, normalizeSerial, type AutosignPolicy } from '@kasper/ca';
import { openStorage, type Storage } from '@kasper/storage';
import { CompilePool } from './compile-pool.ts';

export interface MasterConfig {
  confdir: string;
  vardir: string;
  bind: string;
  port: number;
  /** The master's own certname and the names agents may reach it by. */
  certname: string;
  dnsAltNames: string[];
  /** Folder of environments: <dir>/<env>/{manifests,modules,hiera.yaml,data}. */
  environmentpath: string;
  /** Module folders shared by every environment. */
  basemodulepath: string[];
  /** `sqlite:/path` or `postgres://…`; default SQLite in the vardir. */
  storage?: string;
  autosign?: AutosignPolicy;
  compileWorkers?: number;
  /** Log to this file (JSON lines); default the vardir's log/master.log. */
  logFile?: string;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
  /** Heap of each compile worker in MiB (default 512). */
  compileHeapMb?: number;
  /** Bytes of compiled catalogs kept in memory (default 128 MiB). */
  catalogCacheBytes?: number;
}

export interface Master {
  app: FastifyInstance;
  url: string;
  ca: CertificateAuthority;
  storage: Storage;
  close(): Promise<void>;
}

function fingerprint(path: string): string {
  // The environment's code version: every file's path, size and mtime.
  const h = createHash('sha256');
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  walk(path);
  return h.digest('hex');
}

/**
 * The code version, looked at most once a second per environment: walking the tree on every
 * request would cost more than serving a cached catalog. A change shows within a second.
 */
const codeVersions = new Map<string, { at: number; value: string }>();
function codeVersion(dir: string): string {
  const now = Date.now();
  const c = codeVersions.get(dir);
  if (c && now - c.at < 1000) return c.value;
  const value = fingerprint(dir);
  codeVersions.set(dir, { at: now, value });
  return value;
}

interface CachedCatalog {
  catalog: string;
  gzip: Uint8Array;
  version: string;
}

/**
 * Compiled catalogs by (node, code version, facts, trusted data): one entry per node (new facts
 * replace its old catalog), the least recently used dropped past a size in bytes.
 */
class CatalogCache {
  private readonly entries = new Map<string, { key: string; value: CachedCatalog }>();
  private bytes = 0;
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  get(node: string, key: string): CachedCatalog | undefined {
    const e = this.entries.get(node);
    if (!e || e.key !== key) return undefined;
    this.entries.delete(node);
    this.entries.set(node, e);
    return e.value;
  }
  set(node: string, key: string, value: CachedCatalog): void {
    this.drop(node);
    this.entries.set(node, { key, value });
    this.bytes += value.catalog.length + value.gzip.byteLength;
    while (this.bytes > this.limit && this.entries.size > 1) this.drop(this.entries.keys().next().value!);
  }
  private drop(node: string): void {
    const e = this.entries.get(node);
    if (!e) return;
    this.bytes -= e.value.catalog.length + e.value.gzip.byteLength;
    this.entries.delete(node);
  }
}

function runPolicy(exe: string, name: string, pem: string): Promise<number> {
  return new Promise((res) => {
    const child = execFile(exe, [name], { timeout: 30_000 }, (err) => res(err ? (typeof err.code === 'number' ? err.code : 1) : 0));
    child.stdin?.end(pem);
  });
}

export async function startMaster(config: MasterConfig): Promise<Master> {
  const ca = new CertificateAuthority(config.confdir);
  ca.setup();
  const ssl = join(config.confdir, 'ssl');
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  const keyPath = join(ssl, 'private_keys', `${config.certname}.pem`);
  const certPath = join(ssl, 'certs', `${config.certname}.pem`);
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    if (ca.certificatePem(config.certname)) ca.clean(config.certname);
    const { keyPem, certPem } = ca.generate(config.certname, config.dnsAltNames);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(keyPath, keyPem, { mode: 0o600 });
    writeFileSync(certPath, certPem);
  }
  mkdirSync(config.vardir, { recursive: true });
  const storage = openStorage(config.storage ?? join(config.vardir, 'kasper.db'));
  await storage.init();
  const pool = new CompilePool(config.compileWorkers, config.compileHeapMb);
  const logFile = config.logFile ?? join(config.vardir, 'log', 'master.log');
  mkdirSync(join(logFile, '..'), { recursive: true });

  const tlsOptions = () => ({ key: readFileSync(keyPath), cert: readFileSync(certPath), ca: ca.caCertPem(), crl: ca.crlPem() });
  const app = Fastify({
    https: { ...tlsOptions(), requestCert: true, rejectUnauthorized: false, handshakeTimeout: 10_000 },
    bodyLimit: config.bodyLimit ?? 16 * 1024 * 1024,
    logger: { level: 'info', file: logFile },
    connectionTimeout: 60_000,
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // What Puppet's own agents send: facts as URL-encoded JSON (`facts_format=application/json&facts=…`).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      const form = new URLSearchParams(body as string);
      const facts = form.get('facts');
      done(null, { facts: facts ? JSON.parse(facts) : undefined, environment: form.get('environment') ?? undefined });
    } catch (e) {
      done(Object.assign(new Error(`Invalid facts in the form body: ${(e as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  app.addContentTypeParser('application/x-pem-file', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Revocation and a new CRL reach new connections at once, whoever wrote them (the CLI too).
  let crlMtime = statSync(join(ca.dir, 'ca_crl.pem')).mtimeMs;
  let revoked = ca.revokedSerialNumbers();
  const refreshCrl = () => {
    const m = statSync(join(ca.dir, 'ca_crl.pem')).mtimeMs;
    if (m !== crlMtime) {
      crlMtime = m;
      revoked = ca.revokedSerialNumbers();
      app.server.setSecureContext(tlsOptions());
    }
  };

  const metrics = { requests: 0, catalogs: 0, cacheHits: 0, compileErrors: 0, reports: 0, refused: 0 };
  const catalogCache = new CatalogCache(config.catalogCacheBytes ?? 128 * 1024 * 1024);
  // Parsing a certificate's extensions is slow; a client shows the same certificate every run.
  const trustedByCert = new Map<string, { facts: Record<string, unknown>; json: string }>();
  const trustedFacts = (name: string, peer: PeerCertificate): { facts: Record<string, unknown>; json: string } => {
    let t = trustedByCert.get(peer.fingerprint256);
    if (!t) {
      const pem = `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
      const facts = {
        authenticated: 'remote', certname: name, domain: name.split('.').slice(1).join('.'), hostname: name.split('.')[0],
        extensions: certificateExtensions(pem), external: {},
      };
      t = { facts, json: JSON.stringify(facts) };
      if (trustedByCert.size >= 10_000) trustedByCert.delete(trustedByCert.keys().next().value!);
      trustedByCert.set(peer.fingerprint256, t);
    }
    return t;
  };
  // Facts unchanged since the last save within a minute are not written again.
  const factsSaved = new Map<string, { digest: string; at: number }>();

  /** The client's certname when its certificate is valid and not revoked; else undefined. */
  const clientName = (req: FastifyRequest): string | undefined => {
    const sock = req.raw.socket as TLSSocket;
    if (!sock.authorized) return undefined;
    const peer = sock.getPeerCertificate(false);
    if (!peer?.raw) return undefined;
    if (revoked.has(normalizeSerial(peer.serialNumber))) return undefined;
    const cn = peer.subject?.CN;
    return Array.isArray(cn) ? cn[0] : cn;
  };

  const requireClient = (req: FastifyRequest, reply: FastifyReply): string | undefined => {
    const name = clientName(req);
    if (!name) {
      metrics.refused++;
      const sock = req.raw.socket as TLSSocket;
      const why = sock.authorizationError ? String(sock.authorizationError) : 'no client certificate';
      void reply.code(401).send({ error: `A certificate signed by this master's CA is required (${why})` });
      return undefined;
    }
    return name;
  };

  app.addHook('onRequest', async () => {
    metrics.requests++;
    refreshCrl();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err instanceof CAError ? err.status : err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    void reply.code(status).send({ error: err.message });
  });

  // ---- bootstrap routes, open to everyone
  app.get('/puppet-ca/v1/certificate/ca', async (_req, reply) => reply.type('text/plain').send(ca.caCertPem()));
  app.get('/puppet-ca/v1/certificate_revocation_list/ca', async (_req, reply) => reply.type('text/plain').send(ca.crlPem()));
  app.put<{ Params: { name: string } }>('/puppet-ca/v1/certificate_request/:name', async (req, reply) => {
    if (typeof req.body !== 'string') return reply.code(415).send({ error: 'Send the CSR as text/plain PEM' });
    const { name } = ca.submit(req.body);
    if (name !== req.params.name) throw new CAError(`The CSR is for ${name}, not ${req.params.name}`);
    const signed = await ca.autosign(name, req.body, config.autosign ?? {}, runPolicy);
    req.log.info({ node: name, autosigned: signed }, 'certificate request');
    return reply.type('text/plain').send(signed ? 'signed' : 'pending');
  });
  app.get<{ Params: { name: string } }>('/puppet-ca/v1/certificate/:name', async (req, reply) => {
    // The name becomes a file name under the CA folder: anything but a certname is refused here.
    checkName(req.params.name);
    const pem = ca.certificatePem(req.params.name);
    if (!pem) return reply.code(404).send({ error: `No signed certificate for ${req.params.name}` });
    return reply.type('text/plain').send(pem);
  });
  app.get('/status/v1/simple', async (_req, reply) => reply.type('text/plain').send('running'));

  // ---- authenticated routes
  const envDir = (name: string) => {
    if (!/^\w+$/.test(name)) throw new CAError(`Invalid environment name '${name}'`);
    const dir = join(config.environmentpath, name);
    if (!existsSync(dir)) throw new CAError(`Could not find environment '${name}'`, 404);
    return dir;
  };

  app.post<{ Params: { node: string }; Querystring: { environment?: string } }>('/puppet/v3/catalog/:node', async (req, reply) => {
    const name = requireClient(req, reply);
    if (!name) return reply;
    if (name !== req.params.node) {
      metrics.refused++;
      return reply.code(403).send({ error: `${name} may not ask for the catalog of ${req.params.node}` });
    }
    const body = req.body as { facts?: { values?: unknown } | unknown; environment?: string } | undefined;
    if (!body || typeof body !== 'object') return reply.code(400).send({ error: 'Send JSON: {"facts": {...}}' });
    const factsIn = (body as { facts?: unknown }).facts;
    const facts = factsIn && typeof factsIn === 'object' && 'values' in (factsIn as object) ? (factsIn as { values: unknown }).values : factsIn;
    if (!facts || typeof facts !== 'object' || Array.isArray(facts)) return reply.code(400).send({ error: 'The facts must be a JSON object' });
    const environment = req.query.environment ?? (body as { environment?: string }).environment ?? 'production';
    const dir = envDir(environment);
    const factsJson = JSON.stringify(facts);
    const factsDigest = createHash('sha256').update(`${environment}\0${factsJson}`).digest('hex');
    const saved = factsSaved.get(name);
    if (!saved || saved.digest !== factsDigest || Date.now() - saved.at > 60_000) {
      await storage.saveFacts(name, facts, environment);
      factsSaved.set(name, { digest: factsDigest, at: Date.now() });
    }
    const trusted = trustedFacts(name, (req.raw.socket as TLSSocket).getPeerCertificate(false));
    const key = createHash('sha256').update(`${environment}\0${codeVersion(dir)}\0${name}\0${factsDigest}\0${trusted.json}`).digest('hex');
    let result = catalogCache.get(name, key);
    if (result) metrics.cacheHits++;
    else {
      const modulepath = [join(dir, 'modules'), ...config.basemodulepath];
      const out = await pool.compile({
        environment: {
          name: environment, manifest: join(dir, 'manifests'), modulepath,
          hieraConfig: existsSync(join(dir, 'hiera.yaml')) ? join(dir, 'hiera.yaml') : undefined, directory: dir,
        },
        node: name, factsJson, trusted: trusted.facts,
      });
      if ('error' in out) {
        metrics.compileErrors++;
        const where = out.location ? ` (file: ${out.location.file}, line: ${out.location.line}, column: ${out.location.column})` : '';
        req.log.warn({ node: name, error: out.error }, 'compile failed');
        return reply.code(500).send({ error: `Compile failed for ${name}: ${out.error}${where}` });
      }
      result = out;
      catalogCache.set(name, key, result);
      await storage.saveCatalog(name, result.catalog, result.version);
    }
    metrics.catalogs++;
    reply.type('application/json').header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(Buffer.from(result.gzip.buffer, result.gzip.byteOffset, result.gzip.byteLength));
    }
    return reply.send(result.catalog);
  });

  app.put<{ Params: { node: string } }>('/puppet/v3/report/:node', async (req, reply) => {
    const name = requireClient(req, reply);
    if (!name) return reply;
    if (name !== req.params.node) return reply.code(403).send({ error: `${name} may not send reports for ${req.params.node}` });
    const report = req.body as { status?: unknown; time?: unknown } | undefined;
    if (!report || typeof report !== 'object' || typeof report.status !== 'string' || typeof report.time !== 'string') {
      return reply.code(400).send({ error: 'A report is a JSON object with status and time' });
    }
    const id = await storage.saveReport(name, { ...(report as object), host: name } as never);
    metrics.reports++;
    return reply.send({ id });
  });

  app.put<{ Params: { node: string } }>('/puppet/v3/facts/:node', async (req, reply) => {
    const name = requireClient(req, reply);
    if (!name) return reply;
    if (name !== req.params.node) return reply.code(403).send({ error: `${name} may not send facts for ${req.params.node}` });
    const body = req.body as { values?: unknown } | undefined;
    const values = body && typeof body === 'object' && 'values' in body ? body.values : body;
    if (!values || typeof values !== 'object') return reply.code(400).send({ error: 'The facts must be a JSON object' });
    await storage.saveFacts(name, values);
    return reply.send({ ok: true });
  });

  /** `puppet:///modules/m/path` for agents: metadata and content of a module's files/. */
  const moduleFile = (environment: string, module: string, rest: string): string | undefined => {
    const dir = envDir(environment);
    for (const base of [join(dir, 'modules'), ...config.basemodulepath]) {
      const root = resolve(base, module, 'files');
      const p = normalize(resolve(root, rest));
      if (!p.startsWith(`${root}/`)) return undefined;
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
    return undefined;
  };
  app.get<{ Params: { module: string; '*': string }; Querystring: { environment?: string } }>('/puppet/v3/file_content/modules/:module/*', async (req, reply) => {
    if (!requireClient(req, reply)) return reply;
    const p = moduleFile(req.query.environment ?? 'production', req.params.module, req.params['*']);
    if (!p) return reply.code(404).send({ error: `Not found: puppet:///modules/${req.params.module}/${req.params['*']}` });
    return reply.type('application/octet-stream').send(readFileSync(p));
  });
  app.get<{ Params: { module: string; '*': string }; Querystring: { environment?: string } }>('/puppet/v3/file_metadata/modules/:module/*', async (req, reply) => {
    if (!requireClient(req, reply)) return reply;
    const p = moduleFile(req.query.environment ?? 'production', req.params.module, req.params['*']);
    if (!p) return reply.code(404).send({ error: `Not found: puppet:///modules/${req.params.module}/${req.params['*']}` });
    const st = statSync(p);
    return reply.send({ path: p, type: 'file', mode: st.mode & 0o7777, checksum: { type: 'sha256', value: `{sha256}${createHash('sha256').update(readFileSync(p)).digest('hex')}` } });
  });

  app.get('/metrics', async (req, reply) => {
    if (!requireClient(req, reply)) return reply;
    const lines = [
      `kasper_requests_total ${metrics.requests}`, `kasper_catalogs_total ${metrics.catalogs}`,
      `kasper_catalog_cache_hits_total ${metrics.cacheHits}`, `kasper_compiles_total ${pool.compiled}`,
      `kasper_compile_errors_total ${metrics.compileErrors}`, `kasper_reports_total ${metrics.reports}`,
      `kasper_refused_total ${metrics.refused}`, `kasper_compile_queue ${pool.queued}`,
      `kasper_resident_memory_bytes ${process.memoryUsage().rss}`,
    ];
    return reply.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });

  // A client that hangs up mid-handshake is only a log line.
  app.server.on('tlsClientError', (err) => app.log.info({ err: err.message }, 'TLS client error'));
  await app.listen({ host: config.bind, port: config.port });
  const address = app.server.address() as { port: number };
  return {
    app, ca, storage,
    url: `https://${config.bind}:${address.port}`,
    async close() {
      await app.close();
      await pool.close();
      await storage.close();
    },
  };
}
