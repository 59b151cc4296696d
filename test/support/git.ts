// git for tests that make repositories (environments pushed, Puppetfile remotes): a fixed
// identity and no system configuration, so commits are made the same way on every machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The environment git runs with (and what runs git for a test: `kasper`, g10k). */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1',
};

/** git in cwd: its exit status and what it printed (stdout, then stderr). */
export function git(cwd: string, ...args: string[]): { status: number; out: string } {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** git that must succeed: what it printed, trimmed. */
export function gitOk(cwd: string, ...args: string[]): string {
  const r = git(cwd, ...args);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.out}`);
  return r.out.trim();
}

/** Writes files (path under root → content), making their folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
}

/** Commits everything in the work tree (an empty commit when nothing changed): the commit's id. */
export function commitAll(cwd: string, message: string): string {
  gitOk(cwd, 'add', '-A');
  gitOk(cwd, 'commit', '-q', '--allow-empty', '-m', message);
  return gitOk(cwd, 'rev-parse', 'HEAD');
}
