// The agent daemon: bootstraps its certificate with the master's CA, then on every run gets a
// fresh catalog over mutual TLS, applies it and sends the report; every runinterval, or once.
// When the master cannot give a catalog it applies the last one it had, and says so: the report
// records it.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { X509Certificate, createPrivateKey, randomUUID } from 'node:crypto';
import { request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseCatalog, Report, type Catalog, type LogLevel } from '@kasper/catalog';
// The agent's one use of the CA package: making its key and CSR, the client side of the CA's
// protocol (docs/architecture.md records the exception). Loaded only when a key or CSR is made.
import type { CsrOptions } from '@kasper/ca';
import type { SettingsFor } from '@kasper/settings';
import { jsonChunks, writeFileAtomic } from '@kasper/files';
import { applyCatalog, exitCodeOf } from './apply.ts';
import { openRunLog } from './run-log.ts';
import { isRevoked } from './crl.ts';
import { withLocalFacts } from './local-facts.ts';
import type { DeferredCaller } from './deferred.ts';
import { answerText, FileServer } from './fileserver.ts';
import { AgentError, CertificateRefused, codeOf, raise, refused } from './messages.ts';
import { pluginfactsync, pluginsync } from './plugins.ts';
import { RunListener, agentSslPaths, type RunRequestEvent } from './listen.ts';
import { RunClock, takeEarlySignals } from './run-clock.ts';

/** What an agent needs: its settings (as `kasper agent` resolves them) and its ways to the host and the terminal. */
export interface AgentConfig extends SettingsFor<'agent'> {
  csr?: CsrOptions;
  /**
   * Collects this host's facts (plain JSON), with the external facts in `pluginfactdest`
   * (`<vardir>/facts.d`, where pluginsync keeps those modules ship) among them.
   */
  facts: (options: { pluginfactdest: string }) => Promise<Record<string, unknown>>;
  /**
   * The environment when the user chose it (flag or kasper.conf), sent as the fact
   * `agent_specified_environment`, as Puppet's agent sends it; undefined leaves the fact out.
   */
  agentSpecifiedEnvironment?: string;
  /**
   * The function library Deferred values are resolved with, for a run in an environment with
   * these facts (`kasper agent` passes the compiler's); without it only join, unwrap, dig and
   * `$facts` are known (deferred.ts).
   */
  deferredFunctions?: (environment: string, facts: Record<string, unknown>) => DeferredCaller;
  /** Every log line as it happens, with its catalogue code when it has one. */
  onLog?: (level: LogLevel, source: string, message: string, code?: string) => void;
  /** Checked between resources: true ends the run after the resource in hand. */
  shouldStop?: () => boolean;
  /**
   * This process is one run of an agent daemon (supervise.ts starts it, with `onetime`): the run
   * the master asked for, if it was one; SIGHUP is the daemon's, not this run's.
   */
  daemonRun?: {
    asked?: RunRequestEvent;
    /**
     * The daemon became this run (supervise.ts, process.execve): becomes the supervisor again
     * (never returns). Without it the run is a process of its own and just ends.
     */
    resume?: () => never;
    /** The daemon's first run: without a certificate afterwards the daemon ends (exit 1). */
    first?: boolean;
  };
}

interface HttpResult {
  status: number;
  body: Buffer;
}

export interface CallOptions {
  /**
   * A function giving the body's pieces is sent as they come (chunked), never one string: a
   * report of 1,000 changes is over a megabyte of JSON. A function, so that a try again has them again.
   */
  body?: string | Buffer | (() => Iterable<string>);
  /** The body's media type: `application/json` unless said. */
  contentType?: string;
  /** What the answer may be: `application/json` unless said. */
  accept?: string;
  /** Send our certificate (false for the CA's open routes). */
  auth?: boolean;
}

const USER_AGENT = 'Kasper/0.1.0';

/** OpenSSL's words for a failed handshake, without its file names and codes: `TLS alert: certificate unknown`. */
function tlsReason(message: string): string {
  const alert = /alert ([a-z ]+?)(?::|$)/im.exec(message);
  if (alert) return `TLS alert: ${alert[1].trim()}`;
  return message.split('\n')[0].trim();
}

