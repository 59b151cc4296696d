// The work behind `kasper master`, `kasper ca …`, `kasper node …` and `kasper report …`: wiring
// of @kasper/master, @kasper/ca and @kasper/storage (`kasper agent` is agent-action.ts).
import { join } from 'node:path';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { CertificateAuthority, CAError, CA_MESSAGES, certnamePath } from '@kasper/ca';
import { raiser } from '@kasper/diagnostics';

const raiseCa = raiser(CA_MESSAGES, CAError);
import { writeFileAtomic } from '@kasper/files';
import { openStorage } from '@kasper/storage';
import { Resolver, resolveSettings } from '@kasper/settings';
import { printError, type Output } from './output.ts';
import { raise } from './messages.ts';
import { fromFlags } from './settings.ts';

/** The flags every fleet command takes (the rest of a command's flags are its settings'). */
export interface FleetOpts {
  confdir?: string;
  vardir?: string;
}

export async function runMaster(opts: Record<string, unknown>, out: Output): Promise<void> {
  const s = await resolveSettings('master', fromFlags(opts));
  const { startMaster } = await import('@kasper/master');
  // What the master says of itself in $server_facts, from Facter's facts as Puppet takes them.
  const { collectFacts } = await import('@kasper/facts');
  const host = await collectFacts({ names: ['fqdn', 'ipaddress', 'ipaddress6'] });
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const started = performance.now();
  const master = await startMaster({
    confdir: s.confdir, vardir: s.vardir, bind: s.bind, port: s.port, certname: s.certname,
    dnsAltNames: s.dns_alt_names, environmentpath: s.environmentpath, basemodulepath: s.basemodulepath,
    storage: s.storage, caServer: s.ca_server, caRefreshSeconds: s.ca_refresh,
    autosign: {
      allow: s.autosign,
      policyExecutable: s.autosign_policy,
      policyTimeoutMs: s.autosign_policy_timeout !== undefined ? s.autosign_policy_timeout * 1000 : undefined,
    },
    externalNodes: s.external_nodes,
    compileWorkers: s.compile_workers,
    compileHeapMb: s.compile_heap_mb,
    catalogCacheBytes: s.catalog_cache_mb !== undefined ? s.catalog_cache_mb * 1024 * 1024 : undefined,
    queryAllow: s.query_allow, reportTtl: s.report_ttl, nodeTtl: s.node_ttl, nodePurgeTtl: s.node_purge_ttl, gcInterval: s.gc_interval,
    runHeartbeatSeconds: s.run_heartbeat,
    host: { fqdn: text(host.fqdn), ipaddress: text(host.ipaddress), ipaddress6: text(host.ipaddress6) },
  }, { log: (line: string) => out.stdout(`${line}\n`) });
  out.stdout(`Kasper master ${s.certname} listening on ${master.url} (ready in ${((performance.now() - started) / 1000).toFixed(2)} s)\n`);
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
  // The CA belongs to the master: its settings are the [master] section's.
  const settings = new Resolver('master', fromFlags(opts));
  const confdir = await settings.get('confdir');
  const ca = new CertificateAuthority(confdir);
  try {
    if (action === 'setup') {
      ca.setup();
      out.stdout(`CA ready in ${ca.dir}\n`);
      if (opts.dnsAltNames !== undefined) {
        // As `puppetserver ca setup --subject-alt-names`: the master's own key and certificate,
        // with these alt names; the master uses an existing pair rather than making its own.
        const certname = await settings.get('certname');
        const altNames = opts.dnsAltNames.split(',').map((s) => s.trim()).filter(Boolean);
        const ssl = join(confdir, 'ssl');
        const keyPath = certnamePath(ssl, 'private_keys', certname);
        const certPath = certnamePath(ssl, 'certs', certname);
        const existing = [keyPath, certPath].filter((p) => existsSync(p));
        if (existing.length || ca.certificatePem(certname)) {
          throw raiseCa('KSP-CA-021', { name: certname, what: existing.length ? `a key or certificate (${existing.join(', ')})` : 'a signed certificate', keyPath, certPath });
        }
        const { keyPem, certPem } = ca.generate(certname, altNames);
        writeCredentials(ca, confdir, certname, keyPem, certPem);
        out.stdout(`Generated the master's key and certificate for ${certname}${altNames.length ? ` (alt names ${altNames.join(', ')})` : ''} in ${ssl}\n`);
      }
      return;
    }
    if (opts.certname !== undefined) throw raiseCa('KSP-CA-022');
    if (!ca.initialized) throw raiseCa('KSP-CA-023', { dir: ca.dir });
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
          if (names.length === 0) throw raiseCa('KSP-CA-024');
          for (const n of names) {
            ca.sign(n, options);
            out.stdout(`Signed certificate for ${n}\n`);
          }
          return;
        }
        // --all: as puppetserver's `ca sign --all`, every request that can be signed is, the
        // others are named with the reason, and the exit code is 1 if any was left.
        const pending = ca.list().map((c) => c.name);
        if (pending.length === 0) throw raiseCa('KSP-CA-025');
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
            printError(out, 'ca', e, terminalSafe);
          }
        }
        if (skipped.length) printError(out, 'ca', raise('KSP-CLI-025', { count: skipped.length, total: pending.length, names: skipped.join(', ') }), terminalSafe);
        return;
      }
      case 'revoke':
        for (const n of names) {
          ca.revoke(n);
          out.stdout(`Revoked the certificate of ${n}; the CRL is updated\n`);
        }
        return;
      case 'clean': {
        for (const n of names) {
          ca.clean(n);
          out.stdout(`Removed every certificate and request for ${n}\n`);
        }
        // A node whose certificate is gone is deactivated too (as `puppet node clean`): other
        // nodes stop collecting its exported resources.
        const db = await storageFor(opts);
        await db.init();
        try {
          for (const n of names) {
            if ((await db.getNode(n)) && (await db.deactivateNode(n))) out.stdout(`Deactivated ${n} in the master's storage\n`);
          }
        } finally {
          await db.close();
        }
        return;
      }
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
          if (!info) throw raiseCa('KSP-CA-026', { name: n });
          out.stdout(`${terminalSafeJson(info)}\n`);
        }
        return;
      default:
        throw raiseCa('KSP-CA-027', { action });
    }
  } catch (e) {
    if (!(e instanceof CAError)) throw e;
    printError(out, 'ca', e, terminalSafe);
  }
}

