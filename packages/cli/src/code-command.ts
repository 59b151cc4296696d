// `kasper code init|deploy|check|status`: environments deployed from git (the work is in
// @kasper/deploy; the pre-receive check and its push diff are wired in code-action.ts).
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { Output } from './output.ts';
import { fromFlags, settingOptions } from './settings.ts';

async function codeOptions(opts: object) {
  const { resolveSettings } = await import('@kasper/settings');
  const s = await resolveSettings('code', fromFlags(opts));
  return { codedir: s.codedir, environmentpath: s.environmentpath };
}

/** --confdir, --vardir, --storage given to `init`: written into the hooks, so they find kasper.conf and the storage. */
function hookFlags(opts: { confdir?: string; vardir?: string; storage?: string }) {
  return {
    ...(opts.confdir ? { confdir: resolve(opts.confdir) } : {}),
    ...(opts.vardir ? { vardir: resolve(opts.vardir) } : {}),
    ...(opts.storage ? { storage: /^postgres(ql)?:\/\//.test(opts.storage) ? opts.storage : resolve(opts.storage.replace(/^sqlite:/, '')) } : {}),
  };
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function codeCommand(out: Output): Command {
  const code = new Command('code').description('environments from git: a repository on the master whose branches are deployed as environments');
  code.addCommand(settingOptions(new Command('init'), 'code')
    .description("create the repository (<codedir>/repo.git) and its hooks; then 'git push' to it")
    .action(async (opts) => {
      const { initRepo } = await import('@kasper/deploy');
      const o = await codeOptions(opts);
      const repo = initRepo({ ...o, ...hookFlags(opts) }, [process.execPath, process.argv[1]]);
      out.stdout(`${repo}\npush to it: git push ${repo} production  (over SSH: git push ssh://USER@MASTER${repo} production)\n`);
    }));
  code.addCommand(settingOptions(new Command('deploy'), 'code')
    .description('deploy branches as environments: every branch, those named, or (--hook) the ref updates git gives a post-receive hook on standard input')
    .argument('[branch...]', 'branches to deploy (default: all)')
    .option('--hook', 'read "old new ref" lines from standard input, as a post-receive hook')
    .action(async (branches: string[], opts) => {
      const { deployAll, deployUpdates, parseRefUpdates } = await import('@kasper/deploy');
      const o = await codeOptions(opts);
      const print = (s: string) => out.stdout(`${s}\n`);
      const ok = opts.hook ? await deployUpdates(o, parseRefUpdates(await stdinText()), print) : await deployAll(o, branches, print);
      if (!ok) out.exitCode = 1;
    }));
  code.addCommand(settingOptions(new Command('check'), 'code')
    .description('as a pre-receive hook: refuse pushed branches whose names are not environment names; then (push_diff) build each '
      + 'pushed tree, compile the nodes the master has facts for under the deployed and the pushed code, print the summary, store the '
      + 'report, and refuse the push as push_gate says')
    .action(async (opts) => {
      const { runCodeCheck } = await import('./code-action.ts');
      await runCodeCheck(opts, out);
    }));
  code.addCommand(settingOptions(new Command('status'), 'code')
    .description('every branch and environment: the commit deployed, and whether it is the branch head')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts) => {
      const { codeStatus } = await import('@kasper/deploy');
      const rows = codeStatus(await codeOptions(opts));
      if (opts.format === 'json') out.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      else for (const r of rows) out.stdout(`${r.name.padEnd(24)} ${r.state.padEnd(13)} deployed ${r.deployed?.slice(0, 12) ?? '—'.padEnd(12)}  branch ${r.branch?.slice(0, 12) ?? '—'}\n`);
    }));
  return code;
}
