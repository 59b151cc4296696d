// One run of the agent daemon: `kasper agent --daemon-run <json>`, the process the daemon's
// supervisor (@kasper/agent's supervise.ts) starts for each run. The JSON holds the daemon's flags
// (as the command-line parser gave them to the daemon) and the run the master asked for, if it
// was one; the run resolves its settings from those flags and kasper.conf, as `kasper agent
// --onetime` would. An entry point of its own, so that a run does not load the command-line parser
// (commander and every command's definitions: about 2 MiB of the run's memory, docs/performance.md).
import { createOutput, printError, printWarnings, type Output } from './output.ts';

/** Runs the run `json` describes and resolves to its exit code. */
export async function runDaemonRun(json: string, out: Output = createOutput(), options: { warnings?: boolean } = {}): Promise<number> {
  if (options.warnings) printWarnings(out, 'agent');
  try {
    const { flags } = JSON.parse(json) as { flags?: Record<string, unknown> };
    const { runAgent } = await import('./agent-action.ts');
    await runAgent({ ...flags, onetime: true, daemonRun: json }, out);
    return out.exitCode;
  } catch (e) {
    printError(out, 'agent', e);
    return 1;
  }
}
