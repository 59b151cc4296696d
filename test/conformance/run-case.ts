// Compiles one conformance case with Kasper and puts the result in the golden files' form, so
// it can be compared with what Puppet produced.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringifyCatalog } from '../../packages/catalog/src/index.ts';
import { CompileError, compileCatalog, fromData, parseYamlData, type Value } from '../../packages/compiler/src/index.ts';
import { DEBIAN_MODULEPATH, corpusModulepath } from '../support/module-corpus.ts';
import { normalizeCatalog, parseJsonExact, type ExpectedError, type NormalizedCatalog } from './normalize.ts';

export interface CaseSpec {
  node: string;
  description: string;
  environment?: string;
  trusted?: Record<string, unknown>;
  hiera_config?: string;
  /** `rich_data_json`: the catalog as a master sends it (Deferred values as rich data); default Puppet's plain json. */
  render_as?: string;
}

/** Kasper's catalog (exported resources kept) and the one its agent would apply, or the error. */
export type CaseResult = { catalog: NormalizedCatalog; agent: NormalizedCatalog } | { error: ExpectedError };

/**
 * The Debian modules' folder as this machine has it: /usr/share/puppet/modules when the packages
 * are installed, else links into the unpacked packages (test/support/module-corpus.ts).
 */
let debianModules: string | undefined;
function debianModulepath(): string {
  if (debianModules === undefined) {
    const found = corpusModulepath();
    if (!('dir' in found)) throw new Error(`the module corpus is not available: ${found.reason}`);
    debianModules = found.dir;
  }
  return debianModules;
}

/** environment.conf's `modulepath` (with $basemodulepath empty, as regenerate.sh runs Puppet). */
function modulepathOf(dir: string): string[] {
  const conf = join(dir, 'environment.conf');
  if (existsSync(conf)) {
    const m = /^\s*modulepath\s*=\s*(.+)$/m.exec(readFileSync(conf, 'utf8'));
    if (m) {
      return m[1].trim().split(':').map((p) => p.trim()).filter((p) => p && p !== '$basemodulepath')
        .map((p) => (p === DEBIAN_MODULEPATH ? debianModulepath() : p.startsWith('/') ? p : join(dir, p)));
    }
  }
  return [join(dir, 'modules')];
}

function manifestOf(dir: string): string {
  const conf = join(dir, 'environment.conf');
  if (existsSync(conf)) {
    const m = /^\s*manifest\s*=\s*(.+)$/m.exec(readFileSync(conf, 'utf8'));
    if (m) return join(dir, m[1].trim());
  }
  return join(dir, 'manifests');
}

export function runCase(dir: string): CaseResult {
  const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec;
  const facts = fromData(parseYamlData(readFileSync(join(dir, 'facts.yaml'), 'utf8')) ?? {}) as Map<string, Value>;
  const trusted = new Map<string, Value>([
    ['authenticated', 'remote'], ['certname', spec.node], ['domain', spec.node.split('.').slice(1).join('.')],
    ['extensions', new Map()], ['external', new Map()], ['hostname', spec.node.split('.')[0]],
  ]);
  for (const [k, v] of Object.entries(spec.trusted ?? {})) trusted.set(k, fromData(v));
  try {
    const catalog = compileCatalog({
      environment: {
        name: spec.environment ?? 'production',
        manifest: manifestOf(dir),
        modulepath: modulepathOf(dir),
        hieraConfig: existsSync(join(dir, 'hiera.yaml')) ? join(dir, 'hiera.yaml') : undefined,
        globalHieraConfig: spec.hiera_config ? join(dir, spec.hiera_config) : undefined,
        directory: dir,
      },
      node: spec.node,
      facts,
      trusted,
      richData: spec.render_as === 'rich_data_json',
    });
    const normalized = (c: typeof catalog) => {
      let json = stringifyCatalog(c);
      // The goldens name the Debian modules by their installed path, wherever they are here.
      if (debianModules !== undefined && debianModules !== DEBIAN_MODULEPATH) json = json.split(`${debianModules}/`).join(`${DEBIAN_MODULEPATH}/`);
      return normalizeCatalog(json, dir);
    };
    const whole = normalized(catalog);
    const agentCatalog = catalog.agentView();
    return { catalog: whole, agent: agentCatalog === catalog ? whole : normalized(agentCatalog) };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    const l = e.location;
    const rel = (f: string) => (f.startsWith(dir + '/') ? f.slice(dir.length + 1) : f);
    return { error: { message: e.message, file: l ? rel(l.file) : null, line: l?.line ?? null, column: l?.column ?? null } };
  }
}

/** Compares Kasper's result for a case with Puppet's golden file: null when they agree. */
export function checkCase(dir: string): string | null {
  let r: CaseResult;
  try {
    r = runCase(dir);
  } catch (e) {
    return `Kasper crashed: ${(e as Error).stack}`;
  }
  if (existsSync(join(dir, 'expected.json'))) {
    const expected = plain(parseJsonExact(readFileSync(join(dir, 'expected.json'), 'utf8')));
    if ('error' in r) return `Kasper failed where Puppet compiled: ${r.error.message} (${r.error.file}:${r.error.line})`;
    const got = plain(r.catalog);
    if (!isDeepStrictEqual(got, expected)) return `catalogs differ:\n${describeDiff(got as NormalizedCatalog, expected as NormalizedCatalog)}`;
    // With exported resources: the catalog the agent applies must be the one Puppet sends.
    if (existsSync(join(dir, 'expected-agent.json'))) {
      const agentExpected = plain(parseJsonExact(readFileSync(join(dir, 'expected-agent.json'), 'utf8')));
      const agentGot = plain(r.agent);
      if (!isDeepStrictEqual(agentGot, agentExpected)) return `the agent's catalogs differ:\n${describeDiff(agentGot as NormalizedCatalog, agentExpected as NormalizedCatalog)}`;
    }
    return null;
  }
  const expected = JSON.parse(readFileSync(join(dir, 'expected-error.json'), 'utf8')) as ExpectedError;
  if ('catalog' in r) return `Kasper compiled where Puppet failed with: ${expected.message}`;
  // Where Puppet names no line (errors found after evaluation), Kasper may say more: any line is fine.
  if (expected.line !== null && r.error.line !== expected.line) return `error on line ${r.error.line}, Puppet's on ${expected.line}: ${r.error.message} | Puppet: ${expected.message}`;
  return null;
}

/** Numbers as JSON gives them (Puppet's 6.0 and Kasper's 6.0 both become 6 after the exact parse). */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function describeDiff(got: NormalizedCatalog, exp: NormalizedCatalog): string {
  const out: string[] = [];
  for (const k of ['name', 'environment', 'tags', 'classes', 'edges'] as const) {
    if (!isDeepStrictEqual(got[k], exp[k])) out.push(`  ${k}: Kasper ${JSON.stringify(got[k])}\n  ${' '.repeat(k.length)}  Puppet ${JSON.stringify(exp[k])}`);
  }
  const key = (r: { type: string; title: string }) => `${r.type}[${r.title}]`;
  const g = new Map(got.resources.map((r) => [key(r), r]));
  const e = new Map(exp.resources.map((r) => [key(r), r]));
  for (const k of new Set([...g.keys(), ...e.keys()])) {
    if (!isDeepStrictEqual(g.get(k), e.get(k))) out.push(`  ${k}:\n    Kasper ${JSON.stringify(g.get(k))}\n    Puppet ${JSON.stringify(e.get(k))}`);
  }
  return out.join('\n');
}
