// Turns puppet-compile-all.rb's output into the corpus golden file, golden.json.gz:
//
//   node normalize-corpus.ts RAW.jsonl PUPPET_VERSION PACKAGES.tsv MODULES.tsv [--merge]
//
// RAW.jsonl has one line per target ({id, module, site, catalog} or {id, module, site, log}); each catalog
// goes through normalizeCatalog and each error through normalizeError (../normalize.ts), with
// the run's site folder (`site`) made relative (a class target's site is `site.pp`, holding
// `include NAME`). PACKAGES.tsv lists the Debian packages and versions (dpkg-query), MODULES.tsv
// each module name of /usr/share/puppet/modules and the folder it links to; each module's own
// version comes from its metadata.json. With --merge the targets replace theirs in the kept
// golden file; otherwise the file is rewritten with exactly these targets.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { normalizeCatalog, normalizeError, parseJsonExact, type ExpectedError, type NormalizedCatalog } from '../normalize.ts';

export const GOLDEN = join(import.meta.dirname, 'golden.json.gz');
export const FACTS = join(import.meta.dirname, 'facts.json');

export interface CorpusModule {
  /** The folder under /usr/share/puppet/modules.available the module name links to. */
  folder: string;
  /** metadata.json's version (null without one). */
  version: string | null;
}

export interface CorpusTarget {
  id: string;
  module: string;
  catalog?: NormalizedCatalog;
  error?: ExpectedError;
}

export interface CorpusGolden {
  puppet: string;
  node: string;
  /** sha256 of facts.json, the facts every target was compiled with. */
  facts: string;
  /** What Puppet's server adds to every node (top-scope variables and $server_facts). */
  server_facts: Record<string, string>;
  /** Debian package → version, as dpkg-query reported them. */
  packages: Record<string, string>;
  modules: Record<string, CorpusModule>;
  targets: CorpusTarget[];
}

/** The golden file; numbers as parseJsonExact keeps them (Float and Integer apart). */
export function readGolden(path = GOLDEN): CorpusGolden {
  return parseJsonExact(gunzipSync(readFileSync(path)).toString('utf8')) as CorpusGolden;
}

export function factsDigest(path = FACTS): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function main(argv: string[]): number {
  const [raw, version, packagesTsv, modulesTsv, flag] = argv;
  if (!raw || !version || !packagesTsv || !modulesTsv) {
    process.stderr.write('usage: normalize-corpus.ts RAW.jsonl PUPPET_VERSION PACKAGES.tsv MODULES.tsv [--merge]\n');
    return 2;
  }
  const packages: Record<string, string> = {};
  for (const l of readFileSync(packagesTsv, 'utf8').split('\n').filter(Boolean)) {
    const [p, v] = l.split('\t');
    packages[p] = v;
  }
  const modules: Record<string, CorpusModule> = {};
  for (const l of readFileSync(modulesTsv, 'utf8').split('\n').filter(Boolean)) {
    const [name, target] = l.split('\t');
    const meta = join(target, 'metadata.json');
    const v = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { version?: string }).version ?? null : null;
    modules[name] = { folder: basename(target), version: v };
  }
  const facts = JSON.parse(readFileSync(FACTS, 'utf8')) as Record<string, unknown>;
  const targets = new Map<string, CorpusTarget>();
  if (flag === '--merge' && existsSync(GOLDEN)) for (const t of readGolden().targets) targets.set(t.id, t);
  let catalogs = 0;
  let errors = 0;
  for (const line of readFileSync(raw, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { id: string; module: string; catalog?: string; log?: string; site: string };
    const t: CorpusTarget = { id: r.id, module: r.module };
    if (r.catalog !== undefined) {
      t.catalog = normalizeCatalog(r.catalog, r.site);
      catalogs++;
    } else {
      t.error = normalizeError(r.log ?? '', r.site);
      errors++;
    }
    targets.set(t.id, t);
  }
  const golden: CorpusGolden = {
    puppet: version,
    node: String(facts.clientcert),
    facts: factsDigest(),
    server_facts: { serverversion: '7.23.0', servername: 'puppet.example.com', serverip: '10.0.0.1' },
    packages,
    modules,
    targets: [...targets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  writeFileSync(GOLDEN, gzipSync(`${JSON.stringify(golden)}\n`, { level: 9 }));
  process.stdout.write(`Puppet ${version}: ${catalogs} catalogs, ${errors} errors written; golden.json.gz holds ${golden.targets.length} targets\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
