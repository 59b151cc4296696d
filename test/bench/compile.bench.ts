// Compiler benchmark: `kasper compile` against Puppet 7's compiler (through
// test/conformance/puppet-compile.rb, as the conformance goldens are made) on the same
// environments, in the same run: a generated 5,000-resource site (classes, a defined type, EPP
// templates, Hiera class parameters and lookups) and the Debian module-corpus sites. Also a warm
// compile (a second node in the same process), which is what a master pays per agent.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog, loadFactsFile } from '../../packages/compiler/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { generateEnvironment } from './generate.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const kasperCompile = (env: string, node: string) => [
  join(root, 'packages/cli/bin/kasper.js'), 'compile', '--node', node,
  '--modulepath', join(env, 'modules'), '--hiera-config', join(env, 'hiera.yaml'), '--facts', join(env, 'facts.yaml'),
  join(env, 'manifests'),
];

function row(what: string, k: Measurement, p: Measurement | null): string {
  const ratio = p ? `time ${(p.medianMs / k.medianMs).toFixed(1)}×, memory ${(p.peakRssMiB / k.peakRssMiB).toFixed(1)}×` : 'Puppet not installed';
  const puppet = p ? `${p.medianMs.toFixed(0)} ms, ${p.peakRssMiB.toFixed(0)} MiB` : '—';
  return `| ${what} | ${k.medianMs.toFixed(0)} ms, ${k.peakRssMiB.toFixed(0)} MiB | ${puppet} | ${ratio} |`;
}

export function runCompileBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-compile-'));
  try {
    const env = join(work, 'site');
    const site = generateEnvironment(env, 5000);
    const puppet = hasCommand('puppet') && hasCommand('ruby');
    const puppetCompile = (caseDir: string) => {
      const out = mkdtempSync(join(work, 'puppet-'));
      return ['sh', '-c', `ruby "$0" "$1" "$2" > "$2/catalog.json"`, join(root, 'test/conformance/puppet-compile.rb'), caseDir, out];
    };
    const lines = [
      '| environment | kasper compile | Puppet 7 compile | Puppet ÷ Kasper |',
      '|---|---|---|---|',
    ];
    // Each Kasper command once first: its caches warm (Node's compile cache, module types'
    // metadata, the Ruby snapshot, compiled templates), as on every run after the first.
    measure(kasperCompile(env, 'bench01.example.com'), 1);
    const k1 = measure(kasperCompile(env, 'bench01.example.com'), 5);
    const p1 = puppet ? measure(puppetCompile(env), 3) : null;
    if (!k1.ok || (p1 && !p1.ok)) throw new Error('the generated site must compile with both');
    lines.push(row(`generated site: ${site.classes} classes, ${site.resources} resources`, k1, p1));

    const corpusDir = join(root, 'test/conformance/modules-corpus');
    if (hasCommand('puppet') || readdirSync('/usr/share/puppet/modules', { withFileTypes: true }).length > 0) {
      for (const name of readdirSync(corpusDir).sort()) {
        const dir = join(corpusDir, name);
        const argv = [
          join(root, 'packages/cli/bin/kasper.js'), 'compile', '--node', 'web01.example.com',
          '--modulepath', '/usr/share/puppet/modules', '--facts', join(dir, 'facts.yaml'), join(dir, 'manifests'),
        ];
        measure(argv, 1); // caches warm
        const k = measure(argv, 5);
        const p = puppet ? measure(puppetCompile(dir), 3) : null;
        if (!k.ok) throw new Error(`kasper could not compile the module corpus site ${name}`);
        lines.push(row(`module corpus: ${name}`, k, p));
      }
    }

    // A module-heavy site: Debian's openssl module, whose certificate define calls 39 stdlib
    // validate_* functions per instance (Kasper runs them natively; in Ruby they went through
    // stdlib's shims and back into the Ruby VM).
    if (readdirSync('/usr/share/puppet/modules').includes('openssl')) {
      const x509 = join(work, 'x509');
      mkdirSync(join(x509, 'manifests'), { recursive: true });
      const certs = 200;
      writeFileSync(join(x509, 'manifests', 'site.pp'), Array.from({ length: certs }, (_x, i) =>
        `openssl::certificate::x509 { 'cert${i}': country => 'CH', organization => 'Example', commonname => 'host${i}.example.com', altnames => ['a${i}.example.com'], days => ${365 + i} }\n`).join(''));
      for (const f of ['facts.yaml', 'environment.conf']) copyFileSync(join(corpusDir, 'stdlib', f), join(x509, f));
      writeFileSync(join(x509, 'case.json'), JSON.stringify({ node: 'web01.example.com', description: 'benchmark' }));
      const argv = [
        join(root, 'packages/cli/bin/kasper.js'), 'compile', '--node', 'web01.example.com',
        '--modulepath', '/usr/share/puppet/modules', '--facts', join(x509, 'facts.yaml'), join(x509, 'manifests'),
      ];
      measure(argv, 1); // caches warm
      const k = measure(argv, 5);
      const p = puppet ? measure(puppetCompile(x509), 3) : null;
      if (!k.ok) throw new Error('kasper could not compile the openssl certificates site');
      lines.push(row(`Debian's openssl module: ${certs} certificates, ${certs * 39} stdlib validate_* calls`, k, p));
    }

    // In process: the first compile pays parsing and JIT warm-up; the next node reuses parsed code.
    const config = { name: 'production', manifest: join(env, 'manifests'), modulepath: [join(env, 'modules')], hieraConfig: join(env, 'hiera.yaml') };
    const facts = loadFactsFile(join(env, 'facts.yaml'));
    const t0 = performance.now();
    compileCatalog({ environment: config, node: 'bench01.example.com', facts });
    const cold = performance.now() - t0;
    const warmRuns = 5;
    const t1 = performance.now();
    for (let i = 0; i < warmRuns; i++) compileCatalog({ environment: config, node: `bench${i + 2}.example.com`, facts });
    const warm = (performance.now() - t1) / warmRuns;
    lines.push('');
    lines.push(`In process (the generated site): first compile ${cold.toFixed(0)} ms, then ${warm.toFixed(0)} ms per further node ` +
      `(${Math.round(site.resources / (warm / 1000)).toLocaleString('en-US')} resources/s); peak RSS of the process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB.`);
    return { name: 'compile', lines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
