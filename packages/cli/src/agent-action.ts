// The work behind `kasper agent`: wiring of @kasper/agent, @kasper/facts and (for Deferred values)
// @kasper/compiler. Apart from the other fleet commands so that the agent daemon, a long-running
// process, never loads the CA (node-forge) or the storage (SQLite/PostgreSQL drivers) it has no use for.
import { join } from 'node:path';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import type { CatalogValue } from '@kasper/catalog';
import type { RunRequestEvent } from '@kasper/agent';
import { Resolver, SECTION_OF, resolveSettings } from '@kasper/settings';
import { printLog, type Output } from './output.ts';
import { fromFlags } from './settings.ts';
import { resumeFrom } from './agent-run.ts';

/** `kasper agent`: the settings resolved, the terminal wired; the daemon is @kasper/agent's. */
export async function runAgent(opts: Record<string, unknown>, out: Output, rerun?: string[]): Promise<void> {
  // --test is --onetime --detailed-exitcodes (and verbose, which the agent always is).
  const { daemonRun, daemonResume, ...rest } = opts;
  const flags = opts.test ? { ...rest, onetime: true, detailedExitcodes: true } : rest;
  const settings = await resolveSettings('agent', fromFlags(flags));
  if (!settings.onetime && settings.run_process && rerun) {
    // The daemon: a small supervisor starting a process per run (@kasper/agent's supervise.ts).
    // Each run is `kasper agent --daemon-run` (agent-run.ts) with this daemon's flags, once,
    // waiting for its certificate as long as the daemon would.
    const { superviseRuns } = await import('@kasper/agent/supervise');
    const command = rerun.slice(0, rerun.indexOf('agent') + 1);
    // The daemon becomes each run (process.execve, same PID) and the run becomes this command
    // again when it is done: its command line, without the mark of a daemon that came back.
    const argv = process.argv.slice(2);
    const at = argv.indexOf('--daemon-resume');
    if (at >= 0) argv.splice(at, 2);
    out.exitCode = await superviseRuns({
      ...settings, runCommand: command, runFlags: { ...rest, onetime: true, waitforcert: String(settings.waitforcert) }, onLog: printLog(out, false),
      supervisorCommand: [process.execPath, ...process.execArgv, process.argv[1], ...argv], resumed: daemonResume !== undefined,
    });
    return;
  }
  if (!settings.onetime && rerun && typeof WebAssembly === 'undefined' && typeof process.execve === 'function') {
    // The daemon running its runs itself (run_process = false) resolves modules' custom facts and
    // Deferred values with Ruby functions in the embedded Ruby, which is WebAssembly: not in the
    // lite mode bin/kasper.js starts a daemon in (jitless, no WebAssembly). It replaces itself
    // once more, keeping its PID, with every V8 tier (`--no-lite-mode` keeps bin/kasper.js from
    // choosing lite mode again).
    process.execve(process.execPath, [process.execPath, '--no-lite-mode', ...process.execArgv.filter((a) => a !== '--lite-mode'), ...process.argv.slice(1)], process.env);
  }
  const { runDaemon } = await import('@kasper/agent');
  const { collectFacts, folderFactSources } = await import('@kasper/facts');
  // This host's external facts, and those modules ship, which pluginsync keeps in <vardir>/facts.d;
  // the custom facts modules ship (lib/facter/*.rb), which pluginsync keeps in <plugindest>/facter.
  const plugindest = String(settings.plugindest);
  const facts = async ({ pluginfactdest }: { pluginfactdest: string }) => {
    const custom = folderFactSources([join(plugindest, 'facter')], [plugindest]);
    const defaultProvider = custom.files.length ? (await import('@kasper/providers')).hostDefaultProviders() : undefined;
    return collectFacts({ externalDirs: ['/etc/kasper/facts.d', pluginfactdest], custom, defaultProvider });
  };
  // Puppet's agent_specified_environment: the environment when a flag or kasper.conf chose it.
  const chosen = (await new Resolver(SECTION_OF.agent, fromFlags(flags)).source('environment')) !== 'default';
  // Deferred values are resolved with the compiler's built-in functions, loaded on the first one.
  // and with the functions modules ship in Ruby, which pluginsync keeps in plugindest.
  const deferredFunctions = (environment: string, nodeFacts: Record<string, unknown>) => {
    let call: ((name: string, args: CatalogValue[]) => CatalogValue) | undefined;
    return async (name: string, args: CatalogValue[]) => {
      if (!call) {
        const { deferredCaller, fromData } = await import('@kasper/compiler');
        call = deferredCaller({
          environment: { name: environment, manifest: join(settings.vardir, 'no-manifest'), modulepath: [pluginModules(settings.plugindest, settings.vardir)] },
          node: settings.certname, facts: fromData(nodeFacts) as Map<string, never>,
        });
      }
      return call(name, args);
    };
  };
  out.exitCode = await runDaemon({
    ...settings, facts, agentSpecifiedEnvironment: chosen ? settings.environment : undefined, deferredFunctions, onLog: printLog(out, false),
    daemonRun: typeof daemonRun === 'string' ? daemonRunFrom(daemonRun) : undefined,
  });
}

/** `--daemon-run`'s JSON (what supervise.ts passes): the run the master asked for, if it was one (and the daemon's flags, read by agent-run.ts). */
function daemonRunFrom(json: string): { asked?: RunRequestEvent; resume?: () => never; first?: boolean } {
  const { asked, first } = JSON.parse(json) as { asked?: Partial<RunRequestEvent>; first?: unknown };
  const resume = resumeFrom(json);
  const became = resume ? { resume, first: first === true } : {};
  if (!asked || typeof asked.transaction_uuid !== 'string') return became;
  return {
    ...became,
    asked: {
      transaction_uuid: asked.transaction_uuid, job_id: typeof asked.job_id === 'string' ? asked.job_id : null,
      noop: asked.noop === true, environment: typeof asked.environment === 'string' ? asked.environment : null,
    },
  };
}

/**
 * The Ruby functions pluginsync brought (`<plugindest>/puppet/functions`, every module's merged,
 * as in Puppet's libdir) as a modulepath the compiler's loader reads: one folder per function
 * namespace (`vault_lookup` for `vault_lookup::lookup`) and one for global and legacy functions,
 * each with `lib` linking to plugindest. Made again for every run, in `<vardir>/deferred-modules`.
 */
function pluginModules(plugindest: string, vardir: string): string {
  const dir = join(vardir, 'deferred-modules');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const functions = join(plugindest, 'puppet', 'functions');
  const names = new Set(['agent_plugins']);
  if (existsSync(functions)) {
    for (const e of readdirSync(functions, { withFileTypes: true })) if (e.isDirectory() && /^[a-z][a-z0-9_]*$/.test(e.name)) names.add(e.name);
  }
  for (const n of names) {
    mkdirSync(join(dir, n));
    symlinkSync(plugindest, join(dir, n, 'lib'));
  }
  return dir;
}

/** The master's storage, as its settings name it (`kasper node`, `kasper report`, `kasper diff`). */
