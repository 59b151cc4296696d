// One run of the agent daemon: `kasper agent --daemon-run <json>`, the process the daemon's
// supervisor (@kasper/agent's supervise.ts) starts for each run. The JSON holds the daemon's flags
// (as the command-line parser gave them to the daemon) and the run the master asked for, if it
// was one; the run resolves its settings from those flags and kasper.conf, as `kasper agent
// --onetime` would. An entry point of its own, so that a run does not load the command-line parser
// (commander and every command's definitions: about 2 MiB of the run's memory, docs/performance.md).
import { flushCompileCache } from 'node:module';
import { createOutput, printError, printWarnings, type Output } from './output.ts';

/**
 * When the daemon became this run (supervise.ts: the JSON's `resume`, the supervisor's command
 * line): what makes it the supervisor again, keeping the PID, the fds and the signals' address.
 */
export function resumeFrom(json: string): (() => never) | undefined {
  const { resume } = JSON.parse(json) as { resume?: unknown };
  if (!Array.isArray(resume) || resume.length < 2 || !resume.every((a) => typeof a === 'string') || typeof process.execve !== 'function') return undefined;
  return () => {
    // What this run compiled is kept for the next (Node writes its compile cache at exit, which an execve is not).
    flushCompileCache?.();
    return process.execve!(resume[0], [...resume, '--daemon-resume', '1'], process.env);
  };
}

/** Runs the run `json` describes and resolves to its exit code. */
export async function runDaemonRun(json: string, out: Output = createOutput(), options: { warnings?: boolean } = {}): Promise<number> {
  if (options.warnings) printWarnings(out, 'agent');
  // A daemon that became this run outlives what goes wrong in it: an error no one caught is said
  // and the daemon becomes its supervisor again (unless SIGTERM asked it to end). A fatal error of
  // V8 (out of memory) cannot be caught: the daemon ends with it, for its service manager to restart.
  let resume: (() => never) | undefined;
  let stopping = false;
  const onTerm = () => {
    stopping = true;
  };
  try {
    resume = resumeFrom(json);
  } catch {
    // the run says below what is wrong with its JSON
  }
  if (resume) {
    const fatal = (e: unknown) => {
      printError(out, 'agent', e);
      if (stopping) process.exit(1);
      resume!();
    };
    process.on('SIGTERM', onTerm);
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
  }
  try {
    const { flags } = JSON.parse(json) as { flags?: Record<string, unknown> };
    const { runAgent } = await import('./agent-action.ts');
    await runAgent({ ...flags, onetime: true, daemonRun: json }, out);
    return out.exitCode;
  } catch (e) {
    printError(out, 'agent', e);
    if (resume && !stopping) resume();
    return 1;
  }
}
