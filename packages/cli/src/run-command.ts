// `kasper run`: a rolling run (the work is in @kasper/rollout; this is arguments and wiring).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { raise } from './messages.ts';
import type { Output } from './output.ts';
import { fromFlags, settingOptions } from './settings.ts';

export function runCommand(out: Output): Command {
  return settingOptions(new Command('run'), 'run')
    .description('ask nodes to run now, through the master, in batches: hooks before and after each node, a health check, '
      + 'and a stop when too many fail (agents must be connected: see docs/deploy.md, "Rolling runs")')
    .option('--nodes <query>', "which nodes: a name glob (web*), class=Role::Web, facts.os.release.major=12, trusted.…, environment=E, "
      + 'joined with and/or/not and parentheses, or a PQL query on nodes')
    .option('--batch <n>', 'nodes at a time: a number, or a percentage of the nodes chosen (20%)', '1')
    .option('--noop', 'runs in noop mode: report what would change, change nothing (hooks are not run)')
    .option('--environment <name>', 'the environment the runs compile in (the master\'s classifier still wins)')
    .option('--check <command>', 'health check after each node\'s run: a shell command that exits 0 when the node is healthy ($KASPER_NODE, {node})')
    .option('--check-url <url>', 'health check: a URL the master\'s host GETs, healthy when answered 2xx ({node} is the node\'s name)')
    .option('--check-timeout <seconds>', 'try the check every second for this long before the node counts as failed', '30')
    .option('--before <hook>', 'run before each node\'s run, e.g. drain it from the load balancer: a shell command ($KASPER_NODE, {node}), '
      + 'or a Puppet class (haproxy::drain) applied on this host with node => the node\'s name')
    .option('--after <hook>', 'run after a node ran and passed its check, e.g. add it back: a shell command or a Puppet class, as --before')
    .option('--max-failures <n>', 'failed nodes tolerated; one more stops the rollout after its batch', '0')
    .option('--timeout <seconds>', 'how long to wait for a node\'s report', '600')
    .option('--report <file>', 'also write the rollout\'s result as JSON: its job id, each node\'s phase, outcome and why it failed, what was left untouched')
    .option('--connected', 'only list the agents connected to the master now')
    .action(async (opts) => {
      const { Resolver, resolveSettings } = await import('@kasper/settings');
      const s = await resolveSettings('run', fromFlags(opts));
      const { MasterApi, ProgressPrinter, puppetHookCommand, rollout, summary } = await import('@kasper/rollout');
      // A hook that names a Puppet class is applied on this host by `kasper apply`, with the
      // modules of the environment the runs use (its modules folder, then basemodulepath).
      const master = new Resolver('master', fromFlags(opts));
      const environment = typeof opts.environment === 'string' ? opts.environment : 'production';
      const modulepath = [join(await master.get('environmentpath'), environment, 'modules'), ...await master.get('basemodulepath')];
      const apply = [process.execPath, process.argv[1], 'apply', '--confdir', s.confdir, '--modulepath', modulepath.join(':')];
      const hook = (h: unknown) => (typeof h === 'string' ? puppetHookCommand(h, apply) ?? h : undefined);
      const ssl = join(s.confdir, 'ssl');
      // On the master its CA's own certificate; elsewhere the one an agent pinned.
      const caPath = existsSync(join(s.confdir, 'ca', 'ca_crt.pem')) ? join(s.confdir, 'ca', 'ca_crt.pem') : join(ssl, 'certs', 'ca.pem');
      const api = new MasterApi({
        server: s.server, port: s.port,
        keyPath: join(ssl, 'private_keys', `${s.certname}.pem`), certPath: join(ssl, 'certs', `${s.certname}.pem`), caPath,
      });
      if (opts.connected) {
        for (const name of [...await api.connected()].sort()) out.stdout(`${name}\n`);
        return;
      }
      if (opts.nodes === undefined) throw raise('KSP-CLI-029');
      const printer = new ProgressPrinter((t) => out.stdout(t), out.isTTY);
      const result = await rollout({
        nodes: String(opts.nodes), batch: String(opts.batch), noop: Boolean(opts.noop), environment: opts.environment,
        check: opts.check, checkUrl: opts.checkUrl, checkTimeout: Number(opts.checkTimeout),
        before: hook(opts.before), after: hook(opts.after), maxFailures: Number(opts.maxFailures), runTimeout: Number(opts.timeout),
      }, api, {
        onProgress: (row, all) => printer.progress(row, all),
        onNote: (text) => printer.note(text),
      });
      printer.note('');
      out.stdout(summary(result));
      if (opts.report) {
        const { writeFileAtomic } = await import('@kasper/files');
        writeFileAtomic(String(opts.report), `${JSON.stringify(result, null, 2)}\n`);
      }
      if (result.stopped || result.failed.length) out.exitCode = 1;
    });
}
