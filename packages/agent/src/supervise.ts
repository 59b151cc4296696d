// The agent daemon as a small supervisor: between runs it only keeps the timer, the signals and
// the run-request stream to the master; each run is a process of its own (`kasper agent
// --daemon-run` with the daemon's flags and the run the master asked for), which exits when the run is done. What a run
// loads and allocates — the catalog, the providers, the transaction, Node's code for all of it —
// goes away with its process instead of staying resident in the daemon for the rest of its life
// (docs/performance.md: 77 → about 50 MiB between runs). The run process is what runDaemon is
// with `onetime`: certificate bootstrap, lock, catalog or cached catalog, report, the report of a
// run that could not happen; this loop is runDaemon's without `onetime`, with the same signals.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { flushCompileCache } from 'node:module';
import type { LogLevel } from '@kasper/catalog';
import type { SettingsFor } from '@kasper/settings';
import { RunListener, agentSslPaths, type RunRequestEvent } from './listen.ts';
import { openRunLog } from './run-log.ts';
import { RunClock, takeEarlySignals } from './run-clock.ts';

export interface SuperviseOptions extends SettingsFor<'agent'> {
  /**
   * The command of one run, without the asked run: argv of a `kasper agent` that runs once with
   * this daemon's settings. `--daemon-run <json>` follows, the JSON holding `runFlags` as `flags`
   * and the run the master asked for as `asked` (none for a scheduled run).
   */
  runCommand: string[];
  /** What the run process needs to run as this daemon would (the CLI's flags), passed along unread. */
  runFlags?: Record<string, unknown>;
  /**
   * This supervisor's own command line (Node, its flags, the script, the arguments): given, and
   * with process.execve (Node 23.11+ on POSIX), the daemon does not start a run process but
   * becomes it, keeping its PID, and the run becomes this supervisor again when it is done
   * (daemon.ts's runDaemon with `daemonRun.resume`). One process at any time, not two during a run.
   */
  supervisorCommand?: string[];
  /** This supervisor is the one a run became again (`--daemon-resume`): the next run waits runinterval. */
  resumed?: boolean;
  /** Every log line of the supervisor (the runs print their own), with its catalogue code when it has one. */
  onLog?: (level: LogLevel, source: string, message: string, code?: string) => void;
}

/**
 * `kasper agent` as a daemon: a run now, then every `runinterval` (plus up to `splay`) seconds or
 * as soon as the master asks, until SIGTERM; SIGHUP starts a run now (during a run: one more
 * right after it); SIGTERM is passed to the
 * run in hand, which finishes its resource in hand and reports. Resolves to 0 when stopped, or 1
 * when the first run could not get this agent a certificate (as runDaemon's bootstrap).
 */
export async function superviseRuns(options: SuperviseOptions): Promise<number> {
  const fileLog = openRunLog(options.logdest, 'agent');
  const log = (level: LogLevel, message: string, code?: string) => {
    fileLog(level, 'Kasper', message, code ? { code } : undefined);
    options.onLog?.(level, 'Kasper', message, code);
  };
  const ssl = agentSslPaths(options.confdir, options.certname);
  let stopping = false;
  let child: ReturnType<typeof spawn> | undefined;
  const run = (asked?: RunRequestEvent) => new Promise<number | null>((resolve) => {
    // The run writes to this terminal and this log file itself; it is in this process group, so
    // a service manager's stop reaches it as well.
    const described = { ...(options.runFlags ? { flags: options.runFlags } : {}), ...(asked ? { asked } : {}) };
    if (options.supervisorCommand && typeof process.execve === 'function') {
      // The daemon becomes its run (same PID, same fds, same signals' address): the run comes back
      // to this supervisor's command line when it is done, or ends the daemon (SIGTERM, no
      // certificate on the first run). Nothing of this image survives, so nothing is left to do here.
      const become = { ...described, resume: options.supervisorCommand, first: !existsSync(ssl.certPath) };
      listener?.stop();
      flushCompileCache();
      try {
        process.execve(options.runCommand[0], [...options.runCommand, '--daemon-run', JSON.stringify(become)], process.env);
      } catch (e) {
        // (Node, gone or replaced? The run is started as a process of its own, which says more.)
        log('warning', `Could not become the run (${(e as Error).message}); starting it as a process of its own`);
        listener = undefined;
        listen();
      }
    }
    child = spawn(options.runCommand[0], [...options.runCommand.slice(1), '--daemon-run', JSON.stringify(described)], { stdio: 'inherit' });
    child.once('error', (e) => {
      log('err', `Could not start the run: ${e.message}`);
      resolve(null);
    });
    child.once('exit', (code) => resolve(code));
  }).finally(() => {
    child = undefined;
  });

  let listener: RunListener | undefined;
  const asked: RunRequestEvent[] = [];
  const clock = new RunClock();
  // SIGHUP during a run asks for one more as soon as it ends: the run process prints its summary
  // a moment before it exits, and a signal sent on seeing it must not be lost.
  let hupDuringRun = false;
  const onHup = () => {
    if (clock.waiting) clock.wake();
    else hupDuringRun = true;
  };
  // `on`, not `once`: execa's signal-exit re-raises a signal that has no other listener left.
  const onTerm = () => {
    stopping = true;
    child?.kill('SIGTERM');
    clock.wake();
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  // (A SIGHUP before the wait is one during a run: the next starts at once.)
  takeEarlySignals({ SIGHUP: onHup, SIGTERM: onTerm });
  const listen = () => {
    if (listener || !options.run_requests) return;
    listener = new RunListener({
      server: options.server, port: options.port, certname: options.certname, ...ssl,
      log: (level, message) => log(level, message),
      onRun: (run) => {
        asked.push(run);
        clock.wake();
      },
    });
    listener.start();
  };
  // With a certificate the stream opens now; the first run makes one otherwise.
  if (existsSync(ssl.certPath)) listen();
  try {
    let next: RunRequestEvent | undefined;
    let first = true;
    if (options.resumed) {
      // Back from a run this daemon became: it ran what was asked during it; the next waits
      // (unless SIGHUP came while this image started).
      first = false;
      // A run that ended by an error nothing caught left its lock, with this PID, which lives on:
      // no run is going on in this image, so it is stale (an operator's `--onetime` may run).
      releaseOwnLock(join(options.vardir, 'state', 'agent_catalog_run.lock'));
      if (!hupDuringRun && !stopping) await clock.sleep(options.runinterval, options.splay);
      next = asked.shift();
    }
    while (!stopping) {
      hupDuringRun = false;
      const code = await run(next);
      if (first && !existsSync(ssl.certPath)) {
        // The run said why (refused, not signed in waitforcert…): as runDaemon, the daemon ends.
        return code === 0 || code === null ? 1 : code;
      }
      first = false;
      listen();
      if (stopping) break;
      next = asked.shift();
      if (next) continue;
      if (hupDuringRun) {
        hupDuringRun = false;
        continue;
      }
      await clock.sleep(options.runinterval, options.splay);
      next = asked.shift();
    }
  } finally {
    listener?.stop();
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
  }
  log('notice', 'Kasper agent stopped');
  return 0;
}

/** Removes the run lock if it holds this process's PID. */
function releaseOwnLock(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
  } catch {
    // no lock
  }
}
