// `kasper parser validate|dump`: the command's arguments; the work is in parser-action.ts.
import { statSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { Output } from './output.ts';
import type { ValidateOpts } from './parser-action.ts';

/** A folder, or a file of 256 KiB or more (a missing path is reported when the files are listed). */
function longInput(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isDirectory() || st.size >= 256 * 1024;
  } catch {
    return false;
  }
}

export function parserCommand(out: Output): Command {
  const cmd = new Command('parser').description('check Puppet manifests and EPP templates');

  cmd
    .command('validate')
    .description('report syntax errors in .pp and .epp files (folders are searched recursively)')
    .argument('<paths...>', 'files or folders')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--modulepath <paths>', 'module folders (":"-separated): .pp files under them must follow Puppet\'s module layout (names fitting their files, only definitions at top level)')
    .action(async (paths: string[], opts: ValidateOpts) => {
      // Many files, a folder or a large file: the parser's code comes from the code cache such runs
      // make (script-cache.ts's LONG_RUN), said before the parser is loaded.
      if (paths.length >= 64 || paths.some(longInput)) (globalThis as Record<symbol, unknown>)[Symbol.for('kasper.longRun')] = true;
      // The parser first (loaded under the command's V8 flags), then the worker threads (when the
      // files are many), which start while this thread lists the files and checks the first ones
      // (check-pool.ts: they start under V8's default flags).
      const { runValidate } = await import('./parser-action.ts');
      const { startCheckWorkersFor } = await import('@kasper/language/check-pool');
      await runValidate(paths, opts, out, startCheckWorkersFor(paths));
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
