// The work behind `kasper master`, `kasper agent`, `kasper ca …`, `kasper node …` and
// `kasper report …`: wiring of @kasper/master, @kasper/ca, @kasper/agent and @kasper/storage.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { CertificateAuthority, CAError } from '@kasper/ca';
import { openStorage } from '@kasper/storage';
import type { Output } from './output.ts';

export interface FleetOpts {
  confdir?: string;
  vardir?: string;
}

/** Defaults as Puppet's: /etc/kasper and /var/lib/kasper as root, ~/.kasper otherwise. */
export function dirs(opts: FleetOpts): { confdir: string; vardir: string } {
  const root = process.getuid?.() === 0;
  const home = process.env.HOME ?? '/tmp';
  return {
    confdir: resolve(opts.confdir ?? (root ? '/etc/kasper' : join(home, '.kasper', 'etc'))),
    vardir: resolve(opts.vardir ?? (root ? '/var/lib/kasper' : join(home, '.kasper', 'var'))),
  };
}

/** `key = value` lines of <confdir>/kasper.conf (flags win over it). */
export function readConf(confdir: string): Record<string, string> {
  const p = join(confdir, 'kasper.conf');
  const out: Record<string, string> = {};
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#')) out[m[1]] = m[2];
  }
  return out;
}

export interface MasterOpts extends FleetOpts {
  bind?: string;
  port?: string;
  certname?: string;
  dnsAltNames?: string;
  environmentpath?: string;
  basemodulepath?: string;
  storage?: string;
  autosign?: string;
  autosignPolicy?: string;
  workers?: string;
}

