// The work behind `kasper apply`, `kasper facts`, `kasper resource` and `kasper filebucket`,
// loaded only when those commands run. Wiring only: settings from @kasper/settings, facts from
// @kasper/facts, the catalog from @kasper/compiler, the run from @kasper/agent's applyCatalog.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { capitalizeType, refKey, stringifyCatalog } from '@kasper/catalog';
import { CompileError, compileCatalog, deferredCaller, fromData, type Value } from '@kasper/compiler';
import { collectFacts } from '@kasper/facts';
import { FileBucket, Registry, SystemExecutor, detectHost } from '@kasper/providers';
import { writeFileAtomic } from '@kasper/files';
import { applyCatalog, exitCodeOf, openRunLog, withLocalFacts } from '@kasper/agent/local';
import { Resolver, SECTION_OF, resolveSettings } from '@kasper/settings';
import { environmentFrom, factsFrom } from './compile-action.ts';
import { printError, printLog, type Output } from './output.ts';
import { raise } from './messages.ts';
import { fromFlags } from './settings.ts';

/** The flags of `kasper apply` that are not settings: what to apply and where else its results go. */
export interface ApplyOpts {
  execute?: string;
  factsOverride?: string;
  report?: string;
  catalog?: string;
  [setting: string]: unknown;
}

/** Facts for this host, with a file's values layered on top (`--facts-override`). */
function hostFacts(collected: Record<string, unknown>, override: string | undefined): Map<string, Value> {
  const facts = fromData(collected) as Map<string, Value>;
  for (const [k, v] of factsFrom(override)) facts.set(k, v);
  return facts;
}

/** What a `puppet:///…` source serves, from the modulepath as the master's file server would. */
async function sourceReader(modulepath: string[]) {
  const { parsePuppetUrl, resolveMountPath } = await import('@kasper/compiler');
  return async (source: string): Promise<Buffer | undefined> => {
    const p = parsePuppetUrl(source);
    const entry = p && resolveMountPath(modulepath, p.mount, p.path);
    return entry?.stat.isFile() ? readFileSync(entry.path) : undefined;
  };
}

