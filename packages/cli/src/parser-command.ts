// `kasper parser validate|dump`: the command's arguments; the work is in parser-action.ts.
import { Command, Option } from 'commander';
import type { Output } from './output.ts';
import type { ValidateOpts } from './parser-action.ts';

export function parserCommand(out: Output): Command {
  const cmd = new Command('parser').description('check Puppet manifests and EPP templates');

  cmd
    .command('validate')
    .description('report syntax errors in .pp and .epp files (folders are searched recursively)')
    .argument('<paths...>', 'files or folders')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--modulepath <paths>', 'module folders (":"-separated): .pp files under them must follow Puppet\'s module layout (names fitting their files, only definitions at top level)')
    .action(async (paths: string[], opts: ValidateOpts) => {
      // The worker threads first (when the files are many): they start while this thread loads
      // the parser and lists the files (@kasper/language/check-pool loads nothing of the parser).
      const { startCheckWorkersFor } = await import('@kasper/language/check-pool');
      const pool = startCheckWorkersFor(paths);
      const { runValidate } = await import('./parser-action.ts');
      await runValidate(paths, opts, out, pool);
    });

  cmd
    .command('dump')
    .description('print the syntax tree of one .pp or .epp file as JSON')
    .argument('<file>', 'a manifest or template')
    .action(async (file: string) => {
      const { runDump } = await import('./parser-action.ts');
      runDump(file, out);
    });

  return cmd;
}
