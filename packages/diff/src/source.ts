// Where each side's code comes from: a folder, or a git revision checked out into a temporary
// worktree that is removed afterwards. Either holds one environment: manifests/ (or
// manifests/site.pp), modules/, and optionally hiera.yaml with data/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { environmentFromFolder, parsePuppetUrl, resolveMountPath, type EnvironmentConfig } from '@kasper/compiler';
import type { SourceContent, SourceReader } from './compare.ts';
import { raise } from './messages.ts';

export interface CodeVersion {
  /** What the user named. */
  ref: string;
  /** The commit id, or the absolute folder. */
  resolved: string;
  dir: string;
  /** Removes the worktree, if one was made. */
  dispose(): void;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * A folder when REF names one, else a revision of the git repository at `repo`. A revision is
 * checked out with `git worktree add --detach` so the user's own checkout is never touched.
 */
export function checkout(ref: string, repo: string): CodeVersion {
  const folder = isAbsolute(ref) ? ref : resolve(repo, ref);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    return { ref, resolved: folder, dir: folder, dispose() {} };
  }
  let top: string;
  let prefix: string;
  try {
    top = git(repo, ['rev-parse', '--show-toplevel']);
    prefix = git(repo, ['rev-parse', '--show-prefix']);
  } catch {
    throw raise('KSP-DIFF-003', { ref, repo });
  }
  let commit: string;
  try {
    commit = git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw raise('KSP-DIFF-004', { ref, repo: top });
  }
  const parent = mkdtempSync(join(tmpdir(), 'kasper-diff-'));
  const dir = join(parent, commit.slice(0, 12));
  try {
    git(top, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  } catch (e) {
    rmSync(parent, { recursive: true, force: true });
    throw raise('KSP-DIFF-005', { ref, reason: (e as { stderr?: string }).stderr?.trim() || (e as Error).message });
  }
  // The environment may live in a folder of the repository (the same one the user ran from).
  return {
    ref, resolved: commit, dir: join(dir, prefix),
    dispose() {
      try {
        git(top, ['worktree', 'remove', '--force', dir]);
      } catch { /* removed below */ }
      rmSync(parent, { recursive: true, force: true });
      try {
        git(top, ['worktree', 'prune']);
      } catch { /* nothing to prune */ }
    },
  };
}

/**
 * The environment a code version holds, read as Puppet reads an environment folder
 * (environment.conf included; `$basemodulepath` is `options.basemodulepath`, none by default).
 */
export function environmentOf(dir: string, name: string, options: { basemodulepath?: string[] } = {}): EnvironmentConfig {
  return environmentFromFolder(dir, name, options);
}

const MAX_TEXT = 1024 * 1024;

/**
 * Reads what `puppet:///modules/MOD/PATH` serves in an environment: MOD/files/PATH from the
 * first modulepath entry that has it. A folder (for `recurse`) reads as a listing of its files
 * with their digests, so a changed file inside it shows.
 */
export function sourceReader(env: EnvironmentConfig): SourceReader {
  const cache = new Map<string, SourceContent | undefined>();
  return (url) => {
    if (cache.has(url)) return cache.get(url);
    let content: SourceContent | undefined;
    const p = parsePuppetUrl(url);
    const entry = p && resolveMountPath(env.modulepath, p.mount, p.path);
    if (entry) content = readContent(entry.path);
    cache.set(url, content);
    return content;
  };
}

function readContent(path: string): SourceContent {
  if (statSync(path).isDirectory()) {
    const lines: string[] = [];
    const visit = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir).sort()) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) visit(p, `${prefix}${e}/`);
        else lines.push(`${prefix}${e}  ${readContent(p).digest}`);
      }
    };
    visit(path, '');
    const text = lines.join('\n') + '\n';
    return { text, digest: sha256(Buffer.from(text)) };
  }
  const bytes = readFileSync(path);
  const digest = sha256(bytes);
  if (bytes.length > MAX_TEXT || bytes.includes(0)) return { digest };
  return { text: bytes.toString('utf8'), digest };
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex').slice(0, 16)}`;

/**
 * The fact files of a folder, `<node>.json`, `<node>.yaml` or `<node>.yml`: for the nodes named,
 * or all of them. Nodes named without a file are an error that names every one of them.
 */
export function factFiles(dir: string, nodes?: string[]): { node: string; path: string }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw raise('KSP-DIFF-006', { dir });
  const byNode = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const m = /^(.+)\.(json|ya?ml)$/.exec(f);
    if (m && !byNode.has(m[1])) byNode.set(m[1], join(dir, f));
  }
  if (!nodes?.length) return [...byNode].map(([node, path]) => ({ node, path }));
  const missing = nodes.filter((n) => !byNode.has(n));
  if (missing.length) {
    throw raise('KSP-DIFF-007', {
      nodes: `${missing.length === 1 ? 'node' : 'nodes'} ${missing.join(', ')}`,
      expected: `${missing.map((n) => `${n}.json or ${n}.yaml`).slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`,
      dir,
    });
  }
  return nodes.map((node) => ({ node, path: byNode.get(node)! }));
}