export async function storageFor(opts: FleetOpts & { storage?: string }) {
  return openStorage(await new Resolver('master', fromFlags(opts)).get('storage'));
}

export async function runNode(action: string, names: string[], opts: FleetOpts & { storage?: string; format?: string }, out: Output): Promise<void> {
  const name = names[0] as string | undefined;
  const db = await storageFor(opts);
  await db.init();
  try {
    if (action === 'deactivate' && names.length) {
      for (const n of names) {
        if (!(await db.deactivateNode(n))) throw raise('KSP-CLI-014', { name: n });
        out.stdout(`Deactivated ${n}: its exported resources are no longer collected\n`);
      }
      return;
    }
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
      if (!n) throw raise('KSP-CLI-014', { name });
      out.stdout(`${JSON.stringify({ ...n, facts: await db.getFacts(name), reports: await db.listReports(name, 10) }, null, 2)}\n`);
      return;
    }
    throw raise('KSP-CLI-015');
  } finally {
    await db.close();
  }
}

export async function runReport(action: string, arg: string | undefined, opts: FleetOpts & { storage?: string; node?: string }, out: Output): Promise<void> {
  const db = await storageFor(opts);
  await db.init();
  try {
    if (action === 'list') {
      for (const r of await db.listReports(opts.node, 50)) out.stdout(`${String(r.id).padStart(6)} ${r.node.padEnd(32)} ${r.time} ${r.status}${r.noop ? ' (noop)' : ''}${r.cachedCatalogStatus !== 'not_used' ? ' (cached catalog)' : ''}\n`);
      return;
    }
    if (action === 'show' && arg) {
      const r = await db.getReport(Number(arg));
      if (!r) throw raise('KSP-CLI-016', { id: arg });
      out.stdout(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    throw raise('KSP-CLI-017');
  } finally {
    await db.close();
  }
}