export async function runApply(manifest: string | undefined, opts: ApplyOpts, out: Output): Promise<void> {
  let work: string | undefined;
  try {
    if (opts.execute !== undefined) {
      work = mkdtempSync(join(tmpdir(), 'kasper-apply-'));
      manifest = join(work, 'apply.pp');
      writeFileSync(manifest, opts.execute);
    }
    if (!manifest) throw raise('KSP-CLI-008');
    if (!existsSync(manifest)) throw raise('KSP-CLI-009', { manifest });
    const settings = await resolveSettings('apply', fromFlags(opts));
    const { vardir } = settings;
    mkdirSync(vardir, { recursive: true, mode: 0o750 });
    const fileLog = openRunLog(settings.logdest, 'apply');

    const host = await collectFacts();
    const networking = host.networking as Record<string, unknown> | undefined;
    const node = typeof networking?.fqdn === 'string' ? networking.fqdn : hostname();
    // The run's own facts, as `puppet apply` adds them: clientcert, clientversion, clientnoop, and
    // agent_specified_environment when a flag or kasper.conf chose the environment.
    const chosen = (await new Resolver(SECTION_OF.apply, fromFlags(opts)).source('environment')) !== 'default';
    const nodeFacts = withLocalFacts(host, { certname: node, noop: settings.noop, agentSpecifiedEnvironment: chosen ? settings.environment : undefined });
    const facts = hostFacts(nodeFacts, opts.factsOverride);
    // Without a modulepath, modules sit beside the manifest (`./modules` for `manifests/site.pp`).
    const modulepath = settings.modulepath ?? [defaultModulepath(manifest)];
    // Without hiera_config, a hiera.yaml beside the modules folder (the site's root) is used.
    const siteHiera = join(dirname(modulepath[0] ?? '.'), 'hiera.yaml');
    const hieraConfig = settings.hiera_config ?? (existsSync(siteHiera) ? siteHiera : undefined);
    const env = environmentFrom({ environment: settings.environment, node, modulepath: modulepath.join(':'), hieraConfig }, manifest);
    let catalog;
    try {
      catalog = compileCatalog({
        environment: env,
        node,
        facts,
        log: (level, message, where) => out.stderr(`${level === 'err' ? 'Error' : level[0].toUpperCase() + level.slice(1)}: ${message} (${where})\n`),
      });
    } catch (e) {
      if (e instanceof CompileError) {
        fileLog('err', 'Kasper', e.message, { code: e.code, location: e.location });
        printError(out, 'apply', e);
        if (settings.detailed_exitcodes) out.exitCode = 1;
        return;
      }
      throw e;
    }
    // What is applied: exported resources are left for other nodes (as Puppet's agent never gets them).
    catalog = catalog.agentView();
    if (opts.catalog) writeFileAtomic(opts.catalog, stringifyCatalog(catalog) + '\n');

    const print = printLog(out, out.isTTY && !process.env.NO_COLOR);
    const osFamily = (facts.get('os') as Map<Value, Value> | undefined)?.get('family');
    const report = await applyCatalog(catalog, {
      // No full collection first: its ~10 ms of CPU (the agent's run process pays them for 3 MiB
      // less at its peak) buy `kasper apply` 1 MiB (docs/performance.md, agent section).
      collectFirst: false,
      vardir,
      noop: settings.noop,
      modulepath: env.modulepath,
      osFamily: typeof osFamily === 'string' ? osFamily : undefined,
      readSource: await sourceReader(env.modulepath),
      // Deferred values are resolved with the compiler's functions and this environment's, as
      // `puppet apply` resolves them with its own.
      deferred: { facts: nodeFacts, call: deferredCaller({ environment: env, node, facts }), preprocess: settings.preprocess_deferred },
      digestAlgorithm: settings.digest_algorithm,
      onLog: (level, source, message, code) => {
        fileLog(level, source, message, code ? { code } : undefined);
        print(level, source, message);
      },
    });
    print('notice', 'Kasper', report.summary());
    fileLog('notice', 'Kasper', report.summary(), { status: report.status, metrics: report.metrics().resources.values });
    if (opts.report) writeFileAtomic(resolve(opts.report), `${JSON.stringify(report, null, 2)}\n`, 0o640);
    out.exitCode = exitCodeOf(report, settings.detailed_exitcodes);
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}

function defaultModulepath(manifest: string): string {
  const abs = resolve(manifest);
  const base = abs.endsWith('.pp') ? dirname(abs) : abs;
  // manifests/site.pp → ../modules; a lone file → modules beside it.
  const candidates = [join(dirname(base), 'modules'), join(base, 'modules')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export async function runResource(type: string, name: string | undefined, opts: { format: string; vardir?: string }, out: Output): Promise<void> {
  const registry = new Registry();
  const t = registry.type(type.toLowerCase());
  if (!t) throw raise('KSP-CLI-010', { type, known: registry.typeNames().join(', ') });
  const host = detectHost();
  const { vardir } = await resolveSettings('resource', fromFlags(opts));
  const ctx = {
    noop: true, exec: new SystemExecutor(), bucket: new FileBucket(join(vardir, 'bucket')), host, cache: new Map(),
    log: { info: () => {}, warn: () => {}, debug: () => {} },
  };
  const names = name ? [name] : [];
  if (!name) {
    const p = registry.providerFor({ type: t.definition.name, title: '', ref: '', name: '', params: {}, tags: [] }, host);
    if (!p.instances) throw raise('KSP-CLI-011', { type });
    names.push(...(await p.instances(ctx)));
  }
  const blocks: string[] = [];
  const all: Record<string, unknown>[] = [];
  for (const n of names) {
    const r = { type: t.definition.name, title: n, ref: refKey(capitalizeType(t.definition.name), n), name: n, params: {}, tags: [] };
    const p = registry.providerFor(r, host);
    const state = await p.retrieve(r, ctx);
    const shown: Record<string, unknown> = {};
    for (const prop of t.definition.properties) {
      const v = state[prop.name];
      if (v === undefined || prop.name === 'password') continue;
      shown[prop.name] = Buffer.isBuffer(v) ? (prop.format ? prop.format(v, r) : v.toString()) : v;
    }
    all.push({ type: t.definition.name, title: n, ...shown });
    const width = Math.max(0, ...Object.keys(shown).map((k) => k.length));
    const lines = Object.entries(shown).map(([k, v]) => `  ${k.padEnd(width)} => ${typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : JSON.stringify(v)},`);
    blocks.push(`${t.definition.name} { '${n.replace(/'/g, "\\'")}':\n${lines.join('\n')}\n}`);
  }
  out.stdout(opts.format === 'json' ? `${JSON.stringify(all, null, 2)}\n` : `${blocks.join('\n')}\n`);
}

export async function runFilebucket(action: string, args: string[], opts: { vardir?: string }, out: Output): Promise<void> {
  const { vardir, digest_algorithm } = await resolveSettings('filebucket', fromFlags(opts));
  const bucket = new FileBucket(join(vardir, 'bucket'), digest_algorithm);
  if (action === 'list') {
    for (const e of bucket.list()) out.stdout(`${e.checksum} ${e.paths.join(' ')}\n`);
    return;
  }
  if (action === 'get' || action === 'restore') {
    const [first, second] = args;
    const sum = action === 'get' ? first : second;
    const content = sum ? bucket.get(sum) : undefined;
    if (!content) throw raise('KSP-CLI-012', { checksum: sum ?? '(none given)' });
    if (action === 'get') {
      out.stdout(content.toString());
      return;
    }
    // Restoring keeps what is there now in the bucket too, so nothing is lost.
    if (existsSync(first)) bucket.backup(readFileSync(first), first);
    writeFileAtomic(first, content);
    out.stdout(`Restored ${first} from ${sum}\n`);
    return;
  }
  throw raise('KSP-CLI-013', { action });
}
