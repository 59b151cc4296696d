// The module types suite's golden form (the procedure is test/support/apply-differential.ts):
// a case's expected.json holds, for Puppet 7, the lines about resources of the first run, the
// second and the noop run after drift, and the files under the root after the first and the
// noop run, as JSON (path → `<mode> content`, `<dir mode>`, `-> target`; the root as `$root`).
import { join } from 'node:path';
import { ignored, walkTree, type CaseResult, type Golden, type LogRecord } from '../support/apply-differential.ts';

export const CASES = join(import.meta.dirname, 'cases');

export interface RunResult {
  /** Notice, warning and error lines about resources: `notice /Stage[main]/Main/File_line[x]/ensure: created`. */
  lines: string[];
}

export interface Expected {
  run1: RunResult & { files: Record<string, string> };
  run2: RunResult;
  noop: RunResult & { files: Record<string, string> };
}

/**
 * Keeps the lines about resources, the same way for both tools: the level, where
 * (`/Stage[main]/Main/File_line[x]/ensure`) and the message's last line (a content diff before
 * it is Kasper's extra), with the root replaced by `$root`, sorted. Puppet's own prefixes go
 * (`Could not evaluate: `), and the refresh lines of classes and stages.
 */
export function normalize(lines: LogRecord[], root: string): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (!l.source.startsWith('/Stage[')) continue;
    // Puppet's extra notice about a failed dependency (Kasper says the same in the skip warning).
    if (/^Dependency .* has failures: true$/.test(l.message)) continue;
    // vcsrepo's progress notes beside its change ("Creating repository from present").
    if (/^(Creating repository from (present|latest)|Updating to latest '.*' revision)$/.test(l.message)) continue;
    // A content diff (show_diff) is a log line of its own in both: Puppet's header line is empty, Kasper's starts with the diff.
    if (l.message.trim() === '' || l.message.startsWith('\n')) continue;
    const level = l.level === 'err' ? 'error' : l.level;
    let source = l.source;
    let message = l.message.trimEnd().split('\n').pop()!;
    if (level === 'error') {
      // Where a failure is reported (the resource or its property) and how it is worded around
      // the cause differ between the tools; the resource and the cause must not.
      source = source.replace(/\/[a-z_]+$/, '');
      message = message.replace(/^Could not evaluate: /, '').replace(/^change from '.*?' to '.*?' failed: /, '').replace(/ @ rb_sysopen/, '');
    }
    out.push(`${level} ${source}: ${message}`.split(root).join('$root'));
  }
  // Puppet prints notices on stdout and errors on stderr: their order between them is lost.
  return out.sort();
}

/** Every file, folder and link under the root: path → `<mode> content` (files), `<dir mode>`, `-> target`; the root as `$root`. */
export function snapshotFiles(root: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of walkTree(root, skip)) {
    const mode = e.mode.toString(8).padStart(4, '0');
    if (e.kind === 'link') out[e.path] = `-> ${e.target}`;
    else if (e.kind === 'dir') out[`${e.path}/`] = `<dir ${mode}>`;
    else out[e.path] = `<${mode}> ${e.bytes!.toString('utf8')}`;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.split(root).join('$root')]));
}

export const golden: Golden<string[], Record<string, string>> = {
  lines: (records, root) => normalize(records, root),
  tree: (root, _user, caseDir) => snapshotFiles(root, ignored(caseDir)),
};

/** A run of the procedure in expected.json's shape. */
export function expectedForm(r: CaseResult<string[], Record<string, string>>): Expected {
  return { run1: { lines: r.run1, files: r.tree1 }, run2: { lines: r.run2 }, noop: { lines: r.noop, files: r.tree2 } };
}
