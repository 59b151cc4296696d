// The diff on every push: 100 nodes (facts stored in the master's SQLite storage) × a ~500
// resource site, one class changed per push; `git push` to the repository `kasper code init`
// made, its pre-receive hook compiling every node under the deployed and the pushed code. The
// whole push (wall time, peak memory of the largest process: the hook), the hook's own account
// of its compare, and the same push with push_diff = false (the deploy alone) for the cost.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@kasper/storage';
import { generateEnvironment } from './generate.ts';
import { measure } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const NODES = 100;
const RESOURCES = 500;
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1' };

export async function runPushBench(): Promise<BenchReport> {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-push-'));
  try {
    const db = openStorage(join(work, 'kasper.db'));
    await db.init();
    for (let i = 1; i <= NODES; i++) {
      const name = `node${String(i).padStart(3, '0')}.example.com`;
      await db.saveFacts(name, {
        networking: { fqdn: name, hostname: name.split('.')[0], ip: `10.0.${Math.floor(i / 250)}.${i % 250}` },
        os: { family: 'Debian', name: 'Debian', release: { major: '12', full: '12.5' } },
      }, 'production');
    }
    await db.close();
    const conf = join(work, 'conf');
    const setDiff = (on: boolean) => {
      mkdirSync(conf, { recursive: true });
      writeFileSync(join(conf, 'kasper.conf'), `storage = ${join(work, 'kasper.db')}\n[master]\npush_diff = ${on}\n`);
    };
    setDiff(true);
    execFileSync(process.execPath, [join(root, 'packages/cli/bin/kasper.js'), 'code', 'init', '--codedir', join(work, 'code'), '--environmentpath', join(work, 'envs'), '--confdir', conf], { stdio: 'ignore' });
    const repo = join(work, 'code', 'repo.git');
    const src = join(work, 'control');
    const site = generateEnvironment(src, RESOURCES);
    const git = (...args: string[]) => execFileSync('git', ['-C', src, ...args], { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '-q', '-b', 'production');
    git('add', '-A');
    git('commit', '-qm', 'v0');
    const push = ['git', '-C', src, 'push', '-q', repo, 'production'];
    const first = spawnSync(push[0], push.slice(1), { env: ENV, encoding: 'utf8' });
    if (first.status !== 0) throw new Error(`first push: ${first.stderr}`);
    // One class changed per push: its files' mode flips, one package more or less.
    const cls = join(src, 'modules/bench/manifests/c3.pp');
    const original = readFileSync(cls, 'utf8');
    let n = 0;
    const change = () => {
      n++;
      writeFileSync(cls, n % 2 ? original.replace("mode => '0644'", "mode => '0640'").replace(/\}\n$/, "  package { 'bench-extra': ensure => installed }\n}\n") : original);
      git('commit', '-qam', `change ${n}`);
    };
    change();
    const shown = spawnSync(push[0], push.slice(1), { env: ENV, encoding: 'utf8' });
    if (shown.status !== 0 || !new RegExp(`${NODES} nodes: ${NODES} changed`).test(shown.stderr)) throw new Error(`push: ${shown.stderr}`);
    const compared = /compared in (\d+\.\d) s/.exec(shown.stderr)?.[1];
    const compiled = /compiling (\d+) nodes of environment production with (\d+) worker/.exec(shown.stderr);
    const lines = shown.stderr.split('\n').filter((l) => l.startsWith('remote: ')).length;
    const runs = (k: number) => {
      const times: number[] = [];
      let rss = 0;
      for (let i = 0; i < k; i++) {
        change();
        const m = measure(push, 1, ENV);
        if (!m.ok) throw new Error('push failed');
        times.push(m.medianMs);
        rss = Math.max(rss, m.peakRssMiB);
      }
      times.sort((a, b) => a - b);
      return { ms: times[Math.floor(k / 2)], rss };
    };
    const withDiff = runs(3);
    setDiff(false);
    const without = runs(3);
    return {
      name: 'push',
      lines: [
        '| measure | wall time (median of 3) | peak memory |',
        '|---|---|---|',
        `| \`git push\` with the push diff: ${NODES} nodes × ${site.resources} resources, one class changed (${availableParallelism()} cores) | ${(withDiff.ms / 1000).toFixed(1)} s | ${withDiff.rss.toFixed(0)} MiB |`,
        `| the same push with \`push_diff = false\` (the deploy alone) | ${(without.ms / 1000).toFixed(1)} s | ${without.rss.toFixed(0)} MiB |`,
        '',
        `Inside one push: the hook compiled ${compiled?.[1]} nodes under both versions with ${compiled?.[2]} worker thread(s) (push_diff_workers: half the cores) and said "compared in ${compared} s"; the pusher saw ${lines} lines.`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
