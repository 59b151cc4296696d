// Ruby benchmark: what the embedded CRuby costs a process that meets its first ERB template —
// loading (compile, start or restore the snapshot), the first template, a template already
// compiled, and resident memory — with V8's default tiering and with Liftoff only, with and
// without the pre-initialised snapshot. Each configuration runs in fresh processes, alternating,
// and the medians are reported. Run alone: `node test/bench/ruby.bench.ts [runs]`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './parser.bench.ts';

const index = join(import.meta.dirname, '../../packages/ruby/src/index.ts');

const CHILD = `
const rss0 = process.memoryUsage().rss;
const { renderErb, loadRubySync } = await import(${JSON.stringify(index)});
const vars = new Map([['servers', ['a.example.com', 'b.example.com']], ['port', 123n], ['opts', new Map([['iburst', true], ['minpoll', 4n]])], ['f', 1.5]]);
const scope = { lookup: (n) => vars.get(n), variables: () => vars.keys(), callFunction: () => undefined };
const tpl = '# ntp.conf\\n<% @servers.each do |s| -%>\\nserver <%= s %><% @opts.each do |k, v| %> <%= k %><%= v == true ? "" : " #{v}" %><% end %>\\n<% end -%>\\nport <%= @port %> ratio <%= @f * 2 %>\\n<%= @opts %>\\n';
const t1 = performance.now();
const vm = loadRubySync();
const load = performance.now() - t1;
const t2 = performance.now();
renderErb(tpl, { scope, file: '/t/ntp.conf.erb' });
const first = performance.now() - t2;
const t3 = performance.now();
for (let i = 0; i < 300; i++) renderErb(tpl, { scope, file: '/t/ntp.conf.erb' });
const warm = (performance.now() - t3) / 300;
console.log(JSON.stringify({ load, first, warm, snapshot: vm.stats.snapshot, rss: (process.memoryUsage().rss - rss0) / 2 ** 20 }));
`;

interface Sample {
  load: number;
  first: number;
  warm: number;
  rss: number;
  snapshot: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function runRubyBench(runs = 5): BenchReport {
  const cache = mkdtempSync(join(tmpdir(), 'kasper-ruby-bench-'));
  try {
    const configs: [string, string[], Record<string, string>][] = [
      ['default tiering, no snapshot', [], { KASPER_RUBY_SNAPSHOT: '0', KASPER_RUBY_TIER_UP: '1' }],
      ['default tiering, snapshot', [], { KASPER_RUBY_TIER_UP: '1' }],
      ['--liftoff-only, no snapshot', ['--liftoff-only'], { KASPER_RUBY_SNAPSHOT: '0' }],
      ['--liftoff-only, snapshot', ['--liftoff-only'], {}],
      // What Kasper does: no tier-up flags set at run time when Ruby starts (packages/ruby/src/vm.ts).
      ['baseline only at run time, snapshot', [], {}],
    ];
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    // Write the snapshot once before measuring restores.
    execFileSync(process.execPath, ['--input-type=module', '-e', CHILD], { env, encoding: 'utf8' });
    const samples = new Map<string, Sample[]>();
    for (let r = 0; r < runs; r++) {
      for (const [name, flags, extra] of configs) {
        const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', CHILD], { env: { ...env, ...extra }, encoding: 'utf8' });
        const list = samples.get(name) ?? [];
        list.push(JSON.parse(out.trim().split('\n').pop()!) as Sample);
        samples.set(name, list);
      }
    }
    const lines = [
      '| setup | load Ruby | first ERB | load + first ERB | warm ERB (same template) | RSS added |',
      '|---|---|---|---|---|---|',
    ];
    for (const [name, list] of samples) {
      const m = (k: keyof Omit<Sample, 'snapshot'>) => median(list.map((s) => s[k]));
      const both = median(list.map((s) => s.load + s.first));
      lines.push(`| ${name} | ${m('load').toFixed(0)} ms | ${m('first').toFixed(1)} ms | ${both.toFixed(0)} ms | ${m('warm').toFixed(2)} ms | ${m('rss').toFixed(0)} MiB |`);
    }
    lines.push('', `Median of ${runs} fresh processes each; the template is a 6-line ntp.conf with a loop and a hash.`);
    return { name: 'ruby', lines };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const report = runRubyBench(Number(process.argv[2] ?? 5));
  console.log(report.lines.join('\n'));
}
