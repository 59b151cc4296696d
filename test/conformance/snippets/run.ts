// The snippet runner: compiles many small Puppet programs with Kasper, in this process, and
// compares each with what Puppet 7 made of it (the golden `*.expected.jsonl` that
// regenerate.sh records with puppet-snippets.rb). See README.md.
//
//   node test/conformance/snippets/run.ts            the agreement, by file, and each difference
//   node test/conformance/snippets/run.ts --gaps     the differences in known-gaps.txt's form
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KasperError } from '../../../packages/diagnostics/src/index.ts';
import { stringifyCatalog } from '../../../packages/catalog/src/index.ts';
import { compileCatalog, fromData, type Value } from '../../../packages/compiler/src/index.ts';
import { parseJsonTyped } from '../normalize.ts';
import { corpusModulepath } from '../../support/module-corpus.ts';

export const SNIPPETS_DIR = import.meta.dirname;
export const NODE = 'snippet.example.com';
/** The facts puppet-snippets.rb gives Puppet. */
const FACTS = {
  networking: { fqdn: NODE, hostname: 'snippet', domain: 'example.com' },
  os: { family: 'Debian', name: 'Debian', release: { major: '12', full: '12.5' } },
  kernel: 'Linux',
};

export interface Snippet {
  file: string;
  name: string;
  code: string;
}

/** What Puppet (the golden line) or Kasper made of a snippet. */
export interface Outcome {
  notices: string[];
  resources?: unknown[];
  error?: string;
  line?: number | null;
  column?: number | null;
  /** Kasper only: an exception that is not a located KasperError (a crash). */
  crash?: string;
}

/** The snippets of one `.snippets` file: programs after lines `=== NAME`. */
export function readSnippets(file: string): Snippet[] {
  const text = readFileSync(join(SNIPPETS_DIR, file), 'utf8');
  return text.split(/^=== /m).slice(1).map((chunk) => {
    const nl = chunk.indexOf('\n');
    return { file, name: (nl < 0 ? chunk : chunk.slice(0, nl)).trim(), code: nl < 0 ? '' : chunk.slice(nl + 1) };
  });
}

export function snippetFiles(): string[] {
  return readdirSync(SNIPPETS_DIR).filter((f) => f.endsWith('.snippets')).sort();
}

/** Puppet's answers for one file, by snippet name. */
export function readExpected(file: string): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  let text = '';
  try {
    text = readFileSync(join(SNIPPETS_DIR, file.replace(/\.snippets$/, '.expected.jsonl')), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const o = parseJsonTyped(line) as Outcome & { name: string };
    out.set(o.name, o);
  }
  return out;
}

let work: string | undefined;
let debian: { dir: string } | { reason: string } | undefined;

/**
 * Debian's packaged modules (stdlib among them), which puppet-snippets.rb puts on Puppet's
 * modulepath: installed, or fetched and unpacked (test/support/module-corpus.ts).
 */
export function debianModules(): { dir: string } | { reason: string } {
  debian ??= corpusModulepath();
  return debian;
}

/** Compiles one snippet with Kasper as puppet-snippets.rb compiles it with Puppet. */
export function runSnippet(code: string): Outcome {
  work ??= mkdtempSync(join(tmpdir(), 'kasper-snippets-'));
  mkdirSync(join(work, 'manifests'), { recursive: true });
  mkdirSync(join(work, 'modules'), { recursive: true });
  const site = join(work, 'manifests', 'site.pp');
  writeFileSync(site, code);
  const notices: string[] = [];
  const modules = debianModules();
  try {
    const catalog = compileCatalog({
      environment: { name: 'production', manifest: site, modulepath: [join(work, 'modules'), ...('dir' in modules ? [modules.dir] : [])], directory: work },
      node: NODE,
      facts: fromData(FACTS) as Map<string, Value>,
      // puppet-snippets.rb records Puppet's catalog.to_data_hash, the plain form (rich data off:
      // a Deferred, SemVer or Binary in a parameter becomes a String); the rich form is checked
      // by the conformance cases recorded as rich_data_json.
      richData: false,
      log: (level, message) => { if (level === 'notice') notices.push(message); },
    });
    const data = parseJsonTyped(stringifyCatalog(catalog)) as { resources: Record<string, unknown>[] };
    const resources = data.resources
      .filter((r) => !/^(Stage\[main\]|Class\[settings\]|Class\[main\]|Node\[.*\])$/i.test(`${r.type}[${r.title}]`))
      .map((r) => {
        const o: Record<string, unknown> = { type: r.type, title: r.title };
        if (r.parameters && Object.keys(r.parameters).length) o.parameters = r.parameters;
        if (r.sensitive_parameters) o.sensitive_parameters = r.sensitive_parameters;
        if (r.exported) o.exported = true;
        return o;
      });
    return { notices, resources };
  } catch (e) {
    // KSP-EVAL-050 is the compiler's net for its own bugs: located, but a crash all the same.
    if (e instanceof KasperError && e.location && e.code !== 'KSP-EVAL-050') return { notices, error: e.message, line: e.location.line, column: e.location.column };
    const crash = e instanceof KasperError ? `${e.code}${e.location ? '' : ' without a location'}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${String(e)}`;
    return { notices, crash };
  }
}

