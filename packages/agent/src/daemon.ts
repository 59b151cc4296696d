// The agent daemon: bootstraps its certificate with the master's CA, then on every run gets a
// fresh catalog over mutual TLS, applies it and sends the report; every runinterval, or once.
// When the master cannot give a catalog it applies the last one it had, and says so: the report
// records it.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseCatalog, type Catalog, type LogLevel, type Report } from '@kasper/catalog';
// The agent's one use of the CA package: making its key and CSR, the client side of the CA's
// protocol (docs/architecture.md records the exception). Loaded only when a key or CSR is made.
import type { CsrOptions } from '@kasper/ca';
import type { SettingsFor } from '@kasper/settings';
import { writeFileAtomic } from '@kasper/files';
import { applyCatalog, exitCodeOf, openRunLog } from './apply.ts';
import { pluginsync } from './plugins.ts';

/** What an agent needs: its settings (as `kasper agent` resolves them) and its ways to the host and the terminal. */
export interface AgentConfig extends SettingsFor<'agent'> {
  csr?: CsrOptions;
  /** Collects this host's facts (plain JSON). */
  facts: () => Promise<Record<string, unknown>>;
  onLog?: (level: LogLevel, source: string, message: string) => void;
  /** Checked between resources: true ends the run after the resource in hand. */
  shouldStop?: () => boolean;
}

export class AgentError extends Error {}

interface HttpResult {
  status: number;
  body: Buffer;
}

export class MasterClient {
  private readonly config: AgentConfig;
  constructor(config: AgentConfig) {
    this.config = config;
  }

  private ssl(...p: string[]): string {
    return join(this.config.confdir, 'ssl', ...p);
  }

  get keyPath() { return this.ssl('private_keys', `${this.config.certname}.pem`); }
  get certPath() { return this.ssl('certs', `${this.config.certname}.pem`); }
  get caPath() { return this.ssl('certs', 'ca.pem'); }

