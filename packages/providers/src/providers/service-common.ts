// What the service providers share: custom status/start/stop/restart commands, as Puppet's
// base provider lets a resource override them.
import { asBool, asString, type ProviderContext, type Resource } from '../api.ts';
import { splitCommand } from './exec-posix.ts';
import { runChecked } from '../executor.ts';
import { raise } from '../messages.ts';

/** Runs a user-given command line (no shell) and returns its exit code. */
export async function runCustom(line: string, ctx: ProviderContext): Promise<number> {
  const [cmd, ...args] = splitCommand(line);
  return (await ctx.exec.run(cmd, args)).exitCode;
}

/** Runs a custom command when the resource has one, else the provider's; throws on failure. */
export async function control(r: Resource, action: 'start' | 'stop' | 'restart', fallback: [string, string[]], ctx: ProviderContext): Promise<void> {
  const custom = asString(r.params[action]);
  if (custom) {
    const code = await runCustom(custom, ctx);
    if (code !== 0) throw raise('KSP-PROVIDERS-026', { action, ref: r.ref, command: custom, status: code });
    return;
  }
  await runChecked(ctx.exec, fallback[0], fallback[1]);
}

/** Running or stopped: a custom status command, the provider's, or a process table search. */
export async function status(r: Resource, fallback: [string, string[]] | null, ctx: ProviderContext): Promise<'running' | 'stopped'> {
  const custom = asString(r.params.status);
  if (custom) return (await runCustom(custom, ctx)) === 0 ? 'running' : 'stopped';
  if (fallback && asBool(r.params.hasstatus, true)) {
    return (await ctx.exec.run(fallback[0], fallback[1])).exitCode === 0 ? 'running' : 'stopped';
  }
  const pattern = asString(r.params.pattern) ?? asString(r.params.binary) ?? r.name;
  const ps = await ctx.exec.run('ps', ['-eo', 'args=']);
  return ps.stdout.split('\n').some((l) => l.includes(pattern)) ? 'running' : 'stopped';
}