/**
 * A failed connection in words an operator can act on. A master that refuses our certificate
 * ends the TLS handshake with an alert (puppetserver: "certificate unknown" for a revoked one),
 * which Node reports as an OpenSSL code, or as a reset socket.
 */
function readableTlsError(e: Error, server: string, sentCert: boolean): Error {
  const m = e.message;
  if (sentCert && /ECONNRESET|socket hang up|alert (certificate revoked|bad certificate|unknown ca|certificate unknown)|SSL alert number (42|44|46|48)/i.test(m)) {
    return refused('KSP-AGENT-001', { server, detail: tlsReason(m) }, undefined, e);
  }
  if (/self[- ]signed|unable to (get|verify)|CERT_|certificate/i.test(m)) {
    return raise('KSP-AGENT-002', { server, reason: tlsReason(m) }, undefined, e);
  }
  return e;
}

/** A body written as its pieces come, about 64 KiB at a time, waiting while the socket is behind. */
async function sendPieces(req: ClientRequest, pieces: Iterable<string>): Promise<void> {
  let pending = '';
  for (const piece of pieces) {
    pending += piece;
    if (pending.length < 65_536) continue;
    const more = req.write(pending);
    pending = '';
    if (!more) await once(req, 'drain');
  }
  req.end(pending);
}

export class MasterClient {
  private readonly config: AgentConfig;
  constructor(config: AgentConfig) {
    this.config = config;
  }

  private ssl(...p: string[]): string {
    return join(this.config.confdir, 'ssl', ...p);
  }

  get keyPath() { return agentSslPaths(this.config.confdir, this.config.certname).keyPath; }
  get certPath() { return agentSslPaths(this.config.confdir, this.config.certname).certPath; }
  get caPath() { return agentSslPaths(this.config.confdir, this.config.certname).caPath; }

  /**
   * One HTTPS request. `accept` and `contentType` are what puppetserver checks (it answers 406
   * to an Accept it cannot serve, file content is only `application/octet-stream`); with `auth`
   * (the default) our certificate and key go along.
   */
  async call(method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    // A connection that failed before any answer (the master behind a load balancer died, or
    // was restarting) is tried again, twice, a second apart: through the balancer the next try
    // reaches a master that is up. Every request an agent sends may be repeated: a catalog is
    // compiled again, a report already stored is recognised by its hash and not stored twice.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(method, path, options);
      } catch (e) {
        const code = (e as { cause?: { code?: string }; code?: string }).cause?.code ?? (e as { code?: string }).code;
        const cut = /^(ECONNRESET|ECONNREFUSED|EPIPE|ECONNABORTED)$/.test(code ?? '') || /socket hang up/.test((e as Error).message);
        if (!cut || attempt >= 2) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private callOnce(method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    const { server, port } = this.config;
    const { body, accept = 'application/json', contentType, auth = true } = options;
    const haveCa = existsSync(this.caPath);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept, 'accept-encoding': 'gzip', 'user-agent': USER_AGENT };
      if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
      const req = request({
        host: server, port, method, path, headers,
        ca: haveCa ? readFileSync(this.caPath) : undefined,
        // Before the CA is pinned there is nothing to verify the master against (first contact).
        rejectUnauthorized: haveCa,
        key: auth && existsSync(this.keyPath) ? readFileSync(this.keyPath) : undefined,
        cert: auth && existsSync(this.certPath) ? readFileSync(this.certPath) : undefined,
        timeout: 120_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // A catalog is twenty times smaller gzipped; the master sends it so when asked.
          try {
            const raw = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, body: res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw });
          } catch (e) {
            reject(raise('KSP-AGENT-003', { reason: (e as Error).message }, undefined, e));
          }
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(raise('KSP-AGENT-004')));
      req.on('error', (e) => reject(readableTlsError(e, server, auth && existsSync(this.certPath))));
      if (typeof body === 'function') sendPieces(req, body()).catch((e: Error) => req.destroy(e));
      else if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  /**
   * Why the master refused our certificate, in words: the CA's CRL (an open route) says
   * whether it was revoked; a CA that no longer has it cleaned it.
   */
  async explainRefusal(detail: string): Promise<AgentError> {
    const { certname, server } = this.config;
    const rejoin = `clean it on the master ('puppetserver ca clean --certname ${certname}' or 'kasper ca clean ${certname}'), remove this agent's key and certificate (${this.ssl()}), and run again to ask for a new one`;
    try {
      const crl = await this.call('GET', '/puppet-ca/v1/certificate_revocation_list/ca', { accept: 'text/plain', auth: false });
      if (crl.status === 200 && existsSync(this.certPath) && isRevoked(readFileSync(this.certPath), crl.body.toString('utf8'))) {
        return raise('KSP-AGENT-021', { certname, server, detail, rejoin });
      }
      const cert = await this.call('GET', `/puppet-ca/v1/certificate/${certname}`, { accept: 'text/plain', auth: false });
      if (cert.status === 404) return raise('KSP-AGENT-022', { certname, server, detail, rejoin });
    } catch {
      // the explanation is a courtesy: the refusal stands
    }
    return raise('KSP-AGENT-023', { server, detail });
  }

