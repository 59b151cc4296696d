// `kasper master`, `kasper agent`, `kasper ca`, `kasper node`, `kasper report`: arguments only;
// the settings' flags come from @kasper/settings' table.
import { Command, Option } from 'commander';
import type { Output } from './output.ts';
import { settingOptions } from './settings.ts';

/** --confdir and --vardir, as the settings table defines them (kasper diff uses these too). */
export const dirs = (c: Command) => settingOptions(c, ['confdir', 'vardir']);

export function masterCommand(out: Output): Command {
  return settingOptions(new Command('master')
    .description('run the master: catalogs for agents over mutual TLS, the CA, stored facts and reports'), 'master')
    .action(async (opts) => {
      const { runMaster } = await import('./fleet-action.ts');
      await runMaster(opts, out);
    });
}

/** `rerun`: this command line again (Node, its flags, the kasper script, the arguments), for the daemon's run processes. */
export function agentCommand(out: Output, rerun?: string[]): Command {
  return settingOptions(new Command('agent')
    .description('fetch this node\'s catalog from the master over mutual TLS, apply it, send the report; every runinterval'), 'agent')
    .option('--test', 'one run, verbose, detailed exit codes (--onetime --detailed-exitcodes)')
    // One run of the daemon, started by it (the run the master asked for, as JSON): not for people.
    .addOption(new Option('--daemon-run <json>').hideHelp())
    // The daemon again after a run it became (agent-run.ts): its next run waits runinterval.
    .addOption(new Option('--daemon-resume <n>').hideHelp())
    .action(async (opts) => {
      const { runAgent } = await import('./agent-action.ts');
      await runAgent(opts, out, rerun);
    });
}

export function caCommand(out: Output): Command {
  return dirs(new Command('ca')
    .description('the certificate authority: setup, list, sign, revoke, clean (also deactivates the node in the master\'s storage), generate, show'))
    .argument('<action>', 'setup | list | sign | revoke | clean | generate | show')
    .argument('[names...]', 'certnames')
    .option('--all', 'list: signed and revoked too; sign: every pending request that can be signed — '
      + 'as puppetserver\'s `ca sign --all`, the others (alt names or authorization extensions not '
      + 'allowed) are named with the reason and left pending, and the exit code is then 1')
    .option('--allow-dns-alt-names', 'sign requests that ask for DNS alt names')
    .option('--allow-authorization-extensions', 'sign requests that ask for authorization extensions '
      + '(pp_cli_auth, pp_authorization, pp_auth_role: rights beyond a node\'s)')
    .option('--dns-alt-names <names>', 'setup: also make the master\'s own key and certificate with these alt names '
      + '(comma-separated), in <confdir>/ssl, where the master uses them; generate: alt names')
    .option('--certname <name>', 'setup with --dns-alt-names: the master\'s certname (default: certname in kasper.conf, else this host\'s name)')
    .option('--format <format>', 'list: text or json', 'text')
    .action(async (action: string, names: string[], opts) => {
      const { runCa } = await import('./fleet-action.ts');
      await runCa(action, names, opts, out);
    });
}

export function nodeCommand(out: Output): Command {
  return settingOptions(new Command('node').description("nodes the master knows: list, show NAME (facts, reports), or deactivate NAME… "
    + "(as PuppetDB's: its exported resources are no longer collected by other nodes; its next facts or catalog reactivate it)"), 'node')
    .argument('<action>', 'list | show | deactivate')
    .argument('[names...]', 'nodes')
    .option('--format <format>', 'list: text or json', 'text')
    .action(async (action: string, names: string[], opts) => {
      const { runNode } = await import('./fleet-action.ts');
      await runNode(action, names, opts, out);
    });
}

export function reportCommand(out: Output): Command {
  return settingOptions(new Command('report').description('stored run reports: list [--node NAME], or show ID; '
    + 'the diffs of pushes (kasper code): diffs [--environment E], or diff ID|latest [--format terminal|json|markdown|html]'), 'report')
    .argument('<action>', 'list | show | diffs | diff')
    .argument('[id]', 'a report id (show), a push diff id or latest (diff)')
    .option('--node <name>', 'only this node\'s reports')
    .option('--environment <name>', 'diffs: only pushes of this environment (branch)')
    .option('--format <format>', 'diffs: text or json; diff: terminal, json, markdown or html')
    .option('--color', 'diff: color the terminal format even when not on a terminal')
    .action(async (action: string, id: string | undefined, opts) => {
      if (action === 'diffs' || (action === 'diff' && id)) {
        const { runReportDiffs, runReportDiff } = await import('./code-action.ts');
        await (action === 'diffs' ? runReportDiffs(opts, out) : runReportDiff(id!, opts, out));
        return;
      }
      const { runReport } = await import('./fleet-action.ts');
      await runReport(action, id, opts, out);
    });
}
