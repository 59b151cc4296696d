// The transaction: applies a catalog to this host in dependency order. Each resource is
// retrieved, compared with what the catalog wants and synced; a failure skips what depends on
// it and nothing else; changes send refresh events along notify/subscribe; noop compares and
// reports without changing anything.
import { CatalogFloat, CatalogInteger, plainRichValue, METAPARAMETERS, Report, refKey, type Catalog, type CatalogResource, type LogLevel, type ResourceStatus } from '@kasper/catalog';
import {
  type Change, type Host, type Logger, type Provider, type ProviderContext, type Registry, type Resource,
  FileBucket, findSchedule, flushTextFiles, scheduleMatches,
} from '@kasper/providers';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@kasper/files';
import { buildGraph, type Graph } from './graph.ts';
import { hasDeferred, resolveDeferred, resolveResource, unwrapNestedSensitive, type DeferredOptions } from './deferred.ts';
import { codeOf, raise } from './messages.ts';
import { recordChange, redacted, sensitiveProperties } from './report.ts';

export interface TransactionOptions {
  noop?: boolean;
  registry: Registry;
  host: Host;
  exec: ProviderContext['exec'];
  bucketDir: string;
  /** The digest_algorithm setting: file content's checksum in messages where a file names no `checksum` (sha256). */
  digestAlgorithm?: string;
  readSource?: ProviderContext['readSource'];
  /** Receives every log line as it happens (the CLI prints them), with its catalogue code when it has one. */
  onLog?: (level: LogLevel, source: string, message: string, code?: string) => void;
  /** Checked between resources: when it returns true the run stops after the one in hand. */
  shouldStop?: () => boolean;
  /** Resources that failed before the run (a recursive source that could not be listed), with why: they fail, their dependents are skipped. */
  failed?: Map<string, Error>;
  /** The run's id, shared with the requests that got its catalog (Puppet's transaction_uuid); a new one when not given. */
  transactionUuid?: string;
  /** How Deferred values are resolved before anything is applied (the facts, the function library). */
  deferred?: DeferredOptions;
}

/** The catalog's parameters as plain values, metaparameters included. */
function toResource(r: CatalogResource, namevar: string): Resource {
  const params: Record<string, unknown> = {};
  for (const [k, v] of r.parameters) params[k] = plainValue(v);
  const type = r.type.toLowerCase();
  const name = params[namevar] !== undefined ? String(params[namevar]) : r.title;
  return { type, title: r.title, ref: refKey(r.type, r.title), name, params, file: r.file, line: r.line, tags: r.tags, sensitive: r.sensitiveParameters };
}