  /**
   * Key, CSR, signed certificate, pinned CA: what an agent needs before its first run. Waits
   * for the operator to sign when `waitforcert` > 0.
   */
  async bootstrap(log: (m: string) => void): Promise<void> {
    const { certname } = this.config;
    mkdirSync(this.ssl('private_keys'), { recursive: true, mode: 0o750 });
    mkdirSync(this.ssl('certs'), { recursive: true });
    if (!existsSync(this.caPath)) {
      const ca = await this.call('GET', '/puppet-ca/v1/certificate/ca', { accept: 'text/plain', auth: false });
      if (ca.status !== 200) throw raise('KSP-AGENT-005', { server: this.config.server, status: ca.status });
      writeFileAtomic(this.caPath, ca.body);
      log(`Pinned the CA certificate of ${this.config.server}`);
    }
    if (existsSync(this.certPath)) return;
    const { generateKey, makeCsr } = await import('@kasper/ca');
    if (!existsSync(this.keyPath)) {
      const key = generateKey();
      writeFileAtomic(this.keyPath, key.keyPem, 0o600);
      writeFileAtomic(this.ssl('public_keys.pem'), key.publicPem);
    }
    const fetchCert = async () => {
      const r = await this.call('GET', `/puppet-ca/v1/certificate/${certname}`, { accept: 'text/plain', auth: false });
      if (r.status !== 200) return false;
      // A certificate signed for another key (the name cleaned and asked for again elsewhere) is of no use.
      if (!new X509Certificate(r.body).checkPrivateKey(createPrivateKey(readFileSync(this.keyPath)))) {
        throw raise('KSP-AGENT-006', { certname });
      }
      writeFileAtomic(this.certPath, r.body);
      return true;
    };
    if (await fetchCert()) return;
    const csrPath = this.ssl('certificate_requests.pem');
    if (!existsSync(csrPath)) {
      const pub = readFileSync(this.ssl('public_keys.pem'), 'utf8');
      writeFileAtomic(csrPath, makeCsr(certname, readFileSync(this.keyPath, 'utf8'), pub, this.config.csr));
      const r = await this.call('PUT', `/puppet-ca/v1/certificate_request/${certname}`, { body: readFileSync(csrPath), contentType: 'text/plain', accept: 'text/plain', auth: false });
      if (r.status >= 300) {
        rmSync(csrPath, { force: true });
        throw raise('KSP-AGENT-007', { answer: answerText(r) });
      }
      const said = r.body.toString().trim();
      log(`Submitted a certificate request for ${certname}${said ? ` (${said})` : ''}`);
    }
    if (await fetchCert()) return;
    if (this.config.waitforcert <= 0) {
      throw raise('KSP-AGENT-008', { certname });
    }
    for (;;) {
      log(`Waiting ${this.config.waitforcert} s for the certificate of ${certname} to be signed`);
      await new Promise((r) => setTimeout(r, this.config.waitforcert * 1000));
      if (await fetchCert()) return;
    }
  }
}

