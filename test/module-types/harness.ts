// The differential suite for the module types (file_line, ini_setting, concat …): each case is
// applied to a temporary root by Puppet 7 (regenerate.ts, once, into expected.json) and by
// Kasper (module-types.test.ts), and the two must agree on the files left, the changes each
// run reports, the second run (none) and the noop lines after the target drifted.
//
// A case is a folder under cases/: `site.pp` (it can use `$root`, the temporary root, which is
// set on a line prepended to it), `before/` (files the root starts with), `setup.sh` (run with
// ROOT set after that, for what git cannot hold: repositories), `drift/` (files laid over the
// root after the second run, before the noop run) and `drift.sh`, and `ignore` (paths under the
// root, one a line, left out of the comparison: a repository's internals), `env` (variables
// both tools run with, `$ROOT` replaced).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CASES = join(import.meta.dirname, 'cases');
export const MODULEPATH = '/usr/share/puppet/modules';

export interface RunResult {
  /** Notice, warning and error lines about resources: `notice /Stage[main]/Main/File_line[x]/ensure: created`. */
  lines: string[];
}

export interface Expected {
  run1: RunResult & { files: Record<string, string> };
  run2: RunResult;
  noop: RunResult & { files: Record<string, string> };
}

export function caseNames(filter: string[] = []): string[] {
  return readdirSync(CASES).filter((d) => existsSync(join(CASES, d, 'site.pp'))).filter((d) => filter.length === 0 || filter.includes(d)).sort();
}

/** The manifest with `$root` set. */
export function manifestText(name: string, root: string): string {
  return `$root = '${root}'\n${readFileSync(join(CASES, name, 'site.pp'), 'utf8')}`;
}

function script(name: string, file: string, root: string): void {
  const s = join(CASES, name, file);
  if (existsSync(s)) execFileSync('sh', ['-e', s], { env: { ...process.env, ROOT: root }, stdio: 'pipe' });
}

export function prepareRoot(name: string, root: string): void {
  const before = join(CASES, name, 'before');
  if (existsSync(before)) cpSync(before, root, { recursive: true });
  script(name, 'setup.sh', root);
}

export function drift(name: string, root: string): void {
  const d = join(CASES, name, 'drift');
  if (existsSync(d)) cpSync(d, root, { recursive: true });
  script(name, 'drift.sh', root);
}

/** The environment a case runs in (`env`: KEY=value lines, `$ROOT` replaced), for both tools. */
export function caseEnv(name: string, root: string): Record<string, string> {
  const f = join(CASES, name, 'env');
  if (!existsSync(f)) return {};
  return Object.fromEntries(readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim().split('$ROOT').join(root)];
  }));
}

/** The paths a case leaves out of the comparison. */
export function ignored(name: string): string[] {
  const f = join(CASES, name, 'ignore');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

/** Every file, folder and link under the root: path → content (files), `<dir>`, `-> target`; with the mode. */
export function snapshot(root: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      const rel = relative(root, p);
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = `<dir ${mode}>`;
        walk(p);
      } else out[rel] = `<${mode}> ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(root);
  return out;
}

/**
 * Keeps the lines about resources, the same way for both tools: the level, where
 * (`/Stage[main]/Main/File_line[x]/ensure`) and the message's last line (a content diff before
 * it is Kasper's extra), with the root replaced by `$root`, sorted. Puppet's own prefixes go
 * (`Could not evaluate: `), and the refresh lines of classes and stages.
 */
export function normalize(lines: { level: string; source: string; message: string }[], root: string): string[] {
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

/** Puppet's console output as level/source/message records. */
export function parsePuppetOutput(text: string): { level: string; source: string; message: string }[] {
  const out: { level: string; source: string; message: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(Notice|Warning|Error): (\/Stage\[.*?\](?:\/[a-z_]+)?): (.*)$/.exec(line);
    if (!m) continue;
    out.push({ level: m[1].toLowerCase(), source: m[2], message: m[3] });
  }
  return out;
}

export function snapshotFiles(root: string, skip: string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot(root, skip)).map(([k, v]) => [k, v.split(root).join('$root')]));
}
