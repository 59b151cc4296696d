// Files on a POSIX file system. Content is replaced atomically (temporary file + rename) and
// the previous content kept in the file bucket first, unless `backup => false`.
import {
  chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { asBool, asString, type Change, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { writeFileAtomic } from '@kasper/files';
import { desiredMode, formatMode, gidOf, groupName, uidOf, userName } from '../posix.ts';
import { readSource } from '../types/file.ts';
import { raise } from '../messages.ts';

function stat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function kindOf(st: Stats | undefined): string {
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return 'link';
  if (st.isDirectory()) return 'directory';
  return 'file';
}

function backupEnabled(r: Resource): boolean {
  const b = r.params.backup;
  return !(b === false || b === 'false');
}

export const filePosix: Provider = {
  name: 'posix',
  type: 'file',
  suitable: () => process.platform !== 'win32',
  isDefault: () => true,

  async retrieve(r, ctx) {
    const st = stat(r.name);
    const kind = kindOf(st);
    const out: Record<string, unknown> = { ensure: kind };
    if (!st) return out;
    if (kind === 'file') out.content = readFileSync(r.name);
    if (kind === 'link') out.target = readlinkSync(r.name);
    // A symlink's own mode means nothing; Puppet reports the link's owner and group.
    if (kind !== 'link') out.mode = formatMode(st.mode);
    out.owner = userName(st.uid);
    out.group = groupName(st.gid);
    if (kind === 'directory' && asBool(r.params.recurse, false) && r.params.source !== undefined) {
      out.tree = (await treeDiffers(r, ctx)) ? 'out of sync' : 'in sync';
    }
    return out;
  },

  async sync(r, changes, ctx) {
    const want = (p: string) => changes.find((c) => c.property === p);
    const ensure = want('ensure');
    const path = r.name;
    const replace = asBool(r.params.replace, true);
    let st = stat(path);
    if (ensure) {
      const should = String(ensure.should);
      if (should === 'absent') {
        removeExisting(r, ctx);
        return;
      }
      if (st && kindOf(st) !== should && should !== 'present') {
        // Replacing one kind by another: directories only with force, like Puppet.
        if (kindOf(st) === 'directory' && !asBool(r.params.force, false)) {
          throw raise('KSP-PROVIDERS-016');
        }
        removeExisting(r, ctx);
        st = undefined;
      }
      if (!st) {
        if (should === 'directory') mkdirSync(path, { mode: 0o755 });
        else if (should === 'link') makeLink(path, String(r.params.target ?? asString(r.params.ensure)));
        else {
          const data = contentOf(want('content')?.should ?? r.desired?.content ?? r.params.content ?? '');
          await validate(r, data, ctx);
          writeFileAtomic(path, data, modeFor(r, 0o644, false), owner(r));
        }
      }
    }
    const target = want('target');
    if (target && !ensure) {
      rmSync(path, { force: true });
      makeLink(path, String(target.should));
    }
    const content = want('content');
    if (content && !(ensure && !st)) {
      if (!replace && stat(path)) return;
      const old = stat(path);
      if (old && old.isFile() && backupEnabled(r)) ctx.bucket.backup(readFileSync(path), path);
      await validate(r, contentOf(content.should), ctx);
      writeFileAtomic(path, contentOf(content.should), modeFor(r, old ? old.mode & 0o7777 : 0o644, false), owner(r, old));
    }
    const now = stat(path);
    if (!now) return;
    // Just created: the engine compared only `ensure`; apply the other attributes as well.
    const created = Boolean(ensure) && !st;
    const modeSpec = want('mode')?.should ?? (created && !now.isSymbolicLink() ? r.params.mode : undefined);
    if (modeSpec !== undefined) {
      const m = desiredMode(String(modeSpec), now.mode, now.isDirectory());
      if (m === undefined) throw raise('KSP-PROVIDERS-004', { ref: r.ref, mode: modeSpec });
      chmodSync(path, m);
    }
    if (want('owner') || want('group') || (created && (r.params.owner !== undefined || r.params.group !== undefined))) {
      const o = owner(r);
      if (r.params.owner !== undefined && o.uid === undefined) throw raise('KSP-PROVIDERS-017', { user: r.params.owner });
      if (r.params.group !== undefined && o.gid === undefined) throw raise('KSP-PROVIDERS-018', { group: r.params.group });
      if (now.isSymbolicLink()) lchownSync(path, o.uid ?? now.uid, o.gid ?? now.gid);
      else chownSync(path, o.uid ?? now.uid, o.gid ?? now.gid);
    }
    if (asBool(r.params.recurse, false) && now.isDirectory()) await syncTree(r, ctx);
  },
};

/**
 * validate_cmd: the new content is written to a temporary file beside the target and the
 * command run on it (its validate_replacement, `%`, replaced by that file's path), through the
 * shell as Puppet does; the file is only replaced when the command succeeds.
 */
async function validate(r: Resource, data: Buffer, ctx: ProviderContext): Promise<void> {
  const cmd = asString(r.params.validate_cmd);
  if (cmd === undefined) return;
  const tmp = join(dirname(r.name), `.${basename(r.name)}.kasper-validate-${randomBytes(6).toString('hex')}`);
  writeFileAtomic(tmp, data, 0o600);
  try {
    const command = cmd.split(asString(r.params.validate_replacement) ?? '%').join(tmp);
    const res = await ctx.exec.run(command, [], { shell: true });
    if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command, status: res.exitCode, output: `${res.stdout}${res.stderr}`.trim() });
  } finally {
    rmSync(tmp, { force: true });
  }
}

