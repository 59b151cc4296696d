// The kasper command line: parses arguments and wires packages together. No logic lives here.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { parserCommand } from './parser-command.ts';
import { compileCommand, lookupCommand } from './compile-command.ts';
import { applyCommand, factsCommand, filebucketCommand, resourceCommand } from './apply-command.ts';
import { agentCommand, caCommand, masterCommand, nodeCommand, reportCommand } from './fleet-command.ts';
import { diffCommand } from './diff-command.ts';
import { codeCommand } from './code-command.ts';
import { runCommand } from './run-command.ts';
import { configCommand } from './config-command.ts';
import { secretCommand } from './secret-command.ts';
import { createOutput, printError, printWarnings, type Output } from './output.ts';
import { raise } from './messages.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Commander's own errors (an unknown command or option, a missing argument) printed as every
 * other error: `kasper COMMAND: error: MESSAGE [KSP-CLI-002]`.
 */
function commanderError(out: Output, command: string | undefined): (text: string) => void {
  return (text) => printError(out, command, raise('KSP-CLI-002', { reason: text.replace(/^error: /, '').trim() }));
}

/** Every top-level command, by name (the name its factory gives it: packages/cli/test/cli.test.ts). */
export const COMMANDS: readonly (readonly [string, (out: Output, rerun?: string[]) => Command])[] = [
  ['parser', parserCommand], ['compile', compileCommand], ['lookup', lookupCommand], ['apply', applyCommand],
  ['facts', factsCommand], ['resource', resourceCommand], ['filebucket', filebucketCommand], ['master', masterCommand],
  ['agent', agentCommand], ['ca', caCommand], ['node', nodeCommand], ['report', reportCommand], ['diff', diffCommand],
  ['code', codeCommand], ['run', runCommand], ['config', configCommand], ['secret', secretCommand],
];

/**
 * The command line's parser: every command, or with `only` that one alone (what running it needs:
 * building all seventeen with their options was about 3 ms of every command's start).
 */
export function buildProgram(out: Output, rerun?: string[], only?: string): Command {
  const program = new Command('kasper')
    .description('Kasper: configuration management that speaks the Puppet language')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s), outputError: commanderError(out, undefined) })
    .exitOverride();
  for (const [name, make] of COMMANDS) if (only === undefined || name === only) program.addCommand(make(out, rerun));
  // Commands attached with addCommand do not inherit these settings: every level writes through
  // `out` and reports its exit instead of ending the process.
  const configure = (top: string) => (cmd: Command) => {
    cmd
      .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s), outputError: commanderError(out, top) })
      .showHelpAfterError('(run with --help for usage)')
      .exitOverride();
    cmd.commands.forEach(configure(top));
  };
  for (const cmd of program.commands) configure(cmd.name())(cmd);
  return program;
}

/**
 * What a command starts once the V8 flags are set, before its own modules load: `compile` may
 * start the embedded Ruby now, off the main thread, if this command line needed it last time
 * (@kasper/ruby/prestart).
 */
export async function prestart(argv: string[]): Promise<void> {
  if (argv[0] !== 'compile') return;
  // Not even loaded (~1 ms) until some command line has needed Ruby: its markers' folder (in the
  // user's cache folder, as @kasper/files's privateCacheDir finds it) exists then. Until then the
  // command line is left where Ruby's first call finds it, to mark it (COMMAND_LINE there).
  const { existsSync } = process.getBuiltinModule('node:fs');
  const { join } = process.getBuiltinModule('node:path');
  const base = process.env.XDG_CACHE_HOME || join(process.getBuiltinModule('node:os').homedir(), '.cache');
  if (!existsSync(join(base, 'kasper', 'ruby-early'))) {
    (globalThis as Record<symbol, unknown>)[Symbol.for('kasper.rubyCommandLine')] = argv;
    return;
  }
  const { startRubyEarly } = await import('@kasper/ruby/prestart');
  await startRubyEarly(argv);
}

/**
 * Loads the modules a command's run imports, before it runs: the kasper script calls this before
 * it sets the command's V8 flags, so that the Node modules they use (crypto, child_process, vm,
 * perf_hooks) come from Node's code cache, which V8 refuses under changed flags (each is then
 * compiled from its source), and Kasper's bundled chunks are compiled under the same flags every
 * run. Measured on a no-change `kasper apply` of 1,000 files: about 7 ms less CPU on the main
 * thread. The commands' own code still runs under their flags.
 */
export async function preload(argv: string[]): Promise<void> {
  // A compile, lookup or diff hashes its cache entries and the code (SHA-256): node:crypto and its
  // 20 internal modules cost ~2.5 ms to load from Node's code cache, 5–9 ms compiled from source.
  if (argv[0] === 'compile' || argv[0] === 'lookup' || argv[0] === 'diff') process.getBuiltinModule('node:crypto');
  // The parser runs as a classic script through node:vm (script-cache.ts): 0.06 ms from Node's code
  // cache, 0.25 under the command's flags.
  if (['parser', 'compile', 'lookup', 'diff'].includes(argv[0])) process.getBuiltinModule('node:vm');
  if (argv[0] !== 'apply') return;
  await import('./apply-action.ts');
  // Node's `performance` global loads perf_hooks on its first use (the run's clock).
  void globalThis.performance;
}

/**
 * Runs kasper with `argv` (without node and script) and resolves to the exit code. `rerun` is how
 * to run this same command line in a new process (the kasper script passes it): the agent daemon
 * starts each run that way; without it the daemon runs in its own process.
 */
export async function main(argv: string[], out: Output = createOutput(), options: { warnings?: boolean; rerun?: string[] } = {}): Promise<number> {
  // `kasper COMMAND: …` names the command errors come from; only that command is built (the
  // others are for the top-level help and for suggestions after an unknown command).
  const command = COMMANDS.some(([name]) => name === argv[0]) ? argv[0] : undefined;
  const program = buildProgram(out, options.rerun, command);
  if (options.warnings) printWarnings(out, command);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return out.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : (e.exitCode || 1);
    // A command's error, raised from its package's catalogue or the CLI's, printed with its code.
    printError(out, command, e);
    return 1;
  }
}