export async function runMaster(opts: MasterOpts, out: Output): Promise<void> {
  const { confdir, vardir } = dirs(opts);
  const conf = readConf(confdir);
  const { startMaster } = await import('@kasper/master');
  const certname = opts.certname ?? conf.certname ?? hostname();
  const started = performance.now();
  const master = await startMaster({
    confdir, vardir,
    bind: opts.bind ?? conf.bind ?? '0.0.0.0',
    port: Number(opts.port ?? conf.port ?? 8140),
    certname,
    dnsAltNames: (opts.dnsAltNames ?? conf.dns_alt_names ?? `${certname},localhost`).split(',').map((s) => s.trim()).filter(Boolean),
    environmentpath: resolve(opts.environmentpath ?? conf.environmentpath ?? join(confdir, 'environments')),
    basemodulepath: (opts.basemodulepath ?? conf.basemodulepath ?? '').split(':').filter(Boolean).map((p) => resolve(p)),
    storage: opts.storage ?? conf.storage,
    autosign: {
      allow: (opts.autosign ?? conf.autosign) ? (opts.autosign ?? conf.autosign)!.split(',').map((s) => s.trim()) : undefined,
      policyExecutable: opts.autosignPolicy ?? conf.autosign_policy,
    },
    compileWorkers: opts.workers ? Number(opts.workers) : conf.compile_workers ? Number(conf.compile_workers) : undefined,
    compileHeapMb: conf.compile_heap_mb ? Number(conf.compile_heap_mb) : undefined,
    catalogCacheBytes: conf.catalog_cache_mb ? Number(conf.catalog_cache_mb) * 1024 * 1024 : undefined,
  });
  out.stdout(`Kasper master ${certname} listening on ${master.url} (ready in ${((performance.now() - started) / 1000).toFixed(2)} s)\n`);
  await new Promise<void>((resolveStop) => {
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      out.stdout('Kasper master stopping\n');
      void master.close().then(resolveStop);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function runCa(action: string, names: string[], opts: FleetOpts & { all?: boolean; dnsAltNames?: string; allowDnsAltNames?: boolean; format?: string }, out: Output): Promise<void> {
  const { confdir } = dirs(opts);
  const ca = new CertificateAuthority(confdir);
  try {
    if (action === 'setup') {
      ca.setup();
      out.stdout(`CA ready in ${ca.dir}\n`);
      return;
    }
    if (!ca.initialized) throw new CAError(`No CA in ${ca.dir}: run 'kasper ca setup' (or start the master) first`);
    switch (action) {
      case 'list': {
        const list = ca.list(Boolean(opts.all));
        if (opts.format === 'json') out.stdout(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) out.stdout(opts.all ? 'No certificates\n' : 'No pending certificate requests (--all lists signed and revoked ones too)\n');
        else for (const c of list) out.stdout(`${c.state === 'requested' ? ' ' : c.state === 'signed' ? '+' : '-'} ${c.name.padEnd(36)} (SHA256) ${c.fingerprint}${c.dnsAltNames.length ? ` alt names: ${c.dnsAltNames.join(', ')}` : ''}${Object.keys(c.extensions).length ? ` ${Object.entries(c.extensions).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}${c.state === 'revoked' ? ' (revoked)' : ''}\n`);
        return;
      }
      case 'sign': {
        const targets = opts.all ? ca.list().map((c) => c.name) : names;
        if (targets.length === 0) throw new CAError(opts.all ? 'No pending certificate requests' : 'Name the nodes to sign, or use --all');
        for (const n of targets) {
          ca.sign(n, { allowDnsAltNames: opts.allowDnsAltNames });
          out.stdout(`Signed certificate for ${n}\n`);
        }
        return;
      }
      case 'revoke':
        for (const n of names) {
          ca.revoke(n);
          out.stdout(`Revoked the certificate of ${n}; the CRL is updated\n`);
        }
        return;
      case 'clean':
        for (const n of names) {
          ca.clean(n);
          out.stdout(`Removed every certificate and request for ${n}\n`);
        }
        return;
      case 'generate':
        for (const n of names) {
          const { keyPem, certPem } = ca.generate(n, (opts.dnsAltNames ?? '').split(',').filter(Boolean));
          const { writeFileSync, mkdirSync } = await import('node:fs');
          mkdirSync(join(confdir, 'ssl', 'private_keys'), { recursive: true });
          mkdirSync(join(confdir, 'ssl', 'certs'), { recursive: true });
          writeFileSync(join(confdir, 'ssl', 'private_keys', `${n}.pem`), keyPem, { mode: 0o600 });
          writeFileSync(join(confdir, 'ssl', 'certs', `${n}.pem`), certPem);
          out.stdout(`Generated a key and signed certificate for ${n} in ${join(confdir, 'ssl')}\n`);
        }
        return;
      case 'show':
        for (const n of names) {
          const info = ca.info(n);
          if (!info) throw new CAError(`Nothing known about ${n}`, 404);
          out.stdout(`${JSON.stringify(info, null, 2)}\n`);
        }
        return;
      default:
        throw new CAError(`Unknown action '${action}': use setup, list, sign, revoke, clean, generate or show`);
    }
  } catch (e) {
    if (!(e instanceof CAError)) throw e;
    out.stderr(`kasper ca: ${e.message}\n`);
    out.exitCode = 1;
  }
}

export interface AgentOpts extends FleetOpts {
  server?: string;
  port?: string;
  certname?: string;
  environment?: string;
  waitforcert?: string;
  onetime?: boolean;
  noop?: boolean;
  test?: boolean;
  runinterval?: string;
  splay?: string;
  detailedExitcodes?: boolean;
}

export async function runAgent(opts: AgentOpts, out: Output): Promise<void> {
  const { confdir, vardir } = dirs(opts);
  const conf = readConf(confdir);
  const { MasterClient, agentRun, AgentError } = await import('@kasper/agent');
  const { collectFacts } = await import('@kasper/facts');
  const onetime = Boolean(opts.onetime || opts.test);
  let stopping = false;
  let runNow: (() => void) | null = null;
  const config = {
    server: opts.server ?? conf.server ?? 'kasper',
    port: Number(opts.port ?? conf.port ?? 8140),
    certname: opts.certname ?? conf.certname ?? (await collectFacts({ names: ['fqdn'] })).fqdn as string ?? hostname(),
    confdir, vardir,
    environment: opts.environment ?? conf.environment ?? 'production',
    noop: Boolean(opts.noop),
    waitforcert: Number(opts.waitforcert ?? conf.waitforcert ?? (onetime ? 0 : 120)),
    facts: () => collectFacts(),
    onLog: (level: string, source: string, message: string) => {
      if (level === 'debug') return;
      const label = { info: 'Info', notice: 'Notice', warning: 'Warning', err: 'Error' }[level] ?? level;
      const text = `${label}: ${source === 'Kasper' ? message : `${source}: ${message}`}\n`;
      (level === 'err' || level === 'warning' ? out.stderr : out.stdout)(text);
    },
    shouldStop: () => stopping,
  };
  const client = new MasterClient(config);
  try {
    await client.bootstrap((m) => out.stdout(`Notice: ${m}\n`));
  } catch (e) {
    if (!(e instanceof AgentError)) throw e;
    out.stderr(`Error: ${e.message}\n`);
    out.exitCode = 1;
    return;
  }
  const once = async () => {
    const r = await agentRun(config, client);
    if (r.error) {
      out.stderr(`Error: ${r.error}\n`);
      return opts.detailedExitcodes ? 1 : 1;
    }
    out.stdout(`Notice: ${r.report!.summary()}${r.usedCache ? ' (CACHED CATALOG)' : ''}\n`);
    return opts.detailedExitcodes || opts.test ? r.report!.detailedExitCode : r.report!.failed ? 1 : 0;
  };
  if (onetime) {
    out.exitCode = await once();
    return;
  }
  const interval = Number(opts.runinterval ?? conf.runinterval ?? 1800);
  const splay = Number(opts.splay ?? conf.splay ?? 0);
  process.on('SIGHUP', () => runNow?.());
  // `on`, not `once`: execa's signal-exit re-raises a signal that has no other listener left,
  // which would kill the daemon in the middle of a resource.
  process.on('SIGTERM', () => {
    stopping = true;
    runNow?.();
  });
  while (!stopping) {
    await once();
    if (stopping) break;
    const wait = (interval + Math.random() * splay) * 1000;
    await new Promise<void>((r) => {
      const t = setTimeout(r, wait);
      runNow = () => {
        clearTimeout(t);
        r();
      };
    });
    runNow = null;
  }
  out.stdout('Notice: Kasper agent stopped\n');
}

export function storageFor(opts: FleetOpts & { storage?: string }) {
  const { confdir, vardir } = dirs(opts);
  return openStorage(opts.storage ?? readConf(confdir).storage ?? join(vardir, 'kasper.db'));
}

export async function runNode(action: string, name: string | undefined, opts: FleetOpts & { storage?: string; format?: string }, out: Output): Promise<void> {
  const db = storageFor(opts);
  await db.init();
  try {
    if (action === 'list') {
      const nodes = await db.listNodes();
      if (opts.format === 'json') out.stdout(`${JSON.stringify(nodes, null, 2)}\n`);
      else for (const n of nodes) {
        const state = n.failing ? (n.cachedCatalogStatus && n.cachedCatalogStatus !== 'not_used' ? 'FAILING (cached catalog)' : 'FAILING') : (n.reportStatus ?? 'no report');
        out.stdout(`${n.name.padEnd(36)} ${state.padEnd(24)} last report ${n.reportAt ?? '—'}\n`);
      }
      return;
    }
    if (action === 'show' && name) {
      const n = await db.getNode(name);
      if (!n) {
        out.stderr(`kasper node: nothing stored for ${name}\n`);
        out.exitCode = 1;
        return;
      }
      out.stdout(`${JSON.stringify({ ...n, facts: await db.getFacts(name), reports: await db.listReports(name, 10) }, null, 2)}\n`);
      return;
    }
    out.stderr('kasper node: use list, or show NAME\n');
    out.exitCode = 1;
  } finally {
    await db.close();
  }
}

export async function runReport(action: string, arg: string | undefined, opts: FleetOpts & { storage?: string; node?: string }, out: Output): Promise<void> {
  const db = storageFor(opts);
  await db.init();
  try {
    if (action === 'list') {
      for (const r of await db.listReports(opts.node, 50)) out.stdout(`${String(r.id).padStart(6)} ${r.node.padEnd(32)} ${r.time} ${r.status}${r.noop ? ' (noop)' : ''}${r.cachedCatalogStatus !== 'not_used' ? ' (cached catalog)' : ''}\n`);
      return;
    }
    if (action === 'show' && arg) {
      const r = await db.getReport(Number(arg));
      if (!r) {
        out.stderr(`kasper report: no report ${arg}\n`);
        out.exitCode = 1;
        return;
      }
      out.stdout(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    out.stderr('kasper report: use list [--node NAME], or show ID\n');
    out.exitCode = 1;
  } finally {
    await db.close();
  }
}
