// Compiles the whole module corpus with Kasper and compares it with Puppet's golden file:
// prints the counts and the disagreements grouped by cause, most frequent first.
//
//   node test/conformance/corpus/triage.ts [--write] [--details] [ID...]
//
// --write    rewrites known-gaps.txt: every target that does not agree, with its cause (and the
//            reason written after it by hand, while the cause is the same)
// --details  prints each disagreeing target's detail under its cause
// ID...      only these targets (class:NAME, example:MODULE/FILE.pp)
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readGolden } from './normalize-corpus.ts';
import { CorpusRunner, GAPS, corpusModulepath, readGaps, type Verdict } from './run-corpus.ts';

export interface CorpusSummary {
  targets: number;
  /** Targets Puppet compiles, and of those the ones Kasper compiles to an equal catalog. */
  puppetCatalogs: number;
  equalCatalogs: number;
  /** Targets Puppet refuses, and of those the ones Kasper refuses too (at the same place). */
  puppetErrors: number;
  sameErrors: number;
  verdicts: Map<string, Verdict>;
  seconds: number;
}

export function runCorpus(only: string[] = [], onEach?: (id: string, v: Verdict) => void): CorpusSummary | { reason: string } {
  const golden = readGolden();
  const mp = corpusModulepath(golden);
  if (!('dir' in mp)) return mp;
  const runner = new CorpusRunner(golden, mp.dir);
  const start = process.hrtime.bigint();
  const s: CorpusSummary = { targets: 0, puppetCatalogs: 0, equalCatalogs: 0, puppetErrors: 0, sameErrors: 0, verdicts: new Map(), seconds: 0 };
  try {
    for (const t of golden.targets) {
      if (only.length > 0 && !only.includes(t.id)) continue;
      const v = runner.check(t);
      s.targets++;
      if (t.catalog) {
        s.puppetCatalogs++;
        if (v.agrees) s.equalCatalogs++;
      } else {
        s.puppetErrors++;
        if (v.agrees) s.sameErrors++;
      }
      s.verdicts.set(t.id, v);
      onEach?.(t.id, v);
    }
  } finally {
    runner.dispose();
  }
  s.seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return s;
}

/** The disagreements grouped by cause, most frequent first: [cause, ids]. */
export function byCause(verdicts: Map<string, Verdict>): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const [id, v] of verdicts) {
    if (v.agrees) continue;
    groups.set(v.cause, [...(groups.get(v.cause) ?? []), id]);
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
}

export function summaryText(s: CorpusSummary, details = false): string {
  const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  const out = [
    `${s.targets} targets in ${s.seconds.toFixed(1)} s: Puppet compiles ${s.puppetCatalogs}, Kasper's catalog is equal for ${s.equalCatalogs} (${pct(s.equalCatalogs, s.puppetCatalogs)}); ` +
      `Puppet fails ${s.puppetErrors}, Kasper fails alike for ${s.sameErrors} (${pct(s.sameErrors, s.puppetErrors)})`,
  ];
  for (const [cause, ids] of byCause(s.verdicts)) {
    out.push(`${String(ids.length).padStart(5)}  ${cause}`);
    out.push(`       ${ids.slice(0, 6).join(' ')}${ids.length > 6 ? ' …' : ''}`);
    if (details) {
      for (const id of ids) {
        const v = s.verdicts.get(id) as Verdict & { agrees: false };
        out.push(`         ${id}: ${v.detail.split('\n').join('\n           ')}`);
      }
    }
  }
  return out.join('\n');
}

function main(argv: string[]): number {
  const write = argv.includes('--write');
  const details = argv.includes('--details');
  const only = argv.filter((a) => !a.startsWith('--'));
  const s = runCorpus(only, process.stderr.isTTY ? (id) => process.stderr.write(`\r\x1b[K${id}`) : undefined);
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  if ('reason' in s) {
    process.stderr.write(`${s.reason}\n`);
    return 1;
  }
  process.stdout.write(`${summaryText(s, details)}\n`);
  if (write) {
    const lines = [
      '# Targets of the module corpus (golden.json.gz) where Kasper does not yet agree with Puppet 7:',
      '# ID CAUSE — REASON. The cause is what triage.ts measured; the reason, written by hand after',
      '# " — ", says why, and is kept while the cause stays the same.',
      '# Regenerate with: node test/conformance/corpus/triage.ts --write',
    ];
    const reasons = readGaps();
    const entries = new Map<string, string>();
    // Targets not compiled this time (IDs were named) keep their lines.
    for (const [id, text] of reasons) if (!s.verdicts.has(id)) entries.set(id, text);
    for (const [id, v] of s.verdicts) {
      if (v.agrees) continue;
      const old = reasons.get(id) ?? '';
      const i = old.indexOf(' — ');
      entries.set(id, `${v.cause}${i >= 0 && old.slice(0, i) === v.cause ? old.slice(i) : ''}`);
    }
    for (const [id, text] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) lines.push(`${id} ${text}`);
    writeFileSync(GAPS, `${lines.join('\n')}\n`);
  }
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
