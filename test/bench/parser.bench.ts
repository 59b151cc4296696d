// Parser benchmark: `kasper parser validate` against `puppet parser validate` on the same inputs,
// measured in the same run, interleaved: a generated 5,000-resource site, the Debian module corpus,
// every .pp file of Debian's module packages, and those as one concatenated file. Also the
// in-process numbers that start-up hides: warm throughput and parser set-up.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectSourceFiles, parseManifest } from '../../packages/language/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { CORPUS_MODULES, DEBIAN_MODULE_PACKAGES, debianModuleSources, moduleCorpus } from '../support/module-corpus.ts';
import { generateManifest } from './generate.ts';
import { measure, type Measurement } from './measure.ts';

const root = join(import.meta.dirname, '../..');
const kasper = (args: string[]) => [join(root, 'packages/cli/bin/kasper.js'), ...args];
const ROUNDS = 5;

export interface BenchReport {
  name: string;
  lines: string[];
}

function cell(m: Measurement): string {
  return `${m.medianMs.toFixed(0)} ms (CPU ${m.cpuMs.toFixed(0)} ms), ${m.peakRssMiB.toFixed(0)} MiB`;
}

function row(what: string, k: Measurement, p: Measurement | null): string {
  const ratio = p
    ? `time ${(p.medianMs / k.medianMs).toFixed(1)}× (CPU ${(p.cpuMs / k.cpuMs).toFixed(1)}×), memory ${(p.peakRssMiB / k.peakRssMiB).toFixed(1)}×`
    : 'Puppet not installed';
  return `| ${what} | ${cell(k)} | ${p ? cell(p) : '—'} | ${ratio} |`;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Kasper's and Puppet's commands in interleaved rounds (K P K P …), so both see the same load. */
function pair(k: string[], p: string[] | null, rounds: number): [Measurement, Measurement | null] {
  const ks: Measurement[] = [];
  const ps: Measurement[] = [];
  measure(k, 1); // warm-up: the compile cache and the page cache
  for (let i = 0; i < rounds; i++) {
    ks.push(measure(k, 1));
    if (p) ps.push(measure(p, 1));
  }
  const combine = (ms: Measurement[]): Measurement => ({
    command: ms[0].command, runs: ms.length, medianMs: median(ms.map((m) => m.medianMs)), minMs: Math.min(...ms.map((m) => m.minMs)),
    peakRssMiB: Math.max(...ms.map((m) => m.peakRssMiB)), cpuMs: median(ms.map((m) => m.cpuMs)), ok: ms.every((m) => m.ok),
  });
  return [combine(ks), p ? combine(ps) : null];
}

/** Median wall and CPU milliseconds of `fn` (CPU time: the steadier one on a loaded machine). */
function timed(fn: () => void, rounds: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    walls.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

function throughput(what: string, lines: number, bytes: number, t: { wall: number; cpu: number }): string {
  const rate = (ms: number) => `${Math.round(lines / (ms / 1000)).toLocaleString('en-US')} lines/s, ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s`;
  return `${what} ${t.wall.toFixed(1)} ms (${rate(t.wall)}), CPU ${t.cpu.toFixed(1)} ms (${rate(t.cpu)})`;
}

export function runParserBench(): BenchReport {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-bench-'));
  try {
    const site = generateManifest(5000);
    const sitePath = join(dir, 'site.pp');
    writeFileSync(sitePath, site.text);
    const puppet = hasCommand('puppet');
    const load = loadavg()[0];
    const lines: string[] = [
      `Whole commands, Kasper and Puppet in ${ROUNDS} interleaved rounds after a warm-up, medians; the machine's load average was ${load.toFixed(1)} on ${availableParallelism()} cores at the start (CPU time is the steadier number on a loaded machine).`,
      '',
      '| input | kasper parser validate | puppet parser validate | Puppet ÷ Kasper |',
      '|---|---|---|---|',
    ];
    const puppetCmd = (args: string[]) => (puppet ? ['puppet', 'parser', 'validate', ...args] : null);
    const [k1, p1] = pair(kasper(['parser', 'validate', sitePath]), puppetCmd([sitePath]), ROUNDS);
    if (!k1.ok || (p1 && !p1.ok)) throw new Error('the generated site must be valid for both');
    lines.push(row(`generated site: ${site.resources} resources, ${site.lines} lines`, k1, p1));

    const corpus = moduleCorpus();
    if ('dir' in corpus) {
      // Puppet's validate reads .epp files as manifests, so both get the .pp files only.
      const files = collectSourceFiles(CORPUS_MODULES.map((m) => join(corpus.dir, m))).files.filter((f) => f.endsWith('.pp'));
      const [k2, p2] = pair(kasper(['parser', 'validate', ...files]), puppetCmd(files), ROUNDS);
      lines.push(row(`Debian module corpus: ${files.length} .pp files`, k2, p2));
    } else {
      lines.push(`| Debian module corpus | skipped: ${corpus.reason} | | |`);
    }

    // Every .pp file of Debian's module packages: many files, where worker threads help.
    const all = debianModuleSources();
    let concatenated: { path: string; files: number; lines: number } | null = null;
    let sources: { file: string; text: string }[] = [];
    if ('dir' in all) {
      const files = all.files.filter((f) => f.endsWith('.pp')).map((f) => join(all.dir, f));
      const texts = files.map((f) => readFileSync(f, 'utf8'));
      const count = texts.reduce((n, t) => n + t.split('\n').length, 0);
      const [k3, p3] = pair(kasper(['parser', 'validate', ...files]), puppetCmd(files), ROUNDS);
      lines.push(row(`all of Debian's ${DEBIAN_MODULE_PACKAGES.length} module packages: ${files.length} .pp files, ${count} lines`, k3, p3));
      concatenated = { path: join(dir, 'all.pp'), files: files.length, lines: count };
      sources = files.map((file, i) => ({ file, text: texts[i] }));
      writeFileSync(concatenated.path, texts.join('\n'));
    } else {
      lines.push(`| all of Debian's module packages | skipped: ${all.reason} | | |`);
    }
    if (concatenated) {
      const [one] = pair(kasper(['parser', 'validate', concatenated.path]), null, ROUNDS);
      lines.push('');
      lines.push(`The same ${concatenated.files} files concatenated into one file of ${concatenated.lines} lines: ${cell(one)} (a folder must not be slower than one file of its size).`);
    }

    // In process, after warm-up: what a master or `kasper diff` pays per file once started.
    const t0 = performance.now();
    parseManifest('notice(1)', 'warm.pp');
    const initMs = performance.now() - t0;
    // The first file with a syntax error loads chevrotain and analyses its grammar.
    const t1 = performance.now();
    parseManifest('notice(1', 'broken.pp');
    const chevrotainMs = performance.now() - t1;
    for (let i = 0; i < 5; i++) parseManifest(site.text, 'site.pp');
    const perParse = timed(() => parseManifest(site.text, 'site.pp'), 15);
    lines.push('');
    lines.push(`In process: parser set-up ${initMs.toFixed(1)} ms (chevrotain's, on the first file with a syntax error, ${chevrotainMs.toFixed(0)} ms more); ` +
      `${throughput('warm parse of the generated site', site.lines, site.text.length, perParse)}` +
      (sources.length ? `; ${throughput(`of the ${sources.length} module files, one thread`, sources.reduce((n, s) => n + s.text.split('\n').length, 0), sources.reduce((n, s) => n + s.text.length, 0), timed(() => { for (const s of sources) parseManifest(s.text, s.file); }, 7))}` : '') + '.');
    return { name: 'parser', lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
