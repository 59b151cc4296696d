// `kasper diff`: arguments only; the work is in diff-action.ts and @kasper/diff.
import { Command, Option } from 'commander';
import { dirs } from './fleet-command.ts';
import type { Output } from './output.ts';

const collect = (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function diffCommand(out: Output): Command {
  // --confdir/--vardir find the master's storage, as for `kasper node`.
  return dirs(new Command('diff'))
    .description('compile two versions of the code for many nodes and show what would change')
    .option('--from <ref>', 'the old code: a git revision of --repo, or a folder')
    .option('--to <ref>', 'the new code: a git revision of --repo, or a folder (e.g. ".")')
    .option('--repo <dir>', 'the code repository (one environment: manifests/, modules/, hiera.yaml)', '.')
    .option('--node <name...>', 'nodes to compile (their fact files must be in --facts, or stored by the master)')
    .option('--all-nodes', 'every node the master has stored facts for (or every fact file in --facts)')
    .option('--facts <dir>', 'a folder of fact files named <node>.json or <node>.yaml')
    .option('--environment <name>', 'the environment name the code is compiled as', 'production')
    .option('--stored', "compare the last two catalogs the master stored for --node (no compiling)")
    .option('--stored-exports', "collect other nodes' exported resources (Type <<| |>>) from the master's storage, read only, as the master's compiles would (default: none)")
    .option('--ignore <ref>', "leave out resources matching, e.g. 'File[/tmp/*]' (repeatable)", collect, [])
    .option('--ignore-param <type.param>', "leave out a parameter, e.g. 'File.mode' or '*.loglevel' (repeatable)", collect, [])
    .option('--ignore-tags', 'do not compare resource tags')
    .addOption(new Option('--format <format>', 'output format (default: terminal)').choices(['terminal', 'json', 'markdown', 'html']))
    .option('--output <file>', 'write the report to a file (written whole, atomically)')
    .option('--color', 'color terminal output even when not on a terminal')
    .option('--no-color', 'never color terminal output')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--storage <url>', "the master's storage, for facts without --facts, --stored and --stored-exports (default: as the master)")
    .addHelpText('after', '\nExit codes: 0 no differences, 2 differences, 1 an error (including new code that fails to compile a node).')
    .action(async (opts) => {
      const { runDiff } = await import('./diff-action.ts');
      await runDiff(opts, out);
    });
}
