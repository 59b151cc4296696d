// Kasper against Puppet 7 on the whole Debian module corpus (golden.json.gz, made by
// regenerate.sh): compiles each target in this process, as puppet-compile-all.rb compiled it, and
// says whether the result agrees and, when not, why (a cause to group by and a detail).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringifyCatalog } from '../../../packages/catalog/src/index.ts';
import { CompileError, compileCatalog, fromData, parseJsonData, type Value } from '../../../packages/compiler/src/index.ts';
import { DEBIAN_MODULEPATH, debianModuleSources } from '../../support/module-corpus.ts';
import { hasCommand } from '../../support/host.ts';
import { normalizeCatalog, parseJsonExact, type CatalogResource, type ExpectedError, type NormalizedCatalog } from '../normalize.ts';
import { FACTS, factsDigest, type CorpusGolden, type CorpusTarget } from './normalize-corpus.ts';

export const GAPS = join(import.meta.dirname, 'known-gaps.txt');

/** How a target compares: agreement, or a cause (short, to group by) and a detail. */
export type Verdict = { agrees: true } | { agrees: false; cause: string; detail: string };

/**
 * A modulepath holding the golden file's modules under their module names, with the versions
 * the golden file was made from: /usr/share/puppet/modules when the packages are installed,
 * else links into the packages fetched and unpacked by debianModuleSources. Or why there is none.
 */
export function corpusModulepath(golden: CorpusGolden): { dir: string } | { reason: string } {
  const installed = Object.keys(golden.modules).every((m) => existsSync(join(DEBIAN_MODULEPATH, m)));
  let dir: string;
  if (installed) {
    const wrong = installedPackageVersions(golden);
    if (wrong) return { reason: wrong };
    dir = DEBIAN_MODULEPATH;
  } else {
    const sources = debianModuleSources({ installed: false });
    if (!('dir' in sources)) return sources;
    dir = join(tmpdir(), 'kasper-corpus-modulepath');
    if (!existsSync(dir)) {
      const work = `${dir}.${process.pid}`;
      mkdirSync(work, { recursive: true });
      for (const [name, m] of Object.entries(golden.modules)) {
        if (existsSync(join(sources.dir, m.folder))) symlinkSync(join(sources.dir, m.folder), join(work, name));
      }
      try {
        renameSync(work, dir);
      } catch {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  // The modules' own versions (metadata.json), whichever way they came.
  const differ: string[] = [];
  for (const [name, m] of Object.entries(golden.modules)) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      differ.push(`${name} missing`);
      continue;
    }
    if (dir === DEBIAN_MODULEPATH && basename(realpathSync(path)) !== m.folder) differ.push(`${name} is ${readlinkSync(path)}, not ${m.folder}`);
    const meta = join(path, 'metadata.json');
    const v = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { version?: string }).version ?? null : null;
    if (v !== m.version) differ.push(`${name} ${v} (golden: ${m.version})`);
  }
  if (differ.length > 0) return { reason: `the module corpus differs from the one the golden file was made from: ${differ.join(', ')}; run test/conformance/corpus/regenerate.sh` };
  return { dir };
}

/** A reason when the installed puppet-module-* packages are not the golden file's versions. */
function installedPackageVersions(golden: CorpusGolden): string | null {
  if (!hasCommand('dpkg-query')) return null;
  let out = '';
  try {
    out = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Version}\n', ...Object.keys(golden.packages)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const have = new Map(out.split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
  const differ = Object.entries(golden.packages).filter(([p, v]) => have.get(p) !== v).map(([p, v]) => `${p} ${have.get(p) || 'not installed'} (golden: ${v})`);
  return differ.length > 0 ? `installed module packages differ from the golden file's: ${differ.join(', ')}; run test/conformance/corpus/regenerate.sh` : null;
}

export class CorpusRunner {
  private readonly facts: Map<string, Value>;
  private readonly trusted: Map<string, Value>;
  private readonly parameters: Map<string, Value>;
  private readonly site: string;
  private readonly golden: CorpusGolden;
  private readonly modulepath: string;