function contentOf(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? ''));
}

function owner(r: Resource, current?: Stats): { uid?: number; gid?: number } {
  const u = asString(r.params.owner);
  const g = asString(r.params.group);
  return { uid: u !== undefined ? uidOf(u) : current?.uid, gid: g !== undefined ? gidOf(g) : current?.gid };
}

function modeFor(r: Resource, current: number, isDirectory: boolean): number {
  const spec = asString(r.params.mode);
  if (spec === undefined) return current;
  return desiredMode(spec, current, isDirectory) ?? current;
}

function makeLink(path: string, target: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.kasper-${randomBytes(6).toString('hex')}`);
  symlinkSync(target, tmp);
  renameSync(tmp, path);
}

function removeExisting(r: Resource, ctx: ProviderContext): void {
  const st = stat(r.name);
  if (!st) return;
  if (st.isDirectory()) {
    if (!asBool(r.params.force, false)) throw raise('KSP-PROVIDERS-016');
    rmSync(r.name, { recursive: true });
    return;
  }
  if (st.isFile() && backupEnabled(r)) ctx.bucket.backup(readFileSync(r.name), r.name);
  rmSync(r.name);
}

/**
 * `recurse => true` with a local `source` folder: copies the tree (files atomically, with the
 * bucket backing up what they replace); `purge => true` removes what the source lacks.
 */
async function syncTree(r: Resource, ctx: ProviderContext): Promise<void> {
  const source = asString(r.params.source);
  if (!source || source.startsWith('puppet://')) return;
  const from = source.replace(/^file:\/\//, '');
  const walk = (src: string, dst: string) => {
    const names = new Set(readdirSync(src));
    for (const n of names) {
      const s = lstatSync(join(src, n));
      const d = join(dst, n);
      if (s.isDirectory()) {
        if (!stat(d)) mkdirSync(d, { mode: s.mode & 0o7777 });
        walk(join(src, n), d);
      } else if (s.isFile()) {
        const data = readFileSync(join(src, n));
        const cur = stat(d);
        if (!cur || !cur.isFile() || !readFileSync(d).equals(data)) {
          if (cur?.isFile() && backupEnabled(r)) ctx.bucket.backup(readFileSync(d), d);
          writeFileAtomic(d, data, cur ? cur.mode & 0o7777 : s.mode & 0o7777);
        }
      }
    }
    if (asBool(r.params.purge, false)) {
      for (const n of readdirSync(dst)) {
        if (names.has(n)) continue;
        const p = join(dst, n);
        const st = lstatSync(p);
        if (st.isFile() && backupEnabled(r)) ctx.bucket.backup(readFileSync(p), p);
        rmSync(p, { recursive: true, force: true });
      }
    }
  };
  walk(from, r.name);
}

/** Whether a recursive directory's tree differs from its source (for retrieve in recurse mode). */
export async function treeDiffers(r: Resource, ctx: ProviderContext): Promise<boolean> {
  const source = asString(r.params.source);
  if (!source || source.startsWith('puppet://')) return false;
  const from = source.replace(/^file:\/\//, '');
  const differs = (src: string, dst: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(src);
    } catch {
      return false;
    }
    for (const n of names) {
      const s = lstatSync(join(src, n));
      const d = stat(join(dst, n));
      if (!d) return true;
      if (s.isDirectory()) {
        if (!d.isDirectory() || differs(join(src, n), join(dst, n))) return true;
      } else if (s.isFile()) {
        if (!d.isFile() || !readFileSync(join(src, n)).equals(readFileSync(join(dst, n)))) return true;
      }
    }
    if (asBool(r.params.purge, false)) {
      try {
        if (readdirSync(dst).some((n) => !names.includes(n))) return true;
      } catch {
        return false;
      }
    }
    return false;
  };
  void readSource;
  void ctx;
  return differs(from, r.name);
}

export type { Change };