function osFamilyOf(facts: Record<string, unknown>): string | undefined {
  const family = (facts.os as Record<string, unknown> | undefined)?.family;
  return typeof family === 'string' ? family : undefined;
}

/** Where the last good catalog is kept, for runs when the master cannot give one. */
function cachedCatalogPath(config: AgentConfig): string {
  return join(config.vardir, 'client_data', 'catalog', `${config.certname}.json`);
}

/**
 * A lock file with our pid, made with O_EXCL so two runs starting together cannot both take it.
 * A lock whose process is gone is stale: it is removed and taken over.
 */
export function acquireLock(path: string): boolean {
  mkdirSync(join(path, '..'), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(readFileSync(path, 'utf8').trim());
    let alive = false;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        // EPERM: the process exists but is not ours to signal; it is alive all the same.
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (alive) return false;
    rmSync(path, { force: true });
  }
  return false;
}

export interface RunOutcome {
  report: Report | null;
  /** Why the run applied the cached catalog, when it did. */
  usedCache?: string;
  /** Why there was no run, and its catalogue code. */
  error?: string;
  code?: string;
}

function failure(e: AgentError): RunOutcome {
  return { report: null, error: e.message, code: e.code };
}

/**
 * The body of a catalog request as Puppet 7's agent sends it (a form; puppetserver reads no
 * other): the facts as JSON, URL-encoded once more than the form itself encodes them.
 */
