// Runs exec commands without a shell (words split like a shell would, quotes honoured), or
// through /bin/sh with `provider => shell`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asList, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { gidOf, uidOf } from '../posix.ts';
import { raise } from '../messages.ts';

/** Splits a command line into words: spaces separate, quotes group, backslash escapes. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw raise('KSP-PROVIDERS-020', { command: line });
  if (inWord) words.push(cur);
  return words;
}

/** Seconds, 300 by default; a negative timeout is none (0), as in Puppet. */
function timeoutOf(r: Resource): number {
  return Math.max(0, Number(r.params.timeout ?? 300));
}

function searchPath(r: Resource): string[] {
  return asList(r.params.path).flatMap((p) => String(p).split(':')).filter(Boolean);
}

/** Runs one command line of an exec (the command itself, or an onlyif/unless check). */
async function run(r: Resource, line: string, ctx: ProviderContext) {
  const shell = asString(r.params.provider) === 'shell';
  const env: Record<string, string> = {};
  const path = searchPath(r);
  if (path.length) env.PATH = path.join(':');
  for (const e of asList(r.params.environment).map(String)) {
    const i = e.indexOf('=');
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  const user = asString(r.params.user);
  const group = asString(r.params.group);
  const uid = user !== undefined ? uidOf(user) : undefined;
  if (user !== undefined && uid === undefined) throw raise('KSP-PROVIDERS-017', { user });
  const gid = group !== undefined ? gidOf(group) : undefined;
  const opts = { cwd: asString(r.params.cwd), env, timeout: timeoutOf(r), uid, gid };
  if (shell) return ctx.exec.run(line, [], { ...opts, shell: true });
  const [cmd, ...args] = splitCommand(line);
  let exe = cmd;
  if (!cmd.includes('/')) {
    const found = path.map((d) => join(d, cmd)).find((p) => existsSync(p));
    if (!found) throw raise('KSP-PROVIDERS-019', { command: cmd });
    exe = found;
  }
  return ctx.exec.run(exe, args, opts);
}

/** Whether the checks allow running: creates absent, every onlyif succeeds, every unless fails. */
async function checksPass(r: Resource, ctx: ProviderContext): Promise<boolean> {
  if (asList(r.params.creates).some((c) => existsSync(String(c)))) return false;
  for (const c of asList(r.params.onlyif).map(String)) if ((await run(r, c, ctx)).exitCode !== 0) return false;
  for (const c of asList(r.params.unless).map(String)) if ((await run(r, c, ctx)).exitCode === 0) return false;
  return true;
}

async function execute(r: Resource, ctx: ProviderContext): Promise<void> {
  const returns = asList(r.params.returns ?? 0).map(String);
  const tries = Math.max(1, Number(r.params.tries ?? 1));
  const sleep = Number(r.params.try_sleep ?? 0);
  let last;
  for (let i = 0; i < tries; i++) {
    last = await run(r, r.name, ctx);
    if (returns.includes(String(last.exitCode)) && !last.timedOut) break;
    if (i + 1 < tries && sleep > 0) await new Promise((res) => setTimeout(res, sleep * 1000));
  }
  const result = last!;
  const ok = returns.includes(String(result.exitCode)) && !result.timedOut;
  const logoutput = asString(r.params.logoutput) ?? 'on_failure';
  const output = (result.stdout + result.stderr).trimEnd();
  if (output && (logoutput === 'true' || (logoutput === 'on_failure' && !ok))) {
    for (const line of output.split('\n')) ctx.log.info(`(${r.ref}/returns) ${line}`);
  }
  if (result.timedOut) throw raise('KSP-PROVIDERS-021', { timeout: timeoutOf(r) });
  if (!ok) throw raise('KSP-PROVIDERS-022', { command: r.name, status: result.exitCode, expected: returns.join(',') });
}

export const execPosix: Provider = {
  name: 'posix',
  type: 'exec',
  suitable: () => process.platform !== 'win32',
  isDefault: () => true,
  async retrieve(r, ctx) {
    if (r.params.refreshonly === true || r.params.refreshonly === 'true') return {};
    return { returns: (await checksPass(r, ctx)) ? 'notrun' : asList(r.params.returns ?? 0).map(String).join(', ') };
  },
  async sync(r, _changes, ctx) {
    await execute(r, ctx);
  },
  async refresh(r, ctx) {
    if (await checksPass(r, ctx)) await execute(r, ctx);
  },
};