  constructor(golden: CorpusGolden, modulepath: string) {
    this.golden = golden;
    this.modulepath = modulepath;
    if (factsDigest() !== golden.facts) throw new Error(`${FACTS} is not the facts golden.json.gz was made with; run regenerate.sh`);
    this.facts = fromData(parseJsonData(readFileSync(FACTS, 'utf8'))) as Map<string, Value>;
    const node = golden.node;
    this.trusted = new Map<string, Value>([
      ['authenticated', 'remote'], ['certname', node], ['domain', node.split('.').slice(1).join('.')],
      ['extensions', new Map()], ['external', new Map()], ['hostname', node.split('.')[0]],
    ]);
    // Puppet merges its server facts into the node's parameters: top-scope variables.
    this.parameters = new Map(Object.entries(golden.server_facts));
    this.site = mkdtempSync(join(tmpdir(), 'kasper-corpus-site-'));
  }

  dispose(): void {
    rmSync(this.site, { recursive: true, force: true });
  }

  /** Kasper's result for one target, in the golden form. */
  run(target: CorpusTarget): { catalog: NormalizedCatalog } | { error: ExpectedError & { code: string } } {
    let manifest: string;
    if (target.id.startsWith('class:')) {
      manifest = join(this.site, 'site.pp');
      writeFileSync(manifest, `include ${target.id.slice('class:'.length)}\n`);
    } else {
      manifest = join(this.modulepath, target.module, 'examples', target.id.slice(`example:${target.module}/`.length));
    }
    try {
      const catalog = compileCatalog({
        environment: { name: 'production', manifest, modulepath: [this.modulepath] },
        node: this.golden.node,
        facts: this.facts,
        trusted: this.trusted,
        parameters: this.parameters,
        // The goldens are Puppet's plain catalog JSON (puppet-compile-all.rb renders it without
        // rich data): a hash with Integer keys has String keys there, a Deferred is a String.
        richData: false,
      });
      let json = stringifyCatalog(catalog);
      if (this.modulepath !== DEBIAN_MODULEPATH) json = json.split(`${this.modulepath}/`).join(`${DEBIAN_MODULEPATH}/`);
      return { catalog: normalizeCatalog(json, this.site) };
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      const l = e.location;
      let file = l ? l.file : null;
      if (file?.startsWith(`${this.site}/`)) file = file.slice(this.site.length + 1);
      if (file?.startsWith(`${this.modulepath}/`)) file = `${DEBIAN_MODULEPATH}/${file.slice(this.modulepath.length + 1)}`;
      return { error: { code: e.code, message: e.message, file, line: l?.line ?? null, column: l?.column ?? null } };
    }
  }