  /** One HTTPS request; with `auth`, our certificate and key go along. */
  call(method: string, path: string, body?: string | Buffer, contentType = 'application/json', auth = true): Promise<HttpResult> {
    const { server, port } = this.config;
    const haveCa = existsSync(this.caPath);
    return new Promise((resolve, reject) => {
      const req = request({
        host: server, port, method, path,
        headers: { 'content-type': contentType, accept: 'application/json, text/plain', 'accept-encoding': 'gzip' },
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
            reject(new Error(`the master's answer could not be inflated: ${(e as Error).message}`));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('the master did not answer in time')));
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });
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
      const ca = await this.call('GET', '/puppet-ca/v1/certificate/ca', undefined, 'text/plain', false);
      if (ca.status !== 200) throw new AgentError(`Could not get the CA certificate from ${this.config.server}: HTTP ${ca.status}`);
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
      const r = await this.call('GET', `/puppet-ca/v1/certificate/${certname}`, undefined, 'text/plain', false);
      if (r.status === 200) {
        writeFileAtomic(this.certPath, r.body);
        return true;
      }
      return false;
    };
    if (await fetchCert()) return;
    const csrPath = this.ssl('certificate_requests.pem');
    if (!existsSync(csrPath)) {
      const pub = readFileSync(this.ssl('public_keys.pem'), 'utf8');
      writeFileAtomic(csrPath, makeCsr(certname, readFileSync(this.keyPath, 'utf8'), pub, this.config.csr));
      const r = await this.call('PUT', `/puppet-ca/v1/certificate_request/${certname}`, readFileSync(csrPath), 'text/plain', false);
      if (r.status >= 300) {
        rmSync(csrPath, { force: true });
        throw new AgentError(`The master refused the certificate request: ${r.body.toString().trim()}`);
      }
      log(`Submitted a certificate request for ${certname} (${r.body.toString().trim()})`);
    }
    if (await fetchCert()) return;
    if (this.config.waitforcert <= 0) {
      throw new AgentError(`No certificate for ${certname} yet and waitforcert is 0: sign it on the master ('kasper ca sign ${certname}') and run again`);
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
  error?: string;
}

/** One agent run: plugins → facts → catalog (or the cached one) → apply → report. */
export async function agentRun(config: AgentConfig, client: MasterClient): Promise<RunOutcome> {
  const lock = join(config.vardir, 'state', 'agent_catalog_run.lock');
  if (!acquireLock(lock)) return { report: null, error: 'Another agent run is in progress (lock held); skipping this one' };
  try {
    if (config.pluginsync) {
      try {
        for (const rel of await pluginsync({ get: (path) => client.call('GET', path) }, config.plugindest, config.environment)) {
          config.onLog?.('notice', 'Kasper', `Synced plugin ${rel}`);
        }
      } catch (e) {
        config.onLog?.('warning', 'Kasper', `Could not sync plugins from ${config.server} (${(e as Error).message}); using those synced before`);
      }
    }
    const facts = await config.facts();
    let catalog: Catalog | undefined;
    let usedCache: string | undefined;
    try {
      const r = await client.call('POST', `/puppet/v3/catalog/${config.certname}?environment=${encodeURIComponent(config.environment)}`,
        JSON.stringify({ facts: { name: config.certname, values: facts }, environment: config.environment }));
      if (r.status !== 200) throw new AgentError(`the master answered HTTP ${r.status}: ${r.body.toString().slice(0, 500)}`);
      const text = r.body.toString();
      catalog = parseCatalog(text);
      mkdirSync(join(cachedCatalogPath(config), '..'), { recursive: true });
      writeFileAtomic(cachedCatalogPath(config), text, 0o640);
    } catch (e) {
      const why = (e as Error).message;
      if (!existsSync(cachedCatalogPath(config))) return { report: null, error: `Could not get a catalog (${why}) and there is no cached catalog` };
      usedCache = why;
      config.onLog?.('warning', 'Kasper', `Could not get a catalog from ${config.server} (${why}): APPLYING THE CACHED CATALOG`);
      catalog = parseCatalog(readFileSync(cachedCatalogPath(config), 'utf8'));
    }
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
      readSource: async (source) => {
        const m = /^puppet:\/\/[^/]*\/(modules\/.+)$/.exec(source);
        if (!m) return undefined;
        const r = await client.call('GET', `/puppet/v3/file_content/${m[1]}?environment=${encodeURIComponent(config.environment)}`);
        return r.status === 200 ? r.body : undefined;
      },
    });
    const json = JSON.stringify(report);
    try {
      const r = await client.call('PUT', `/puppet/v3/report/${config.certname}`, json);
      if (r.status >= 300) config.onLog?.('warning', 'Kasper', `The master did not store the report: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
    } catch (e) {
      config.onLog?.('warning', 'Kasper', `Could not send the report: ${(e as Error).message}`);
    }
    return { report, usedCache };
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * `kasper agent`: bootstraps the certificate, then runs once (`onetime`) or every
 * `runinterval` (plus up to `splay`) seconds until SIGTERM. SIGHUP starts a run now; SIGTERM
 * lets the resource in hand finish and ends the run there. Everything said goes to `onLog` and
 * to the JSON log at `logdest`. Resolves to the exit code: the run's with `onetime`, else 0.
 */
export async function runDaemon(settings: AgentConfig): Promise<number> {
  const fileLog = openRunLog(settings.logdest, 'agent');
  const log = (level: LogLevel, source: string, message: string) => {
    fileLog(level, source, message);
    settings.onLog?.(level, source, message);
  };
  let stopping = false;
  const config: AgentConfig = { ...settings, onLog: log, shouldStop: () => stopping || Boolean(settings.shouldStop?.()) };
  const client = new MasterClient(config);
  try {
    await client.bootstrap((m) => log('notice', 'Kasper', m));
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    log('err', 'Kasper', e.message);
    return 1;
  }
  const once = async (): Promise<number> => {
    const r = await agentRun(config, client);
    if (!r.report) {
      log('err', 'Kasper', r.error ?? 'the run failed');
      return 1;
    }
    log('notice', 'Kasper', `${r.report.summary()}${r.usedCache ? ' (CACHED CATALOG)' : ''}`);
    return exitCodeOf(r.report, config.detailed_exitcodes);
  };
  if (config.onetime) return once();

  let runNow: (() => void) | null = null;
  const onHup = () => runNow?.();
  // `on`, not `once`: execa's signal-exit re-raises a signal that has no other listener left,
  // which would kill the daemon in the middle of a resource.
  const onTerm = () => {
    stopping = true;
    runNow?.();
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  try {
    while (!stopping) {
      await once();
      if (stopping) break;
      const wait = (config.runinterval + Math.random() * config.splay) * 1000;
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        runNow = () => {
          clearTimeout(t);
          r();
        };
      });
      runNow = null;
    }
  } finally {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
  }
  log('notice', 'Kasper', 'Kasper agent stopped');
  return 0;
}
