// What the agent's unit tests share: catalogs written as data, and a `kv` resource type whose
// provider does everything through the executor, so a RecordedExecutor decides the host's state
// and records every command the transaction caused, in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, type CatalogValue } from '@kasper/catalog';
import { RecordedExecutor, Registry, type Host, type Provider, type TypeDefinition } from '@kasper/providers';

export interface ResourceSpec {
  type?: string;
  title: string;
  params?: Record<string, CatalogValue>;
  kind?: string;
  line?: number;
  sensitive?: string[];
}

/** A catalog of `Kv` resources (or other types), in the order given, contained in Class[main] unless `edges` says otherwise. */
export function catalogOf(specs: ResourceSpec[], edges?: [string, string][]): Catalog {
  const c = new Catalog('unit.example.com', 'production', 7);
  c.add({ type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: new Map() });
  for (const s of specs) {
    const type = s.type ?? 'Kv';
    c.add({
      type, title: s.title, tags: [type.toLowerCase(), 'class'], file: '/site.pp', line: s.line ?? 1, exported: false,
      kind: s.kind ?? 'compilable_type', parameters: new Map(Object.entries(s.params ?? {})), sensitiveParameters: s.sensitive,
    });
  }
  for (const [a, b] of edges ?? specs.map((s) => ['Class[main]', `${s.type ?? 'Kv'}[${s.title}]`] as [string, string])) c.addEdge(a, b);
  return c;
}

export const host: Host = { osFamily: 'Debian', hasCommand: () => true, initSystem: 'systemd' };

/** `kv { NAME: value => V }`: `kv get NAME` prints the current value (exit 1: absent), `kv set NAME V` sets it. */
export const kvType: TypeDefinition = {
  name: 'kv', namevar: 'name',
  properties: [{ name: 'value' }],
  // `after` names a Kv this one requires implicitly (what autorequire reads).
  parameters: ['name', 'after'],
  autorequire: (r) => (typeof r.params.after === 'string' ? [`Kv[${r.params.after}]`] : []),
};

export const kvProvider: Provider = {
  name: 'kv_cli', type: 'kv', suitable: () => true,
  async retrieve(r, ctx) {
    const got = await ctx.exec.run('kv', ['get', r.name]);
    return { value: got.exitCode === 0 ? got.stdout.trim() : 'absent' };
  },
  async sync(r, changes, ctx) {
    const got = await ctx.exec.run('kv', ['set', r.name, String(changes[0].should)]);
    if (got.exitCode !== 0) throw new Error(`kv set ${r.name} failed: ${got.stderr.trim()}`);
  },
  async refresh(r, ctx) {
    await ctx.exec.run('kv', ['reload', r.name]);
  },
};

export function registry(...providers: Provider[]): Registry {
  const reg = new Registry();
  reg.addType(kvType);
  for (const p of providers.length ? providers : [kvProvider]) reg.addProvider(p);
  return reg;
}

/**
 * An executor where `kv get` finds `state`'s values (others are absent), and `kv set` and
 * `kv reload` succeed except `kv set` of the names in `failing`.
 */
export function recorder(state: Record<string, string> = {}, failing: string[] = []): RecordedExecutor {
  const exec = new RecordedExecutor();
  for (const [k, v] of Object.entries(state)) exec.on(`kv get ${k}`, { stdout: `${v}\n` });
  exec.on(/^kv get /, { exitCode: 1 });
  for (const k of failing) exec.on(new RegExp(`^kv set ${k} `), { exitCode: 1, stderr: 'disk full\n' });
  exec.on(/^kv (set|reload) /, {});
  return exec;
}

/** The commands that changed something (gets left out). */
export const changes = (exec: RecordedExecutor) => exec.calls.filter((c) => !c.startsWith('kv get '));

export function bucketDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'kasper-agent-unit-')), 'bucket');
}