/** Catalog values as providers take them: Floats as numbers, rich data as Puppet's agent sees it (a Binary as bytes; @kasper/catalog's plainRichValue), hashes as objects. */
function plainValue(v: unknown): unknown {
  if (v instanceof CatalogFloat) return v.value;
  if (v instanceof CatalogInteger) return v.value;
  const rich = plainRichValue(v, plainValue);
  if (rich !== undefined) return rich;
  if (Array.isArray(v)) return v.map(plainValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
  return v;
}

export class Transaction {
  private readonly options: TransactionOptions;
  readonly report: Report;
  private readonly ctx: ProviderContext;
  private graph!: Graph;
  private readonly resources = new Map<string, Resource>();
  private readonly statusOf = new Map<string, ResourceStatus>();
  private readonly pendingRefresh = new Map<string, number>();
  private readonly containment = new Map<string, string>();
  private sensitive: Map<string, Set<string>>;
  /** preprocess_deferred = false: Deferred values are resolved resource by resource. */
  private get lazyDeferred(): boolean {
    return this.options.deferred?.preprocess === false;
  }
  /** A lazy Deferred failed: the run ends (Puppet's "Failed to apply catalog"). */
  private aborted = false;

  constructor(whole: Catalog, options: TransactionOptions) {
    // Exported resources are for other nodes to collect: never applied here, whoever compiled them.
    const catalog = whole.agentView();
    this.options = options;
    this.report = new Report(catalog, Boolean(options.noop), options.transactionUuid);
    const log: Logger = {
      info: (m) => this.log('notice', 'Kasper', m),
      warn: (m) => this.log('warning', 'Kasper', m),
      debug: (m) => this.log('debug', 'Kasper', m),
    };
    this.ctx = {
      noop: Boolean(options.noop),
      exec: options.exec,
      bucket: new FileBucket(options.bucketDir, options.digestAlgorithm),
      log,
      host: options.host,
      readSource: options.readSource,
      cache: new Map(),
      notice: (r, m) => this.log('notice', this.path(r.ref), m, r),
      instancesOf: async (type) => {
        const probe: Resource = { type, title: '', ref: '', name: '', params: {}, tags: [] };
        const p = this.options.registry.providerFor(probe, this.options.host);
        if (p.purgeable) return p.purgeable(this.ctx);
        return p.instances ? (await p.instances(this.ctx)).map((name) => ({ name })) : undefined;
      },
    };
    for (const e of catalog.edges) this.containment.set(e.target, e.source);
    unwrapNestedSensitive(catalog);
    this.sensitive = sensitiveProperties(catalog);
    this.catalog = catalog;
  }

  private readonly catalog: Catalog;

  private log(level: LogLevel, source: string, message: string, r?: Resource, code?: string): void {
    this.report.log(level, source, message, r, code);
    this.options.onLog?.(level, source, message, code);
  }

  /** Puppet's containment path of a resource: `Stage[main]`, `Base`, `File[/etc/motd]`. */
  private containmentPath(ref: string): string[] {
    const parts: string[] = [];
    for (let cur: string | undefined = ref; cur; cur = this.containment.get(cur)) {
      const m = /^Class\[(.*)\]$/.exec(cur);
      parts.unshift(m ? (m[1] === 'main' ? 'Main' : m[1]) : cur);
    }
    return parts;
  }

  /** The same as log lines show it: `/Stage[main]/Base/File[/etc/motd]`. */
  private path(ref: string): string {
    return `/${this.containmentPath(ref).join('/')}`;
  }

  async run(): Promise<Report> {
    const started = performance.now();
    const { registry, host } = this.options;
    // Each resource's plain form is made once: for its autorequires, then kept for the run (the
    // graph only reads it).
    const made = new Map<CatalogResource, Resource>();
    const autorequire = (cr: CatalogResource) => {
      const t = registry.type(cr.type.toLowerCase());
      if (!t?.definition.autorequire) return [];
      const r = toResource(cr, t.definition.namevar);
      made.set(cr, r);
      return t.definition.autorequire(r);
    };
    try {
      // Deferred values first — before generators read their resources (concat_file its
      // fragments' content): a call that fails fails the run before anything changes, as in Puppet.
      if (!this.lazyDeferred && await resolveDeferred(this.catalog, this.options.deferred)) this.sensitive = sensitiveProperties(this.catalog);
    } catch (e) {
      this.log('err', 'Kasper', (e as Error).message, undefined, codeOf(e));
      this.report.fail();
      this.report.finish(performance.now() - started);
      return this.report;
    }
    await this.generateResources();
    try {
      this.graph = buildGraph(this.catalog, autorequire);
    } catch (e) {
      this.log('err', 'Kasper', (e as Error).message, undefined, codeOf(e));
      this.report.fail();
      this.report.finish(performance.now() - started);
      return this.report;
    }
    // Resources of types Kasper does not know fail alone; the rest of the catalog still applies.
    const byProvider = new Map<Provider, Resource[]>();
    const providers = new Map<string, Provider>();
    for (const ref of this.graph.order) {
      const cr = this.graph.nodes.get(ref)!.resource;
      const t = registry.type(cr.type.toLowerCase());
      if (!t) continue;
      const r = made.get(cr) ?? toResource(cr, t.definition.namevar);
      this.resources.set(ref, r);
      try {
        const p = registry.providerFor(r, host);
        providers.set(ref, p);
        const list = byProvider.get(p) ?? [];
        list.push(r);
        byProvider.set(p, list);
      } catch {
        // reported when the resource is evaluated
      }
    }
    const prefetchStart = performance.now();
    for (const [p, list] of byProvider) {
      if (!p.prefetch) continue;
      try {
        await p.prefetch(list, this.ctx);
      } catch (e) {
        const warning = raise('KSP-AGENT-018', { type: p.type, provider: p.name, reason: (e as Error).message }, undefined, e);
        this.log('warning', 'Kasper', warning.message, undefined, warning.code);
      }
    }
    this.report.addTime('prefetch', performance.now() - prefetchStart);

    for (const ref of this.graph.order) {
      if (this.statusOf.has(ref)) continue; // done early in a batch
      if (this.options.shouldStop?.()) {
        this.log('notice', 'Kasper', 'Stopping: the run was asked to end; the remaining resources were not applied');
        break;
      }
      const provider = providers.get(ref);
      // Files several resources edit (file_line, ini_setting) are written before anything else looks at them.
      if (!provider?.defersWrites) this.flushFiles();
      await this.evaluate(ref, provider ?? this.lateProvider(ref, providers, byProvider));
      if (this.aborted) break;
    }
    this.flushFiles();
    this.storeChecked();
    this.report.finish(performance.now() - started);
    return this.report;
  }

  /**
   * Resources that types generate before the run (concat_file's file), added to the catalog
   * inside their generator: after it, before and notifying what it comes before and notifies,
   * and waited for by what requires or subscribes to it. A generator that fails fails alone.
   */
  private async generateResources(): Promise<void> {
    const { registry } = this.options;
    const generators = this.catalog.resources.filter((cr) => registry.type(cr.type.toLowerCase())?.definition.generate);
    if (generators.length === 0) return;
    const all: Resource[] = [];
    for (const cr of this.catalog.resources) {
      const t = registry.type(cr.type.toLowerCase());
      if (t) all.push(toResource(cr, t.definition.namevar));
    }
    for (const cr of generators) {
      const t = registry.type(cr.type.toLowerCase())!.definition;
      const parentRef = refKey(cr.type, cr.title);
      let made;
      try {
        made = await t.generate!(toResource(cr, t.namevar), all, this.ctx);
      } catch (e) {
        this.generateFailures.set(parentRef, e as Error);
        continue;
      }
      const childRefs: string[] = [];
      let at = this.catalog.resources.indexOf(cr) + 1;
      for (const g of made) {
        if (this.catalog.find(g.type, g.title)) continue;
        const parameters = new Map(Object.entries(g.params) as [string, CatalogResource['parameters'] extends Map<string, infer V> ? V : never][]);
        // After the generator, and after what the generator says the resource needs (a folder its files).
        const own = parameters.get('require');
        parameters.set('require', [parentRef, ...(own === undefined ? [] : (Array.isArray(own) ? own : [own]).map(String))]);
        for (const k of ['before', 'notify'] as const) if (cr.parameters.has(k)) parameters.set(k, cr.parameters.get(k)!);
        const child: CatalogResource = {
          type: g.type, title: g.title, tags: cr.tags, file: cr.file, line: cr.line, exported: false, kind: cr.kind,
          parameters, sensitiveParameters: cr.sensitiveParameters,
        };
        this.catalog.add(child);
        const ref = refKey(g.type, g.title);
        // Where the generator is (Puppet reports concat's file as /Stage[main]/Main/File[…]).
        const container = this.containment.get(parentRef);
        if (container) {
          this.catalog.addEdge(container, ref);
          this.containment.set(ref, container);
        }
        // In catalog order right after the generator.
        this.catalog.resources.splice(this.catalog.resources.indexOf(child), 1);
        this.catalog.resources.splice(at++, 0, child);
        childRefs.push(ref);
      }
      if (childRefs.length === 0) continue;
      const children = new Set(childRefs);
      for (const r of this.catalog.resources) {
        // The generated resources themselves require the generator: they are not made to wait for each other.
        if (children.has(refKey(r.type, r.title))) continue;
        for (const k of ['require', 'subscribe'] as const) {
          const v = r.parameters.get(k);
          const refs = v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
          if (refs.includes(parentRef)) r.parameters.set(k, [...refs, ...childRefs]);
        }
      }
    }
  }

  private readonly generateFailures = new Map<string, Error>();

  private declaredSchedules?: Map<string, Record<string, unknown>>;
  /** The catalog's schedule resources by name. */
  private schedules(): Map<string, Record<string, unknown>> {
    if (!this.declaredSchedules) {
      this.declaredSchedules = new Map();
      for (const cr of this.catalog.resources) {
        if (cr.type !== 'Schedule') continue;
        const r = toResource(cr, 'name');
        this.declaredSchedules.set(r.name, r.params);
      }
    }
    return this.declaredSchedules;
  }

  private checkedTimes?: Map<string, number>;
  /** When each scheduled resource was last checked (ms), kept in <vardir>/state/schedules.json across runs. */
  private checked(): Map<string, number> {
    if (!this.checkedTimes) {
      try {
        this.checkedTimes = new Map(Object.entries(JSON.parse(readFileSync(this.scheduleState(), 'utf8')) as Record<string, number>));
      } catch {
        this.checkedTimes = new Map();
      }
    }
    return this.checkedTimes;
  }

  private scheduleState(): string {
    return join(dirname(this.options.bucketDir), 'state', 'schedules.json');
  }

  /** Keeps the checked times for the next run (only when scheduled resources were seen). */
  private storeChecked(): void {
    if (!this.checkedTimes || this.checkedTimes.size === 0) return;
    mkdirSync(dirname(this.scheduleState()), { recursive: true });
    writeFileAtomic(this.scheduleState(), `${JSON.stringify(Object.fromEntries(this.checkedTimes), null, 2)}\n`, 0o640);
  }

  /** Writes the files resources changed in memory; a write that fails fails the resources whose changes it carried. */
  private flushFiles(): void {
    for (const f of flushTextFiles(this.ctx)) {
      const e = raise('KSP-AGENT-024', { path: f.path, reason: f.error.message }, undefined, f.error);
      for (const ref of f.refs) {
        const status = this.statusOf.get(ref);
        if (status) status.failed = true;
        this.log('err', this.path(ref), e.message, this.resources.get(ref), e.code);
      }
    }
  }

  /**
   * A provider that was not suitable when the run began may be now: a package this run
   * installed brought its command (nft, augtool, crontab). It is prefetched with the other
   * resources of its type still waiting for one.
   */
  private lateProvider(ref: string, providers: Map<string, Provider>, byProvider: Map<Provider, Resource[]>): Provider | undefined {
    const r = this.resources.get(ref);
    if (!r) return undefined;
    this.options.host.forget?.();
    let p: Provider;
    try {
      p = this.options.registry.providerFor(r, this.options.host);
    } catch {
      return undefined;
    }
    const waiting: Resource[] = [];
    for (const [other, o] of this.resources) {
      if (providers.has(other) || o.type !== r.type || this.statusOf.has(other)) continue;
      try {
        if (this.options.registry.providerFor(o, this.options.host) !== p) continue;
      } catch {
        continue;
      }
      providers.set(other, p);
      waiting.push(o);
    }
    if (p.prefetch && !byProvider.has(p)) this.latePrefetch.set(p, waiting);
    byProvider.set(p, [...(byProvider.get(p) ?? []), ...waiting]);
    return p;
  }

  private readonly latePrefetch = new Map<Provider, Resource[]>();

  /**
   * In noop, a resource none of whose providers is suitable yet, while a package this run would
   * install comes before it: what it waits for, instead of a failure.
   */
  private waitingForPackages(r: Resource): string | undefined {
    if (!this.ctx.noop) return undefined;
    const t = this.options.registry.type(r.type);
    if (!t || t.providers.some((p) => p.suitable(this.options.host))) return undefined;
    const preferred = t.providers.find((p) => p.isDefault?.(this.options.host) && p.commands?.length) ?? t.providers.find((p) => p.commands?.length);
    const missing = (preferred?.commands ?? []).filter((c) => !this.options.host.hasCommand(c));
    if (!preferred || missing.length === 0) return undefined;
    const pending = (ref: string) => ref.startsWith('Package[') && (this.statusOf.get(ref)?.events.some((e) => e.property === 'ensure' && e.status === 'noop') ?? false);
    // The packages it depends on that this run would install; else any such package before it.
    const deps = new Set<string>();
    const walk = (ref: string) => {
      for (const d of this.graph.nodes.get(ref)?.before ?? []) {
        if (deps.has(d)) continue;
        deps.add(d);
        walk(d);
      }
    };
    walk(r.ref);
    let packages = [...deps].filter(pending);
    if (packages.length === 0) packages = [...this.statusOf.keys()].filter(pending);
    if (packages.length === 0) return undefined;
    return raise('KSP-AGENT-025', {
      type: r.type, provider: preferred.name, packages: packages.join(', '), verb: packages.length > 1 ? 'are' : 'is', commands: missing.join(', '),
    }).message;
  }

  private failedDependency(ref: string): string | undefined {
    for (const d of this.graph.nodes.get(ref)!.before) {
      const s = this.statusOf.get(d);
      if (s && (s.failed || s.skipped)) return d;
    }
    return undefined;
  }

  private async evaluate(ref: string, provider: Provider | undefined): Promise<void> {
    const node = this.graph.nodes.get(ref)!;
    const cr = node.resource;
    const containmentPath = this.containmentPath(ref);
    const status = this.report.newStatus(cr, containmentPath, provider?.name);
    this.statusOf.set(ref, status);
    const started = performance.now();
    const source = `/${containmentPath.join('/')}`;
    let r = this.resources.get(ref);
    try {
      const failed = this.failedDependency(ref);
      if (failed) {
        status.skipped = true;
        this.log('warning', source, `Skipping because of failed dependencies`, r);
        return;
      }
      const failedBefore = this.options.failed?.get(ref) ?? this.generateFailures.get(ref);
      if (failedBefore !== undefined) throw failedBefore;
      // preprocess_deferred = false: this resource's Deferred values now, after what it requires.
      if (this.lazyDeferred && hasDeferred(cr)) {
        try {
          await resolveResource(cr, this.options.deferred);
        } catch (e) {
          // As Puppet: the run ends here ("Failed to apply catalog").
          this.aborted = true;
          status.failed = true;
          this.report.fail();
          this.log('err', 'Kasper', `Failed to apply catalog: ${(e as Error).message}`, undefined, codeOf(e));
          return;
        }
        this.sensitive = sensitiveProperties(this.catalog);
        r = toResource(cr, this.options.registry.requireType(cr.type.toLowerCase()).definition.namevar);
        this.resources.set(ref, r);
      }
      // A type Kasper does not know: the registry says so (KSP-PROVIDERS-031).
      const type = this.options.registry.requireType(cr.type.toLowerCase());
      r ??= toResource(cr, type.definition.namevar);
      if (!provider) {
        const waiting = this.waitingForPackages(r);
        if (waiting) {
          this.log('notice', source, waiting, r, 'KSP-AGENT-025');
          return;
        }
        provider = this.options.registry.providerFor(r, this.options.host);
      }
      const late = this.latePrefetch.get(provider);
      if (late) {
        this.latePrefetch.delete(provider);
        await provider.prefetch!(late, this.ctx);
      }
      for (const k of Object.keys(r.params)) {
        if (k !== type.definition.namevar && !METAPARAMETERS.has(k) && k !== 'provider' &&
          !type.definition.parameters.includes(k) && !type.definition.properties.some((p) => p.name === k)) {
          throw raise('KSP-AGENT-015', { name: k });
        }
      }
      type.definition.validate?.(r);
      const noop = this.ctx.noop || r.params.noop === true;
      // A resource on a schedule is applied only inside it (Puppet reports it skipped, silently).
      if (r.params.schedule !== undefined) {
        const params = findSchedule(String(r.params.schedule), this.schedules());
        const last = this.checked().get(ref) ?? 0;
        this.checked().set(ref, Date.now());
        if (!scheduleMatches(params, last, new Date(), refKey('Schedule', String(r.params.schedule)))) {
          status.skipped = true;
          this.log('debug', source, 'Not scheduled', r);
          return;
        }
      }
      // A batch-capable provider (apt) takes every ready resource it manages at once.
      if (provider.syncBatch && !noop) {
        await this.evaluateBatch(ref, r, provider);
        return;
      }
      const changes = await this.changesFor(r, provider);
      await this.applyChanges(r, provider, changes, status, noop);
      if (type.definition.selfRefresh && changes.length > 0 && r.desired?.ensure !== 'absent') {
        // One event per change, as Puppet counts them ('Triggered 'refresh' from 2 events').
        this.pendingRefresh.set(ref, (this.pendingRefresh.get(ref) ?? 0) + changes.length);
      }
      await this.maybeRefresh(ref, r, provider, status, noop);
    } catch (e) {
      status.failed = true;
      this.log('err', source, (e as Error).message, r, codeOf(e));
    } finally {
      status.evaluation_time = (performance.now() - started) / 1000;
    }
  }

  /** What is out of sync: each managed property whose current value is not the desired one. */
  private async changesFor(r: Resource, provider: Provider): Promise<Change[]> {
    const type = this.options.registry.type(r.type)!.definition;
    const desired = type.desired ? type.desired(r) : Object.fromEntries(type.properties.filter((p) => r.params[p.name] !== undefined).map((p) => [p.name, r.params[p.name]]));
    await type.prepare?.(r, desired, this.ctx);
    r.desired = desired;
    const current = await provider.retrieve(r, this.ctx);
    const changes: Change[] = [];
    // When the thing does not exist (or is to be removed) only `ensure` matters.
    const ensureDef = type.properties.find((p) => p.name === 'ensure');
    for (const prop of type.properties) {
      if (!(prop.name in desired)) continue;
      const should = desired[prop.name];
      const is = current[prop.name];
      if (prop.name !== 'ensure' && ensureDef && (current.ensure === 'absent' || desired.ensure === 'absent')) continue;
      const insync = prop.insync ? prop.insync(is, should, r) : String(is) === String(should);
      if (insync) continue;
      const fmt = (v: unknown) => (prop.format ? prop.format(v, r, this.options.digestAlgorithm) : v === undefined ? 'absent' : String(v));
      const shown = (v: unknown, side: 'is' | 'should') => (prop.show ? prop.show(v, side, r) : `'${fmt(v)}'`);
      const special = prop.name === 'ensure' && !prop.plain;
      const message = is === undefined || is === 'absent'
        ? (special ? `${ensureCreated(r.type)}` : `defined '${prop.name}' as ${shown(should, 'should')}`)
        : prop.name === 'ensure' && should === 'absent' ? (special ? 'removed' : `undefined 'ensure' from ${shown(is, 'is')}`)
          // Puppet's wording for any property set to absent (a cron job's hour, its special schedule).
          : should === 'absent' && prop.name !== 'ensure' ? `undefined '${prop.name}' from ${shown(is, 'is')}`
          : `${prop.name} changed ${shown(is, 'is')} to ${shown(should, 'should')}`;
      const change: Change = { property: prop.name, is, should, message: prop.message?.(is, should, r) ?? message, isText: fmt(is), shouldText: fmt(should) };
      if (prop.show) Object.assign(change, { isShown: shown(is, 'is'), shouldShown: shown(should, 'should') });
      if (prop.diff) change.diff = prop.diff(is, should, r);
      changes.push(change);
    }
    // A new file with content: its ensure message says what was created (content is implied).
    if (changes.some((c) => c.property === 'ensure') && current.ensure === 'absent' && desired.content !== undefined) {
      const c = changes.find((x) => x.property === 'ensure')!;
      c.message = `defined content as '${type.properties.find((p) => p.name === 'content')?.format?.(desired.content, r, this.options.digestAlgorithm) ?? ''}'`;
    }
    // Sensitive values are hidden here, once: every message, log line and event is made from these.
    const hidden = this.sensitive.get(r.ref);
    // A file made with Sensitive content: its ensure change would show the content's checksum.
    const hides = (c: Change) => hidden!.has(c.property) || (c.property === 'ensure' && desired.content !== undefined && hidden!.has('content'));
    return hidden ? changes.map((c) => (hides(c) ? redacted(c) : c)) : changes;
  }

  private async applyChanges(r: Resource, provider: Provider, changes: Change[], status: ResourceStatus, noop: boolean): Promise<void> {
    if (changes.length === 0) return;
    const source = this.path(r.ref);
    if (noop) {
      for (const c of changes) {
        this.log('notice', `${source}/${c.property}`, `${c.diff ? `${c.diff}\n` : ''}current_value ${c.isShown ?? `'${c.isText ?? short(c.is)}'`}, should be ${c.shouldShown ?? `'${c.shouldText ?? short(c.should)}'`} (noop)`, r);
        this.event(status, c, 'noop');
      }
      // Subscribers say what they would have done.
      this.sendRefresh(r.ref);
      return;
    }
    try {
      if (changes.some((c) => c.diff)) for (const c of changes) if (c.diff) this.log('notice', `${source}/${c.property}`, `\n${c.diff}`, r);
      await provider.sync(r, changes, this.ctx);
      // It may have installed a command another resource's provider needs.
      this.options.host.forget?.();
    } catch (e) {
      for (const c of changes) this.event(status, c, 'failure', `change from '${c.isText ?? short(c.is)}' to '${c.shouldText ?? short(c.should)}' failed: ${(e as Error).message}`);
      throw e;
    }
    for (const c of changes) {
      this.log('notice', `${source}/${c.property}`, c.message, r);
      this.event(status, c, 'success');
    }
    this.sendRefresh(r.ref);
  }

  /** The one way an event gets into the report: the status's counters follow from its events. */
  private event(status: ResourceStatus, c: Change, outcome: 'success' | 'failure' | 'noop', message?: string): void {
    recordChange(status, c, outcome, this.sensitive.get(status.resource)?.has(c.property) ?? false, message);
  }

  private sendRefresh(ref: string): void {
    for (const t of this.graph.nodes.get(ref)?.notifies ?? []) this.pendingRefresh.set(t, (this.pendingRefresh.get(t) ?? 0) + 1);
  }

  private async maybeRefresh(ref: string, r: Resource, provider: Provider, status: ResourceStatus, noop: boolean): Promise<void> {
    const events = this.pendingRefresh.get(ref);
    if (!events) return;
    this.pendingRefresh.delete(ref);
    const source = this.path(ref);
    if (!provider.refresh) return;
    if (noop) {
      this.log('notice', source, `Would have triggered 'refresh' from ${events} event${events > 1 ? 's' : ''}`, r);
      return;
    }
    try {
      await provider.refresh(r, this.ctx);
      this.log('notice', source, `Triggered 'refresh' from ${events} event${events > 1 ? 's' : ''}`, r);
      this.sendRefresh(ref);
    } catch (e) {
      status.failed_to_restart = true;
      throw e;
    }
  }

  /**
   * One sync call for this resource and every other resource of the same provider that is
   * ready now (all of its dependencies done): packages installed by one apt-get.
   */
  private async evaluateBatch(ref: string, r: Resource, provider: Provider): Promise<void> {
    const items: { ref: string; r: Resource; changes: Change[]; status: ResourceStatus }[] = [];
    const mine = this.statusOf.get(ref)!;
    items.push({ ref, r, changes: await this.changesFor(r, provider), status: mine });
    for (const other of this.graph.order) {
      if (other === ref || this.statusOf.has(other)) continue;
      const o = this.resources.get(other);
      if (!o || o.type !== r.type || o.params.noop === true) continue;
      // Not yet resolved (preprocess_deferred = false): it waits for its own turn.
      if (this.lazyDeferred && hasDeferred(this.graph.nodes.get(other)!.resource)) continue;
      let p: Provider;
      try {
        p = this.options.registry.providerFor(o, this.options.host);
      } catch {
        continue;
      }
      if (p !== provider) continue;
      const deps = [...this.graph.nodes.get(other)!.before];
      if (!deps.every((d) => this.statusOf.has(d) && !this.statusOf.get(d)!.failed && !this.statusOf.get(d)!.skipped)) continue;
      if (this.pendingRefresh.has(other)) continue;
      try {
        this.options.registry.type(o.type)!.definition.validate?.(o);
        const changes = await this.changesFor(o, p);
        if (changes.length === 0) continue;
        const status = this.report.newStatus(this.graph.nodes.get(other)!.resource, this.containmentPath(other), p.name);
        this.statusOf.set(other, status);
        items.push({ ref: other, r: o, changes, status });
      } catch {
        // it will be evaluated (and fail) on its own turn
      }
    }
    const work = items.filter((i) => i.changes.length > 0);
    if (work.length > 0) {
      try {
        for (const i of work) if (i.changes.some((c) => c.diff)) this.log('notice', this.path(i.ref), `\n${i.changes.map((c) => c.diff).join('\n')}`, i.r);
        await provider.syncBatch!(work.map((i) => ({ r: i.r, changes: i.changes })), this.ctx);
        this.options.host.forget?.();
        for (const i of work) {
          for (const c of i.changes) {
            this.log('notice', `${this.path(i.ref)}/${c.property}`, c.message, i.r);
            this.event(i.status, c, 'success');
          }
          this.sendRefresh(i.ref);
        }
      } catch (e) {
        // The batch failed: apply one by one, so one bad package fails alone.
        for (const i of work) {
          if (i.ref !== ref) this.statusOf.delete(i.ref);
        }
        this.report.dropStatuses(work.filter((i) => i.ref !== ref).map((i) => i.ref));
        const first = work.find((i) => i.ref === ref);
        if (first) {
          try {
            await provider.sync(first.r, first.changes, this.ctx);
            for (const c of first.changes) {
              this.log('notice', `${this.path(ref)}/${c.property}`, c.message, first.r);
              this.event(mine, c, 'success');
            }
            this.sendRefresh(ref);
          } catch (e2) {
            for (const c of first.changes) this.event(mine, c, 'failure', (e2 as Error).message);
            throw e2;
          }
        }
        void e;
      }
    }
    await this.maybeRefresh(ref, r, provider, mine, false);
  }
}

function ensureCreated(type: string): string {
  return type === 'file' ? 'created' : 'created';
}

/** Values in log lines: content as its checksum, long values cut. */
function short(v: unknown): string {
  if (Buffer.isBuffer(v)) return `{${v.length} bytes}`;
  const s = v === undefined ? 'absent' : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
