// ERB-heavy compile benchmark: Debian's apache module with 20 virtual hosts (each vhost renders a
// dozen ERB fragments into its concat and calls stdlib's Ruby functions), `kasper compile` against
// Puppet 7's compiler (test/conformance/puppet-compile.rb) in the same run, pairs interleaved.
// Warm: a further node compiled in the same process, which is what a master's compile worker pays
// once Ruby is up; a site without Ruby is measured by the compile benchmark.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, loadFactsFile } from '../../packages/compiler/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const MODULES = '/usr/share/puppet/modules';
const VHOSTS = 20;

function median(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runErbBench(): BenchReport {
  let present: string[] = [];
  try { present = readdirSync(MODULES); } catch { /* no module corpus */ }
  if (!present.includes('apache')) {
    return { name: 'erb', lines: [`Not measured: Debian's puppet-module-puppetlabs-apache is not installed in ${MODULES}.`] };
  }
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-erb-'));
  try {
    const web = join(work, 'apache');
    mkdirSync(join(web, 'manifests'), { recursive: true });
    writeFileSync(join(web, 'manifests', 'site.pp'), [`class { 'apache': default_vhost => false }`, ...Array.from({ length: VHOSTS }, (_x, i) =>
      `apache::vhost { 'site${i}.example.com': port => 80, docroot => '/var/www/site${i}', serveraliases => ['www.site${i}.example.com'], ` +
      `directories => [{ path => '/var/www/site${i}', options => ['Indexes', 'FollowSymLinks'], allow_override => ['All'] }] }`)].join('\n') + '\n');
    const corpus = join(root, 'test/conformance/modules-corpus/stdlib');
    for (const f of ['facts.yaml', 'environment.conf']) copyFileSync(join(corpus, f), join(web, f));
    writeFileSync(join(web, 'case.json'), JSON.stringify({ node: 'web01.example.com', description: 'benchmark' }));

    const kasper = [
      join(root, 'packages/cli/bin/kasper.js'), 'compile', '--node', 'web01.example.com',
      '--modulepath', MODULES, '--facts', join(web, 'facts.yaml'), join(web, 'manifests'),
    ];
    const puppet = hasCommand('puppet') && hasCommand('ruby');
    const out = join(work, 'puppet-out');
    mkdirSync(out);
    const puppetArgv = ['sh', '-c', `ruby "$0" "$1" "$2" > "$2/catalog.json"`, join(root, 'test/conformance/puppet-compile.rb'), web, out];
    // Kasper once first: its caches warm (the Ruby snapshot, compiled templates, module types'
    // metadata, Node's compile cache), as on every run after the first.
    measure(kasper, 1);
    // Pairs interleaved (K P K P …) so both see the same machine load.
    const k: Measurement[] = [];
    const p: Measurement[] = [];
    for (let i = 0; i < 3; i++) {
      k.push(measure(kasper, 1));
      if (puppet) p.push(measure(puppetArgv, 1));
    }
    if (k.some((m) => !m.ok)) throw new Error('kasper could not compile the apache site');
    if (p.some((m) => !m.ok)) throw new Error('Puppet could not compile the apache site');
    const kMs = median(k.map((m) => m.medianMs));
    const pMs = puppet ? median(p.map((m) => m.medianMs)) : NaN;
    const kRss = Math.max(...k.map((m) => m.peakRssMiB));
    const pRss = puppet ? Math.max(...p.map((m) => m.peakRssMiB)) : NaN;
    // CPU time (user + system): on a machine shared with other work it moves much less than wall time.
    const kCpu = median(k.map((m) => m.cpuMs));
    const pCpu = puppet ? median(p.map((m) => m.cpuMs)) : NaN;

    // In process as in a master's compile worker (packages/master/src/compile-worker.ts), where
    // V8 tiers Ruby's WebAssembly up (a one-shot command keeps it on Liftoff).
    process.env.KASPER_RUBY_TIER_UP ??= '1';
    const config = { name: 'production', manifest: join(web, 'manifests'), modulepath: [MODULES] };
    const facts = loadFactsFile(join(web, 'facts.yaml'));
    // This thread's CPU (the compile runs on it): what a master's worker spends per node.
    const cpuNow = () => {
      const u = process.threadCpuUsage();
      return (u.user + u.system) / 1000;
    };
    const t0 = performance.now();
    const c0 = cpuNow();
    compileCatalog({ environment: config, node: 'web01.example.com', facts });
    const first = performance.now() - t0;
    const firstCpu = cpuNow() - c0;
    const warm: number[] = [];
    const warmCpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const c = cpuNow();
      compileCatalog({ environment: config, node: `web${i + 2}.example.com`, facts });
      warm.push(performance.now() - t);
      warmCpu.push(cpuNow() - c);
    }
    const warmMs = median(warm);
    const ratio = (x: number, cpu: number) => (puppet ? `time ${(pMs / x).toFixed(1)}×, CPU ${(pCpu / cpu).toFixed(1)}×` : 'Puppet not installed');
    return {
      name: 'erb',
      lines: [
        `Debian's apache module, ${VHOSTS} virtual hosts (ERB templates and stdlib's Ruby functions in the embedded Ruby); medians of 3 interleaved pairs.`,
        '',
        'Time is wall time; CPU is user + system time (the whole process for a command, the compiling thread in process), steadier on a shared machine.',
        '',
        '| | Kasper | Puppet 7 (`puppet-compile.rb`) | Puppet ÷ Kasper |',
        '|---|---|---|---|',
        `| whole command | ${kMs.toFixed(0)} ms (CPU ${kCpu.toFixed(0)} ms), ${kRss.toFixed(0)} MiB | ${puppet ? `${pMs.toFixed(0)} ms (CPU ${pCpu.toFixed(0)} ms), ${pRss.toFixed(0)} MiB` : '—'} | ${ratio(kMs, kCpu)} |`,
        `| in process: first node (starts Ruby) | ${first.toFixed(0)} ms (CPU ${firstCpu.toFixed(0)} ms) | | ${ratio(first, firstCpu)} |`,
        `| in process: a further node (a master's warm worker) | ${warmMs.toFixed(0)} ms (CPU ${median(warmCpu).toFixed(0)} ms) | | ${ratio(warmMs, median(warmCpu))} |`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
