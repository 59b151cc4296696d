// The resource-type suite's golden form (the procedure, the same for Puppet and for Kasper, is
// test/support/apply-differential.ts): a case's expected/{run1,run2,noop,tree1,tree2}.txt hold
// the notices each run printed about resources, and the files (and crontab, and mounts) left
// after the first run and after the noop run. Paths under the root and the test user's name are
// written @ROOT@ and @USER@.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crontabOf, ignored, mountsUnder, runCase, walkTree, type CaseResult, type Golden, type LogRecord, type Tool } from '../support/apply-differential.ts';

export const CASES = join(import.meta.dirname, 'cases');

export type Result = CaseResult<string, string>;

/** Every file, folder and link under root (but `skip`) with its content, what is mounted there, and the test user's crontab. */
export function dumpTree(root: string, user?: string, skip: string[] = []): string {
  const out: string[] = [];
  for (const e of walkTree(root, skip)) {
    const mode = e.mode.toString(8);
    if (e.kind === 'link') out.push(`== ${e.path} -> ${e.target}`);
    else if (e.kind === 'dir') out.push(`== ${e.path}/ (${mode})`);
    else {
      const bytes = e.bytes!;
      const text = bytes.includes(0) ? `(${bytes.length} bytes, md5 ${createHash('md5').update(bytes).digest('hex')})\n` : withoutHeader(bytes.toString('utf8'));
      out.push(`== ${e.path} (${mode})\n${text}`);
    }
  }
  const mounts = mountsUnder(root);
  if (mounts) out.push(`== mounted\n${mounts}`);
  if (user) out.push(`== crontab of @USER@\n${withoutHeader(crontabOf(user))}`);
  return normalize(out.join('\n'), root, user);
}

/** Puppet's `# HEADER:` lines carry the time they were written, and Kasper writes its own: neither is compared. */
function withoutHeader(text: string): string {
  return text.split('\n').filter((l) => !l.startsWith('# HEADER:')).join('\n');
}

/** Puppet's and Kasper's notices about resources, in one form: `/Stage[main]/Main/Host[a]/ensure: created`; a failure as `…: FAILED`. */
export function resourceLines(records: LogRecord[], root: string, user?: string): string {
  const out: string[] = [];
  for (const r of records) {
    if (!r.source.startsWith('/')) continue;
    if (r.level === 'notice') {
      // The class and stage refresh notices of a noop run are Puppet's bookkeeping, not the type's.
      if (/\/(Class|Stage)\[[^\]]*\]$|^\/Stage\[main\]$/.test(r.source) || /^\/Stage\[main\]\/[^/]+$/.test(r.source)) continue;
      out.push(`${r.source}: ${r.message}`);
    } else if (r.level === 'error') out.push(`${r.source}: FAILED`);
  }
  return normalize(out.sort().join('\n'), root, user);
}

/** The root and the test user written as placeholders. */
export function normalize(text: string, root: string, user?: string): string {
  let t = text.split(root).join('@ROOT@');
  if (user) t = t.replace(new RegExp(`\\b${user}\\b`, 'g'), '@USER@');
  return t;
}

/** The /etc files a purge case lists in its etc/, as they are now. */
function etcDump(caseDir: string): string {
  const dir = join(caseDir, 'etc');
  if (!existsSync(dir)) return '';
  return readdirSync(dir).sort().filter((n) => !/shadow/.test(n)).map((n) => `\n== /etc/${n}\n${withoutHeader(readFileSync(join('/etc', n), 'utf8'))}`).join('');
}

export const golden: Golden<string, string> = {
  lines: (records, root, user) => resourceLines(records, root, user),
  tree: (root, user, caseDir) => dumpTree(root, user, ignored(caseDir)) + etcDump(caseDir),
};

/** Runs the procedure for one case with one tool, in this suite's form. */
export function runSuiteCase(name: string, tool: Tool): Promise<Result> {
  return runCase(join(CASES, name), tool, golden);
}

export const RESULT_FILES = ['run1', 'run2', 'noop', 'tree1', 'tree2'] as const;

export function expectedOf(name: string): Result | undefined {
  const dir = join(CASES, name, 'expected');
  if (!existsSync(dir)) return undefined;
  const r = {} as Result;
  for (const f of RESULT_FILES) r[f] = readFileSync(join(dir, `${f}.txt`), 'utf8').replace(/\n$/, '');
  return r;
}

/**
 * Runs a case in a mount namespace of its own (`unshare -m`): node runs in-namespace.ts, which
 * runs the procedure with the named tool and prints the result as JSON.
 */
export function runInNamespace(name: string, tool: 'puppet' | 'kasper'): Result {
  const node = join(import.meta.dirname, '../../node_modules/.bin/node');
  const out = execFileSync('unshare', ['-m', '--propagation', 'private', node, join(import.meta.dirname, 'in-namespace.ts'), tool, name],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return JSON.parse(out) as Result;
}
