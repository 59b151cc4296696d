// `kasper master`, `kasper agent`, `kasper ca`, `kasper node`, `kasper report`: arguments only.
import { Command } from 'commander';
import type { Output } from './output.ts';

export const dirs = (c: Command) => c
  .option('--confdir <dir>', 'configuration and certificates (default /etc/kasper as root, ~/.kasper/etc)')
  .option('--vardir <dir>', 'state: storage, caches, reports (default /var/lib/kasper as root, ~/.kasper/var)');

export function masterCommand(out: Output): Command {
  return dirs(new Command('master')
    .description('run the master: catalogs for agents over mutual TLS, the CA, stored facts and reports'))
    .option('--bind <address>', 'address to listen on (default 0.0.0.0)')
    .option('--port <port>', 'port (default 8140)')
    .option('--certname <name>', "the master's certname (default this host's name)")
    .option('--dns-alt-names <names>', 'other names agents reach the master by, comma-separated')
    .option('--environmentpath <dir>', 'folder of environments (default <confdir>/environments)')
    .option('--basemodulepath <paths>', 'module folders shared by all environments, ":"-separated')
    .option('--storage <url>', 'sqlite:/path (default <vardir>/kasper.db) or postgres://…')
    .option('--autosign <globs>', 'sign requests whose names match, comma-separated, as lines of Puppet\'s '
      + 'autosign.conf: an exact certname; "*.example.com" (example.com and every name under it; the "*" '
      + 'only as the whole leftmost label); or "*" (everyone). A "*" anywhere else never matches (off by default)')
    .option('--autosign-policy <exe>', 'sign when this executable (name as argument, CSR on stdin) exits 0; '
      + 'run in its own process group, at most 4 at once, killed with its children after 30 s (the request then stays pending)')
    .option('--workers <n>', 'compile worker threads (default: one per core)')
    .action(async (opts) => {
      const { runMaster } = await import('./fleet-action.ts');
      await runMaster(opts, out);
    });
}

export function agentCommand(out: Output): Command {
  return dirs(new Command('agent')
    .description('fetch this node\'s catalog from the master over mutual TLS, apply it, send the report; every runinterval'))
    .option('--server <host>', 'the master (default: server in kasper.conf, else "kasper")')
    .option('--port <port>', "the master's port (default 8140)")
    .option('--certname <name>', "this node's certname (default its fqdn)")
    .option('--environment <name>', 'the environment to ask for (default production)')
    .option('--waitforcert <seconds>', 'while the certificate is not signed, check again this often (0: exit)')
    .option('--onetime', 'one run, then exit')
    .option('--test', 'one run, verbose, detailed exit codes')
    .option('--noop', 'report what would change and change nothing')
    .option('--runinterval <seconds>', 'seconds between runs (default 1800)')
    .option('--splay <seconds>', 'up to this many random seconds added to each interval')
    .option('--detailed-exitcodes', 'with --onetime: exit 0, 2, 4 or 6 as Puppet')
    .action(async (opts) => {
      const { runAgent } = await import('./fleet-action.ts');
      await runAgent(opts, out);
    });
}

export function caCommand(out: Output): Command {
  return dirs(new Command('ca')
    .description('the certificate authority: setup, list, sign, revoke, clean, generate, show'))
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
  return dirs(new Command('node').description("nodes the master knows: list, or show NAME (facts, reports)"))
    .argument('<action>', 'list | show')
    .argument('[name]', 'a node')
    .option('--storage <url>', 'the master\'s storage (default: as the master)')
    .option('--format <format>', 'list: text or json', 'text')
    .action(async (action: string, name: string | undefined, opts) => {
      const { runNode } = await import('./fleet-action.ts');
      await runNode(action, name, opts, out);
    });
}

export function reportCommand(out: Output): Command {
  return dirs(new Command('report').description('stored run reports: list [--node NAME], or show ID'))
    .argument('<action>', 'list | show')
    .argument('[id]', 'a report id')
    .option('--node <name>', 'only this node\'s reports')
    .option('--storage <url>', 'the master\'s storage (default: as the master)')
    .action(async (action: string, id: string | undefined, opts) => {
      const { runReport } = await import('./fleet-action.ts');
      await runReport(action, id, opts, out);
    });
}