/** Null when Kasper agrees with Puppet on the snippet, else what differs. */
export function compare(got: Outcome, want: Outcome): string | null {
  if (got.crash) return `crash: ${got.crash}`;
  if (want.error !== undefined) {
    if (got.error === undefined) return `compiled, Puppet failed: ${want.error}`;
    return null;
  }
  if (got.error !== undefined) return `failed: ${got.error} | Puppet compiled`;
  if (!isDeepStrictEqual(got.notices, want.notices)) return `notices ${show(got.notices)} | Puppet ${show(want.notices)}`;
  const norm = (rs: unknown[] | undefined) => (rs ?? []).map((r) => {
    const o = { ...(r as Record<string, unknown>) };
    if (Array.isArray(o.sensitive_parameters)) o.sensitive_parameters = [...o.sensitive_parameters].sort();
    if (o.parameters && typeof o.parameters === 'object') o.parameters = Object.fromEntries(Object.entries(o.parameters).sort(([a], [b]) => (a < b ? -1 : 1)));
    return o;
  }).sort((a, b) => { const x = `${a.type}[${a.title}]`; const y = `${b.type}[${b.title}]`; return x < y ? -1 : x > y ? 1 : 0; });
  const g = norm(got.resources);
  const w = norm(want.resources);
  if (!isDeepStrictEqual(g, w)) return `resources ${show(g)} | Puppet ${show(w)}`;
  return null;
}

function show(v: unknown): string {
  const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export function readGaps(): Map<string, string> {
  const gaps = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(join(SNIPPETS_DIR, 'known-gaps.txt'), 'utf8');
  } catch {
    return gaps;
  }
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (m) gaps.set(m[1], m[2]);
  }
  return gaps;
}

export interface Result {
  id: string;
  problem: string | null;
  errorBoth: boolean;
  sameErrorLine: boolean;
}

export function runAll(): Result[] {
  const results: Result[] = [];
  for (const file of snippetFiles()) {
    const expected = readExpected(file);
    for (const s of readSnippets(file)) {
      const id = `${file.replace(/\.snippets$/, '')}/${s.name}`;
      const want = expected.get(s.name);
      if (!want) {
        results.push({ id, problem: 'no golden answer: run regenerate.sh', errorBoth: false, sameErrorLine: false });
        continue;
      }
      const got = runSnippet(s.code);
      const problem = compare(got, want);
      const errorBoth = want.error !== undefined && got.error !== undefined;
      results.push({ id, problem, errorBoth, sameErrorLine: errorBoth && (want.line == null || want.line === got.line) });
    }
  }
  return results;
}

if (import.meta.main) {
  const results = runAll();
  if (process.argv.includes('--gaps')) {
    console.log('# Snippets where Kasper does not yet agree with Puppet 7, and how (regenerate: node run.ts --gaps > known-gaps.txt)');
    for (const r of results) if (r.problem) console.log(`${r.id} ${r.problem.replace(/\s+/g, ' ').slice(0, 200)}`);
  } else {
    const byFile = new Map<string, [number, number]>();
    for (const r of results) {
      const f = r.id.split('/')[0];
      const c = byFile.get(f) ?? [0, 0];
      c[1]++;
      if (!r.problem) c[0]++;
      byFile.set(f, c);
      if (r.problem) console.log(`${r.id}: ${r.problem}`);
    }
    for (const [f, [ok, n]] of byFile) console.log(`${f}: ${ok}/${n}`);
    const ok = results.filter((r) => !r.problem).length;
    const crashes = results.filter((r) => r.problem?.startsWith('crash')).length;
    const errors = results.filter((r) => r.errorBoth);
    console.log(`agree ${ok}/${results.length} (${((100 * ok) / Math.max(1, results.length)).toFixed(1)}%), crashes ${crashes}, both failed ${errors.length} (same line ${errors.filter((r) => r.sameErrorLine).length})`);
  }
}
