// Parser benchmark: `kasper parser validate` against `puppet parser validate` on the same inputs,
// measured in the same run: a generated 5,000-resource site and the Debian module corpus.
// Also the in-process numbers that start-up hides: warm throughput and parser set-up.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectSourceFiles, parseManifest } from '../../packages/language/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { CORPUS_MODULES, moduleCorpus } from '../support/module-corpus.ts';
import { generateManifest } from './generate.ts';
import { measure, type Measurement } from './measure.ts';

const root = join(import.meta.dirname, '../..');
const kasper = (args: string[]) => [join(root, 'packages/cli/bin/kasper.js'), ...args];

export interface BenchReport {
  name: string;
  lines: string[];
}

function row(what: string, k: Measurement, p: Measurement | null): string {
  const ratio = p ? `time ${(p.medianMs / k.medianMs).toFixed(1)}×, memory ${(p.peakRssMiB / k.peakRssMiB).toFixed(1)}×` : 'Puppet not installed';
  const puppet = p ? `${p.medianMs.toFixed(0)} ms, ${p.peakRssMiB.toFixed(0)} MiB` : '—';
  return `| ${what} | ${k.medianMs.toFixed(0)} ms, ${k.peakRssMiB.toFixed(0)} MiB | ${puppet} | ${ratio} |`;
}

export function runParserBench(): BenchReport {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-bench-'));
  try {
    const site = generateManifest(5000);
    const sitePath = join(dir, 'site.pp');
    writeFileSync(sitePath, site.text);
    const puppet = hasCommand('puppet');
    const lines: string[] = [
      '| input | kasper parser validate | puppet parser validate | Puppet ÷ Kasper |',
      '|---|---|---|---|',
    ];
    const k1 = measure(kasper(['parser', 'validate', sitePath]), 7);
    const p1 = puppet ? measure(['puppet', 'parser', 'validate', sitePath], 3) : null;
    if (!k1.ok || (p1 && !p1.ok)) throw new Error('the generated site must be valid for both');
    lines.push(row(`generated site: ${site.resources} resources, ${site.lines} lines`, k1, p1));

    const corpus = moduleCorpus();
    if ('dir' in corpus) {
      // Puppet's validate reads .epp files as manifests, so both get the .pp files only.
      const files = collectSourceFiles(CORPUS_MODULES.map((m) => join(corpus.dir, m))).files.filter((f) => f.endsWith('.pp'));
      const k2 = measure(kasper(['parser', 'validate', ...files]), 7);
      const p2 = puppet ? measure(['puppet', 'parser', 'validate', ...files], 3) : null;
      lines.push(row(`Debian module corpus: ${files.length} .pp files`, k2, p2));
    } else {
      lines.push(`| Debian module corpus | skipped: ${corpus.reason} | | |`);
    }

    // In process, after warm-up: what a master or `kasper diff` pays per file once started.
    const t0 = performance.now();
    parseManifest('notice(1)', 'warm.pp');
    const initMs = performance.now() - t0;
    for (let i = 0; i < 3; i++) parseManifest(site.text, 'site.pp');
    const rounds = 10;
    const t1 = performance.now();
    for (let i = 0; i < rounds; i++) parseManifest(site.text, 'site.pp');
    const perParse = (performance.now() - t1) / rounds;
    lines.push('');
    lines.push(`In process: parser set-up ${initMs.toFixed(0)} ms; warm parse of the generated site ${perParse.toFixed(1)} ms ` +
      `(${Math.round(site.lines / (perParse / 1000)).toLocaleString('en-US')} lines/s, ${(site.text.length / 1024 / 1024 / (perParse / 1000)).toFixed(1)} MiB/s).`);
    return { name: 'parser', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