export function catalogForm(certname: string, facts: Record<string, unknown>, environment: string, transactionUuid: string): string {
  const factsJson = JSON.stringify({ name: certname, values: facts, timestamp: new Date().toISOString(), expiration: new Date(Date.now() + 30 * 60_000).toISOString() });
  const fields: [string, string][] = [
    ['facts_format', 'application/json'],
    ['facts', encodeURIComponent(factsJson)],
    ['environment', environment],
    ['configured_environment', environment],
    ['check_environment', 'false'],
    ['transaction_uuid', transactionUuid],
    // Kasper's agent reads file metadata at apply time: no metadata inlined in the catalog.
    ['static_catalog', 'false'],
    ['checksum_type', 'sha256.sha384.sha512.sha224.md5'],
  ];
  return fields.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/**
 * The node's catalog from the master, kept in the cache for a run that cannot have one. A function
 * of its own so that the answer (its text and buffers, 0.7 MB for 1,000 files) is garbage as soon
 * as the catalog is parsed: an async function's locals stay alive until it returns, and the run
 * applies the catalog before it returns.
 */
async function fetchCatalog(client: MasterClient, config: AgentConfig, facts: Record<string, unknown>, environment: string, transactionUuid: string): Promise<Catalog> {
  const r = await client.call('POST', `/puppet/v3/catalog/${config.certname}?environment=${encodeURIComponent(environment)}`, {
    body: catalogForm(config.certname, facts, environment, transactionUuid), contentType: 'application/x-www-form-urlencoded',
    // As Puppet 7's agent asks: rich data first, or puppetserver turns Deferred values into Strings.
    accept: 'application/vnd.puppet.rich+json, application/json',
  });
  if (r.status !== 200) throw raise('KSP-AGENT-009', { status: r.status, answer: answerText(r) });
  // Parsed before it is cached: a catalog that cannot be read does not replace the cached one.
  const catalog = parseCatalog(r.body.toString());
  mkdirSync(join(cachedCatalogPath(config), '..'), { recursive: true });
  writeFileAtomic(cachedCatalogPath(config), r.body, 0o640);
  return catalog;
}

/**
 * One agent run: node → plugins and external facts → facts → catalog (or the cached one) →
 * apply → report. `asked`: the run the master asked for (kasper run): its transaction_uuid (so
 * the report answers it), job id, noop and environment.
 */
export async function agentRun(settings: AgentConfig, client: MasterClient, asked?: RunRequestEvent): Promise<RunOutcome> {
  const config: AgentConfig = asked ? { ...settings, noop: settings.noop || asked.noop, environment: asked.environment ?? settings.environment } : settings;
  const lock = join(config.vardir, 'state', 'agent_catalog_run.lock');
  if (!acquireLock(lock)) return failure(raise('KSP-AGENT-019'));
  try {
    const say = (level: LogLevel, message: string, code?: string) => config.onLog?.(level, 'Kasper', message, code);
    const transactionUuid = asked?.transaction_uuid ?? randomUUID();
    if (asked) say('notice', `Running as ${config.server} asked${asked.job_id ? ` (job ${asked.job_id})` : ''}${asked.noop ? ', in noop mode' : ''}${asked.environment ? `, in environment '${asked.environment}'` : ''}`);
    const q = (env: string) => `environment=${encodeURIComponent(env)}`;
    // The master may put the node in another environment (its classifier's): the run uses that one, as Puppet's agent does.
    let environment = config.environment;
    try {
      const r = await client.call('GET', `/puppet/v3/node/${config.certname}?${q(environment)}&configured_environment=${encodeURIComponent(environment)}&transaction_uuid=${transactionUuid}`);
      if (r.status === 200) {
        const env = (JSON.parse(r.body.toString('utf8')) as { environment?: unknown }).environment;
        if (typeof env === 'string' && env !== '' && env !== environment) {
          say('notice', `The master put ${config.certname} in environment '${env}' (asked for '${environment}')`);
          environment = env;
        }
      } else if (r.status === 401) {
        // Our certificate is not accepted (Kasper's master refuses a revoked one after the handshake).
        return failure(await client.explainRefusal(`HTTP 401: ${answerText(r)}`));
      } else {
        say('warning', `Could not get the node definition from ${config.server} (HTTP ${r.status}: ${answerText(r)}); going on with environment '${environment}'`);
      }
    } catch (e) {
      // A refused certificate ends the run: no cached catalog is applied for a node its master disowns.
      if (e instanceof CertificateRefused) return failure(await client.explainRefusal(e.detail));
      if (e instanceof AgentError) return failure(e);
      say('warning', `Could not get the node definition from ${config.server} (${(e as Error).message}); going on with environment '${environment}'`, codeOf(e));
    }
    say('info', `Using environment '${environment}'`);
    const get = (path: string, accept: string) => client.call('GET', path, { accept });
    const pluginfactdest = join(config.vardir, 'facts.d');
    if (config.pluginsync) {
      try {
        for (const rel of await pluginfactsync({ get }, pluginfactdest, environment)) say('notice', `Synced external fact ${rel}`);
      } catch (e) {
        say('warning', `Could not sync external facts from ${config.server} (${(e as Error).message}); using those synced before`, codeOf(e));
      }
      try {
        for (const rel of await pluginsync({ get }, config.plugindest, environment)) say('notice', `Synced plugin ${rel}`);
      } catch (e) {
        say('warning', `Could not sync plugins from ${config.server} (${(e as Error).message}); using those synced before`, codeOf(e));
      }
    }
    // The run's own facts (clientcert, clientversion, clientnoop, …) ride with the host's, as Puppet's agent sends them.
    const facts = withLocalFacts(await config.facts({ pluginfactdest }), {
      certname: config.certname, noop: config.noop, agentSpecifiedEnvironment: config.agentSpecifiedEnvironment,
    });
    let catalog: Catalog | undefined;
    let usedCache: string | undefined;
    try {
      catalog = await fetchCatalog(client, config, facts, environment, transactionUuid);
    } catch (e) {
      const why = (e as Error).message;
      if (!existsSync(cachedCatalogPath(config))) return failure(raise('KSP-AGENT-020', { reason: why }, undefined, e));
      usedCache = why;
      say('warning', `Could not get a catalog from ${config.server} (${why}): APPLYING THE CACHED CATALOG`, codeOf(e));
      catalog = parseCatalog(readFileSync(cachedCatalogPath(config), 'utf8'));
    }
    // File sources are read from the environment the catalog was compiled in.
    const files = new FileServer(get, catalog.environment || environment);
    const report = await applyCatalog(catalog, {
      vardir: config.vardir,
      noop: config.noop,
      // Types and providers modules ship come to an agent by pluginsync, into its plugindest.
      modulepath: [],
      libdir: config.plugindest,
      osFamily: osFamilyOf(facts),
      onLog: config.onLog,
      shouldStop: config.shouldStop,
      cachedCatalog: usedCache,
      transactionUuid,
      jobId: asked?.job_id ?? undefined,
      readSource: files.reader(catalog),
      listSource: (source, options) => files.list(source, options),
      deferred: { facts, call: config.deferredFunctions?.(catalog.environment || environment, facts), preprocess: config.preprocess_deferred },
      digestAlgorithm: config.digest_algorithm,
    });
    try {
      const r = await client.call('PUT', `/puppet/v3/report/${config.certname}?${q(report.environment || environment)}`, { body: () => jsonChunks(report, 2, true) });
      if (r.status >= 300) say('warning', `The master did not store the report: HTTP ${r.status} ${answerText(r)}`);
    } catch (e) {
      say('warning', `Could not send the report: ${(e as Error).message}`);
    }
    return { report, usedCache };
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * A run the master asked for that did not happen (another run holds the lock, no catalog and
 * none cached…): a failed report saying why, with the asked run's id, so whoever asked learns
 * it now instead of waiting for a report that will not come.
 */
async function reportNoRun(config: AgentConfig, client: MasterClient, asked: RunRequestEvent, error: string, code?: string): Promise<void> {
  const environment = asked.environment ?? config.environment;
  const report = new Report({ name: config.certname, version: '', environment }, config.noop || asked.noop, asked.transaction_uuid);
  report.job_id = asked.job_id;
  report.log('err', 'Kasper', error, undefined, code);
  report.fail();
  try {
    const r = await client.call('PUT', `/puppet/v3/report/${config.certname}?environment=${encodeURIComponent(environment)}`, { body: JSON.stringify(report) });
    if (r.status >= 300) config.onLog?.('warning', 'Kasper', `The master did not store the report of the run it asked for: HTTP ${r.status} ${answerText(r)}`);
  } catch (e) {
    config.onLog?.('warning', 'Kasper', `Could not send the report of the run the master asked for: ${(e as Error).message}`);
  }
}

/** The stream of run requests from the master, with the client's certificate; none when `run_requests` is off. */
function runListener(config: AgentConfig, client: MasterClient, log: (level: LogLevel, source: string, message: string) => void,
  onRun: (run: RunRequestEvent) => void): RunListener | undefined {
  return config.run_requests ? new RunListener({
    server: config.server, port: config.port, certname: config.certname,
    keyPath: client.keyPath, certPath: client.certPath, caPath: client.caPath,
    log: (level, message) => log(level, 'Kasper', message),
    onRun,
  }) : undefined;
}

/**
 * The run an agent daemon became (supervise.ts): the run in hand, then — in this same process —
 * every run asked for meanwhile (SIGHUP: one more; the master's run requests, over a stream this
 * run keeps open while it lasts), then the supervisor again, or the end of the daemon after
 * SIGTERM (the resource in hand finished, the report sent: exit 0).
 */
async function becameRun(config: AgentConfig, client: MasterClient, once: (asked?: RunRequestEvent) => Promise<number>,
  log: (level: LogLevel, source: string, message: string, code?: string) => void, stopping: () => boolean, stop: () => void, resume: () => never): Promise<number> {
  const asked: RunRequestEvent[] = [];
  let hup = false;
  const onHup = () => {
    hup = true;
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', stop);
  takeEarlySignals({ SIGHUP: onHup, SIGTERM: stop });
  // The master sends a run again down this image's stream when the stream its event went down
  // closed before the report came — as the supervisor's does when it becomes this run: a run this
  // image has taken already is not run twice.
  const taken = new Set<string>(config.daemonRun?.asked ? [config.daemonRun.asked.transaction_uuid] : []);
  const listener = runListener(config, client, log, (run) => {
    if (taken.has(run.transaction_uuid)) return;
    taken.add(run.transaction_uuid);
    asked.push(run);
  });
  listener?.start();
  try {
    let next = config.daemonRun?.asked;
    for (;;) {
      const code = await once(next);
      if (config.daemonRun?.first && !existsSync(client.certPath)) return code === 0 ? 1 : code;
      if (stopping()) break;
      next = asked.shift();
      if (next) continue;
      if (hup) {
        hup = false;
        continue;
      }
      // Synchronously from here: a request or a signal cannot slip in between the look and the change.
      listener?.stop();
      resume();
    }
  } finally {
    listener?.stop();
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', stop);
  }
  log('notice', 'Kasper', 'Kasper agent stopped');
  return 0;
}

/**
 * `kasper agent`: bootstraps the certificate, then runs once (`onetime`) or every
 * `runinterval` (plus up to `splay`) seconds until SIGTERM. SIGHUP starts a run now; SIGTERM
 * lets the resource in hand finish and ends the run there. Everything said goes to `onLog` and
 * to the JSON log at `logdest`. Resolves to the exit code: the run's with `onetime`, else 0.
 */
export async function runDaemon(settings: AgentConfig): Promise<number> {
  const fileLog = openRunLog(settings.logdest, 'agent');
  const log = (level: LogLevel, source: string, message: string, code?: string) => {
    fileLog(level, source, message, code ? { code } : undefined);
    settings.onLog?.(level, source, message, code);
  };
  let stopping = false;
  const config: AgentConfig = { ...settings, onLog: log, shouldStop: () => stopping || Boolean(settings.shouldStop?.()) };
  const client = new MasterClient(config);
  const resume = settings.daemonRun?.resume;
  try {
    await client.bootstrap((m) => log('notice', 'Kasper', m));
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    log('err', 'Kasper', e.message, e.code);
    // A daemon that has a certificate goes on; one that could not get one ends, as runDaemon's bootstrap.
    if (resume && !settings.daemonRun?.first && existsSync(client.certPath)) resume();
    return 1;
  }
  const once = async (asked?: RunRequestEvent): Promise<number> => {
    const r = await agentRun(config, client, asked);
    if (!r.report) {
      log('err', 'Kasper', r.error ?? 'the run failed', r.code);
      if (asked) await reportNoRun(config, client, asked, r.error ?? 'the run failed', r.code);
      return 1;
    }
    log('notice', 'Kasper', `${r.report.summary()}${r.usedCache ? ' (CACHED CATALOG)' : ''}`);
    return exitCodeOf(r.report, config.detailed_exitcodes);
  };
  if (config.onetime && resume) return becameRun(config, client, once, log, () => stopping, () => { stopping = true; }, resume);
  if (config.onetime) {
    // SIGTERM lets the resource in hand finish and ends the run there (the report says so).
    const onTerm = () => {
      stopping = true;
    };
    const ignore = () => {};
    process.on('SIGTERM', onTerm);
    if (config.daemonRun) process.on('SIGHUP', ignore);
    takeEarlySignals({ SIGHUP: ignore, SIGTERM: onTerm });
    try {
      return await once(config.daemonRun?.asked);
    } finally {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', ignore);
    }
  }

  // Runs the master asks for (kasper run), in the order asked, each with its own id.
  const asked: RunRequestEvent[] = [];
  const clock = new RunClock();
  const onHup = () => clock.wake();
  // `on`, not `once`: execa's signal-exit re-raises a signal that has no other listener left,
  // which would kill the daemon in the middle of a resource.
  const onTerm = () => {
    stopping = true;
    clock.wake();
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  const listener = runListener(config, client, log, (run) => {
    asked.push(run);
    clock.wake();
  });
  listener?.start();
  try {
    // The first run, then every runinterval (plus splay) or as soon as a run is asked for.
    let next: RunRequestEvent | undefined;
    while (!stopping) {
      await once(next);
      if (stopping) break;
      next = asked.shift();
      if (next) continue;
      await clock.sleep(config.runinterval, config.splay);
      next = asked.shift();
    }
  } finally {
    listener?.stop();
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
  }
  log('notice', 'Kasper', 'Kasper agent stopped');
  return 0;
}