  /** Compiles a target and compares it with Puppet's answer. */
  check(target: CorpusTarget): Verdict {
    let r: ReturnType<CorpusRunner['run']>;
    try {
      r = this.run(target);
    } catch (e) {
      const err = e as Error;
      return { agrees: false, cause: `Kasper crashed: ${oneLine(err.message, 90)}`, detail: String(err.stack ?? err.message) };
    }
    if (target.catalog) {
      if ('error' in r) {
        return { agrees: false, cause: `Kasper fails: ${r.error.code} ${messageShape(r.error.message)}`, detail: `${r.error.message} (${r.error.file}:${r.error.line})` };
      }
      const got = plain(r.catalog) as NormalizedCatalog;
      const expected = plain(target.catalog) as NormalizedCatalog;
      if (isDeepStrictEqual(got, expected)) return { agrees: true };
      return catalogDifference(got, expected);
    }
    const expected = plain(target.error) as ExpectedError;
    if ('catalog' in r) return { agrees: false, cause: `Kasper compiles, Puppet fails: ${messageShape(expected.message)}`, detail: `${expected.message} (${expected.file}:${expected.line})` };
    // The same kind of answer: both fail, and where Puppet names a place, at the same place. An
    // error inside a define or function Puppet places at the statement that led there and names
    // the inner place in its message ("… (file: F, line: L, column: C)"): either place will do.
    const places = [`${expected.file}:${expected.line}`];
    for (const m of expected.message.matchAll(/\(file: ([^,()]+), line: (\d+)/g)) places.push(`${m[1]}:${m[2]}`);
    if (expected.line !== null && !places.includes(`${expected.file === null ? null : r.error.file}:${r.error.line}`)) {
      return {
        agrees: false,
        cause: `both fail, elsewhere: ${r.error.code}`,
        detail: `Kasper ${r.error.file}:${r.error.line}: ${r.error.message} | Puppet ${expected.file}:${expected.line}: ${expected.message}`,
      };
    }
    return { agrees: true };
  }
}

function oneLine(s: string, max: number): string {
  const l = s.split('\n')[0];
  return l.length > max ? `${l.slice(0, max)}…` : l;
}

/** A message with what varies between instances (quoted values, numbers, paths) blanked, to group by. */
export function messageShape(message: string): string {
  const keep = /^(Unknown function|Evaluation Error: Unknown function|Unknown resource type|Could not find|Unknown variable)/.test(message);
  let s = message.split('\n')[0];
  if (!keep) s = s.replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"');
  s = s.replace(/\/[\w./-]+/g, '…').replace(/\b\d+\b/g, 'N');
  return oneLine(s, 140);
}

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

const key = (r: { type: string; title: string }) => `${r.type}[${r.title}]`;

/** The first way two catalogs differ, worded to group by (the kind of difference and the type/parameter). */
function catalogDifference(got: NormalizedCatalog, exp: NormalizedCatalog): Verdict {
  const g = new Map(got.resources.map((r) => [key(r), r]));
  const e = new Map(exp.resources.map((r) => [key(r), r]));
  const missing = [...e.keys()].filter((k) => !g.has(k));
  const extra = [...g.keys()].filter((k) => !e.has(k));
  const details: string[] = [];
  let cause: string | undefined;
  if (missing.length > 0) {
    cause ??= `resources missing in Kasper: ${typesOf(missing)}`;
    details.push(`missing: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` … (${missing.length})` : ''}`);
  }
  if (extra.length > 0) {
    cause ??= `resources only in Kasper: ${typesOf(extra)}`;
    details.push(`extra: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ` … (${extra.length})` : ''}`);
  }
  for (const [k, want] of e) {
    const have = g.get(k);
    if (!have || isDeepStrictEqual(have, want)) continue;
    const fields = resourceFields(have, want);
    cause ??= `${want.type} ${fields[0]} differs`;
    for (const f of fields.slice(0, 3)) {
      details.push(`${k} ${f}: Kasper ${JSON.stringify(field(have, f)) ?? 'absent'} | Puppet ${JSON.stringify(field(want, f)) ?? 'absent'}`);
    }
    if (details.length > 12) break;
  }
  for (const f of ['classes', 'tags', 'edges'] as const) {
    if (isDeepStrictEqual(got[f], exp[f])) continue;
    const gs = new Set(got[f].map((x) => JSON.stringify(x)));
    const es = new Set(exp[f].map((x) => JSON.stringify(x)));
    const only = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).slice(0, 5).join(', ');
    cause ??= `catalog ${f} differ`;
    details.push(`${f}: only Kasper [${only(gs, es)}] only Puppet [${only(es, gs)}]`);
  }
  return { agrees: false, cause: cause ?? 'catalogs differ', detail: details.join('\n') };
}

function typesOf(keys: string[]): string {
  const types = [...new Set(keys.map((k) => k.slice(0, k.indexOf('['))))].sort();
  return types.length > 3 ? `${types.slice(0, 3).join(', ')} …` : types.join(', ');
}

function resourceFields(a: CatalogResource, b: CatalogResource): string[] {
  const out: string[] = [];
  for (const f of ['tags', 'file', 'line', 'exported', 'kind', 'sensitive_parameters'] as const) {
    if (!isDeepStrictEqual(a[f], b[f])) out.push(f);
  }
  const pa = a.parameters ?? {};
  const pb = b.parameters ?? {};
  for (const p of new Set([...Object.keys(pb), ...Object.keys(pa)])) {
    if (!isDeepStrictEqual(pa[p], pb[p])) out.push(`parameter ${p}`);
  }
  return out;
}

function field(r: CatalogResource, f: string): unknown {
  if (f.startsWith('parameter ')) return r.parameters?.[f.slice('parameter '.length)];
  return (r as unknown as Record<string, unknown>)[f];
}

/** known-gaps.txt: target id → reason (the cause when it was listed). */
export function readGaps(path = GAPS): Map<string, string> {
  const gaps = new Map<string, string>();
  if (!existsSync(path)) return gaps;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const i = line.indexOf(' ');
    gaps.set(i < 0 ? line : line.slice(0, i), i < 0 ? '' : line.slice(i + 1));
  }
  return gaps;
}

export { parseJsonExact };
