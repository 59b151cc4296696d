// Every git command the deploy runs, with an environment of its own: a post-receive hook runs
// with GIT_DIR (and friends) set for the pushed repository, which must not leak into commands on
// other repositories (the module cache), and no command may stop to ask for a password.
import { execFile, spawnSync } from 'node:child_process';
import { raise } from './messages.ts';

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_') || k === 'GIT_SSH' || k === 'GIT_SSH_COMMAND') env[k] = v;
  return { ...env, GIT_TERMINAL_PROMPT: '0', ...extra };
}

export interface GitResult { ok: boolean; stdout: string; stderr: string }

/** Runs git; `check` (the default) turns a failure into KSP-DEPLOY-002. */
export function git(args: string[], options: { env?: Record<string, string>; check?: boolean; cwd?: string } = {}): GitResult {
  const r = spawnSync('git', args, { env: cleanEnv(options.env), cwd: options.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ok = r.status === 0;
  const stderr = r.stderr ?? String(r.error ?? '');
  if (!ok && options.check !== false) {
    throw raise('KSP-DEPLOY-002', { args: args.filter((a) => !a.startsWith('--git-dir=')).join(' '), reason: (stderr.trim() || `exit ${r.status}`).split('\n').slice(-3).join(' / ') });
  }
  return { ok, stdout: r.stdout ?? '', stderr };
}

/** A commit id for `rev` in the repository, or undefined. */
export function resolveCommit(gitDir: string, rev: string): string | undefined {
  const r = git([`--git-dir=${gitDir}`, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { check: false });
  return r.ok ? r.stdout.trim() : undefined;
}

/** git, without waiting: module fetches and exports run several at once. */
export function gitAsync(args: string[], options: { env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((done, fail) => {
    execFile('git', args, { env: cleanEnv(options.env), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return done({ ok: true, stdout, stderr });
      fail(raise('KSP-DEPLOY-002', { args: args.filter((a) => !a.startsWith('--git-dir=')).join(' '), reason: (stderr.trim() || error.message).split('\n').slice(-3).join(' / ') }));
    });
  });
}
