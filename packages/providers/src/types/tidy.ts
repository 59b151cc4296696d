// tidy: removes files under a path by age, size and name, as Puppet's tidy type: before the run
// it finds them and generates a `file { PATH: ensure => absent, force => true }` for each, so
// each is removed (or, in noop, reported) and kept in the file bucket like any file. Files the
// catalog manages are left alone; folders only go with rmdirs, after the files they hold.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { refKey } from '@kasper/catalog';
import { asBool, asList, asString, type GeneratedResource, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

const AGE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Record<string, number> = { b: 0, k: 1, m: 2, g: 3, t: 4 };

/** `1w`, `3d`, `10` (days) in seconds. */
export function ageSeconds(r: Resource, v: unknown): number {
  const m = /^(\d+)(?:(\w)\w*)?$/.exec(String(v));
  const unit = (m?.[2] ?? 'd').toLowerCase();
  if (!m || AGE_UNITS[unit] === undefined) throw raise('KSP-PROVIDERS-054', { ref: r.ref, parameter: 'age', value: String(v) });
  return Number(m[1]) * AGE_UNITS[unit];
}

/** `10k`, `1m`, `512b`, `10` (kilobytes) in bytes. */
export function sizeBytes(r: Resource, v: unknown): number {
  const m = /^(\d+)(?:(\w)\w*)?$/.exec(String(v));
  const unit = (m?.[2] ?? 'k').toLowerCase();
  if (!m || SIZE_UNITS[unit] === undefined) throw raise('KSP-PROVIDERS-054', { ref: r.ref, parameter: 'size', value: String(v) });
  return Number(m[1]) * 1024 ** SIZE_UNITS[unit];
}

/** A shell glob on a name (dot files included, as Ruby's FNM_DOTMATCH). */
function globMatch(glob: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(name);
}

/** The path and what is under it, down to `limit` levels (undefined: all). */
function walk(path: string, limit: number | undefined, depth = 0): string[] {
  const out = [path];
  if (limit !== undefined && depth >= limit) return out;
  let names: string[];
  try {
    if (!lstatSync(path).isDirectory()) return out;
    names = readdirSync(path).sort();
  } catch {
    return out;
  }
  for (const n of names) out.push(...walk(join(path, n), limit, depth + 1));
  return out;
}

export const tidyType: TypeDefinition = {
  name: 'tidy',
  namevar: 'path',
  properties: [],
  parameters: ['path', 'age', 'size', 'matches', 'recurse', 'rmdirs', 'type', 'backup', 'max_files'],
  validate(r) {
    if (!r.name.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path: r.name });
    if (r.params.age !== undefined) ageSeconds(r, r.params.age);
    if (r.params.size !== undefined) sizeBytes(r, r.params.size);
    const type = asString(r.params.type);
    if (type !== undefined && !['atime', 'mtime', 'ctime'].includes(type)) throw raise('KSP-PROVIDERS-001', { parameter: 'type', ref: r.ref, value: type, values: 'atime, mtime, ctime' });
  },
  desired: () => ({}),
  async generate(r, all, ctx) {
    let st: Stats;
    try { st = lstatSync(r.name); } catch { return []; }
    void st;
    const recurse = r.params.recurse;
    const limit = recurse === true || recurse === 'true' || recurse === 'inf' ? undefined
      : /^\d+$/.test(String(recurse ?? '')) ? Number(recurse) : 0;
    const managed = new Set(all.filter((x) => x.type === 'file').map((x) => x.name.replace(/\/+$/, '')));
    const rmdirs = asBool(r.params.rmdirs, false);
    const matches = asList(r.params.matches).map(String);
    const kind = (asString(r.params.type) ?? 'atime') as 'atime' | 'mtime' | 'ctime';
    const now = Math.floor(Date.now() / 1000);
    const tidy = (path: string): boolean => {
      if (managed.has(path)) return false;
      let s: Stats;
      try { s = lstatSync(path); } catch { return false; }
      if (s.isDirectory() && !rmdirs) return false;
      // matches narrows the candidates; age and size are alternatives; neither means everything.
      if (matches.length && !matches.some((g) => globMatch(g, basename(path)))) return false;
      const tests: boolean[] = [];
      if (r.params.age !== undefined) tests.push(now - Math.floor(s[`${kind}Ms`] / 1000) >= ageSeconds(r, r.params.age));
      if (r.params.size !== undefined) tests.push(s.size >= sizeBytes(r, r.params.size));
      return tests.length === 0 || tests.some(Boolean);
    };
    const found = walk(r.name.replace(/(.)\/+$/, '$1'), limit).filter(tidy).sort().reverse();
    if (found.length === 0) return [];
    ctx.notice?.(r, `Tidying ${found.length} files`);
    const set = new Set(found);
    return found.map((path): GeneratedResource => {
      const params: Record<string, unknown> = { path, ensure: 'absent', force: true };
      if (r.params.backup !== undefined) params.backup = r.params.backup;
      // A folder goes after the files in it.
      const inside = found.filter((p) => set.has(p) && dirname(p) === path).map((p) => refKey('File', p));
      if (inside.length) params.require = inside;
      return { type: 'File', title: path, params };
    });
  },
};

/** Tidy does its work through the files it generates: nothing of its own to retrieve or sync. */
export const tidyProvider = {
  name: 'tidy',
  type: 'tidy',
  suitable: () => true,
  async retrieve() { return {}; },
  async sync() { /* nothing */ },
};
