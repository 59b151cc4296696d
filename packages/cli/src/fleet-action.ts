// The work behind `kasper master`, `kasper agent`, `kasper ca …`, `kasper node …` and
// `kasper report …`: wiring of @kasper/master, @kasper/ca, @kasper/agent and @kasper/storage.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { CertificateAuthority, CAError, certnamePath } from '@kasper/ca';
import { writeFileAtomic } from '@kasper/files';
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
      policyTimeoutMs: conf.autosign_policy_timeout ? Number(conf.autosign_policy_timeout) * 1000 : undefined,
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

/**
 * Text from a CSR or certificate (names, alt names, extension values) as it may reach a terminal:
 * control characters (C0, DEL, C1), bidirectional overrides and line separators become escapes —
 * `\x1b`, `\n`, `\u202e` — and a backslash is doubled, so a value cannot draw a fake line.
 */
export function terminalSafe(s: string): string {
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON whose strings carry no raw terminal controls: JSON.stringify leaves DEL, C1 and bidi characters as they are. */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface CaOpts extends FleetOpts {
  all?: boolean;
  certname?: string;
  dnsAltNames?: string;
  allowDnsAltNames?: boolean;
  allowAuthorizationExtensions?: boolean;
  format?: string;
}

/**
 * Writes a node's key (0600, in a 0700 folder) and certificate where the master and agent look for
 * them; run as root for a CA that belongs to another user (the master's), they belong to that user.
 */
function writeCredentials(ca: CertificateAuthority, confdir: string, name: string, keyPem: string, certPem: string): { keyPath: string; certPath: string } {
  const st = statSync(ca.dir);
  const owner = process.getuid?.() === 0 && st.uid !== 0 ? { uid: st.uid, gid: st.gid } : undefined;
  const ssl = join(confdir, 'ssl');
  for (const [dir, mode] of [[ssl, 0o755], [join(ssl, 'private_keys'), 0o700], [join(ssl, 'certs'), 0o755]] as const) {
    if (!existsSync(dir)) {
      mkdirSync(dir, { mode });
      if (owner) chownSync(dir, owner.uid, owner.gid);
    }
  }
  chmodSync(join(ssl, 'private_keys'), 0o700);
  const keyPath = certnamePath(ssl, 'private_keys', name);
  const certPath = certnamePath(ssl, 'certs', name);
  writeFileAtomic(keyPath, keyPem, 0o600, owner);
  writeFileAtomic(certPath, certPem, 0o644, owner);
  return { keyPath, certPath };
}

export async function runCa(action: string, names: string[], opts: CaOpts, out: Output): Promise<void> {
  const { confdir } = dirs(opts);
  const ca = new CertificateAuthority(confdir);
  try {
    if (action === 'setup') {
      ca.setup();
      out.stdout(`CA ready in ${ca.dir}\n`);
      if (opts.dnsAltNames !== undefined) {
        // As `puppetserver ca setup --subject-alt-names`: the master's own key and certificate,
        // with these alt names; the master uses an existing pair rather than making its own.
        const certname = opts.certname ?? readConf(confdir).certname ?? hostname();
        const altNames = opts.dnsAltNames.split(',').map((s) => s.trim()).filter(Boolean);
        const ssl = join(confdir, 'ssl');
        const keyPath = certnamePath(ssl, 'private_keys', certname);
        const certPath = certnamePath(ssl, 'certs', certname);
        const existing = [keyPath, certPath].filter((p) => existsSync(p));
        if (existing.length || ca.certificatePem(certname)) {
          throw new CAError(`${certname} already has a ${existing.length ? `key or certificate (${existing.join(', ')})` : 'signed certificate'}; to give it other alt names: 'kasper ca clean ${certname}', remove ${keyPath} and ${certPath}, then run 'kasper ca setup --dns-alt-names …' again`);
        }
        const { keyPem, certPem } = ca.generate(certname, altNames);
        writeCredentials(ca, confdir, certname, keyPem, certPem);
        out.stdout(`Generated the master's key and certificate for ${certname}${altNames.length ? ` (alt names ${altNames.join(', ')})` : ''} in ${ssl}\n`);
      }
      return;
    }
    if (opts.certname !== undefined) throw new CAError('--certname is for setup (with --dns-alt-names)');
    if (!ca.initialized) throw new CAError(`No CA in ${ca.dir}: run 'kasper ca setup' (or start the master) first`);
    switch (action) {
      case 'list': {
        const list = ca.list(Boolean(opts.all));
        if (opts.format === 'json') out.stdout(`${terminalSafeJson(list)}\n`);
        else if (list.length === 0) out.stdout(opts.all ? 'No certificates\n' : 'No pending certificate requests (--all lists signed and revoked ones too)\n');
        else for (const c of list) {
          const alt = c.dnsAltNames.length ? ` alt names: ${c.dnsAltNames.map(terminalSafe).join(', ')}` : '';
          const exts = Object.keys(c.extensions).length ? ` ${Object.entries(c.extensions).map(([k, v]) => `${terminalSafe(k)}=${terminalSafe(v)}`).join(' ')}` : '';
          out.stdout(`${c.state === 'requested' ? ' ' : c.state === 'signed' ? '+' : '-'} ${terminalSafe(c.name).padEnd(36)} (SHA256) ${c.fingerprint}${alt}${exts}${c.state === 'revoked' ? ' (revoked)' : ''}\n`);
        }
        return;
      }
      case 'sign': {
        const options = { allowDnsAltNames: opts.allowDnsAltNames, allowAuthorizationExtensions: opts.allowAuthorizationExtensions };
        if (!opts.all) {
          if (names.length === 0) throw new CAError('Name the nodes to sign, or use --all');
          for (const n of names) {
            ca.sign(n, options);
            out.stdout(`Signed certificate for ${n}\n`);
          }
          return;
        }
        // --all: as puppetserver's `ca sign --all`, every request that can be signed is, the
        // others are named with the reason, and the exit code is 1 if any was left.
        const pending = ca.list().map((c) => c.name);
        if (pending.length === 0) throw new CAError('No pending certificate requests');
        const skipped: string[] = [];
        for (const n of pending) {
          try {
            ca.sign(n, options);
            out.stdout(`Signed certificate for ${n}\n`);
          } catch (e) {
            if (!(e instanceof CAError)) throw e;
            // The master may have autosigned it between the listing and now.
            if (e.status === 404 || e.status === 409) {
              if (ca.certificatePem(n)) {
                out.stdout(`${n} was signed meanwhile by another process\n`);
                continue;
              }
              if (e.status === 404) continue; // cleaned meanwhile
            }
            skipped.push(n);
            out.stderr(`kasper ca: not signed: ${terminalSafe(e.message)}\n`);
          }
        }
        if (skipped.length) {
          out.stderr(`kasper ca: ${skipped.length} of ${pending.length} requests not signed (${skipped.join(', ')})\n`);
          out.exitCode = 1;
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
          const { keyPem, certPem } = ca.generate(n, (opts.dnsAltNames ?? '').split(',').map((s) => s.trim()).filter(Boolean));
          writeCredentials(ca, confdir, n, keyPem, certPem);
          out.stdout(`Generated a key and signed certificate for ${n} in ${join(confdir, 'ssl')}\n`);
        }
        return;
      case 'show':
        for (const n of names) {
          const info = ca.info(n);
          if (!info) throw new CAError(`Nothing known about ${n}`, 404);
          out.stdout(`${terminalSafeJson(info)}\n`);
        }
        return;
      default:
        throw new CAError(`Unknown action '${action}': use setup, list, sign, revoke, clean, generate or show`);
    }
  } catch (e) {
    if (!(e instanceof CAError)) throw e;
    out.stderr(`kasper ca: ${terminalSafe(e.message)}\n`);
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
