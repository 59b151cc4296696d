// archive's provider: downloads with Node's fetch (http, https), copies file:// and local paths,
// reads puppet:/// through the run's source reader, hands ftp to curl; verifies the checksum
// before the file is put in place; extracts with tar, unzip, gunzip … in extract_path as the
// module does; removes the archive afterwards when `cleanup`.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { asBool, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { raise } from '../messages.ts';
import { checksumOf } from '../types/archive.ts';

function digest(path: string, type: string): string | undefined {
  if (type === 'none') return undefined;
  const algo = type === 'sha2' ? 'sha256' : type;
  return createHash(algo).update(readFileSync(path)).digest('hex');
}

function extracted(r: Resource): boolean {
  const c = asString(r.params.creates);
  return c !== undefined && existsSync(c);
}

/** The module's checksum?: the archive is there and (when a checksum is given) matches it. */
async function checksumOk(r: Resource, ctx: ProviderContext): Promise<{ ok: boolean; have?: string }> {
  if (!existsSync(r.name)) return { ok: false };
  const { type } = checksumOf(r);
  if (type === 'none') return { ok: true };
  const have = digest(r.name, type);
  return { ok: have === await expected(r, ctx), have };
}

async function expected(r: Resource, ctx: ProviderContext): Promise<string | undefined> {
  const c = checksumOf(r);
  if (c.value) return c.value;
  const url = asString(r.params.checksum_url ?? r.params.digest_url);
  if (!url) return undefined;
  const key = `archive:checksum-url:${url}`;
  if (!ctx.cache.has(key)) ctx.cache.set(key, /\b[\da-f]{32,128}\b/i.exec((await fetchBytes(url, r, ctx)).toString('utf8'))?.[0]?.toLowerCase());
  return ctx.cache.get(key) as string | undefined;
}

async function fetchBytes(source: string, r: Resource, ctx: ProviderContext): Promise<Buffer> {
  if (/^https?:\/\//.test(source)) {
    const headers: Record<string, string> = {};
    const user = asString(r.params.username);
    if (user !== undefined) headers.authorization = `Basic ${Buffer.from(`${user}:${asString(r.params.password) ?? ''}`).toString('base64')}`;
    const cookie = asString(r.params.cookie);
    if (cookie) headers.cookie = cookie;
    let res: Response;
    try {
      res = await fetch(source, { headers, redirect: 'follow' });
    } catch (e) {
      throw raise('KSP-PROVIDERS-114', { source, reason: (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message });
    }
    if (!res.ok) throw raise('KSP-PROVIDERS-114', { source, reason: `${res.status} ${res.statusText}` });
    return Buffer.from(await res.arrayBuffer());
  }
  if (source.startsWith('puppet:')) {
    const b = await ctx.readSource?.(source);
    if (!b) throw raise('KSP-PROVIDERS-114', { source, reason: 'not found' });
    return b;
  }
  if (/^(ftp|s3|gs):\/\//.test(source)) {
    // Through the tool for the scheme, into a file (a command's output is text, an archive is not).
    const dir = mkdtempSync(join(tmpdir(), 'kasper-archive-'));
    try {
      const out = join(dir, 'download');
      const [cmd, args] = source.startsWith('ftp:') ? ['curl', ['-fsSL', '-o', out, source]] : source.startsWith('s3:') ? ['aws', ['s3', 'cp', source, out]] : ['gsutil', ['cp', source, out]];
      const res = await ctx.exec.run(cmd, args);
      if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-114', { source, reason: res.stderr.trim() });
      return readFileSync(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const path = source.replace(/^file:\/\//, '');
  if (!existsSync(path)) throw raise('KSP-PROVIDERS-115', { source });
  return readFileSync(path);
}

async function download(r: Resource, ctx: ProviderContext): Promise<void> {
  const source = asString(r.params.source ?? r.params.url);
  if (source === undefined) throw raise('KSP-PROVIDERS-116');
  const tempDir = asString(r.params.temp_dir);
  if (tempDir !== undefined && !existsSync(tempDir)) throw raise('KSP-PROVIDERS-117', { dir: tempDir });
  mkdirSync(dirname(r.name), { recursive: true });
  const tmp = join(tempDir ?? dirname(r.name), `.${asString(r.params.filename) ?? 'archive'}.kasper-${randomBytes(6).toString('hex')}`);
  try {
    if (/^(file:\/\/)?\//.test(source)) {
      const path = source.replace(/^file:\/\//, '');
      if (!existsSync(path)) throw raise('KSP-PROVIDERS-115', { source });
      copyFileSync(path, tmp);
    } else writeFileSync(tmp, await fetchBytes(source, r, ctx), { mode: 0o644 });
    const { type } = checksumOf(r);
    if (asBool(r.params.checksum_verify, true) && type !== 'none') {
      const want = await expected(r, ctx);
      const have = digest(tmp, type);
      if (have !== want) throw raise('KSP-PROVIDERS-118', { expected: want ?? '', actual: have ?? '' });
    }
    renameSync(tmp, r.name);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The module's extraction command for the archive's name. */
function extractCommand(r: Resource): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const file = q(r.name);
  const custom = asString(r.params.extract_command);
  const flags = asString(r.params.extract_flags);
  const opt = (dflt: string) => (flags === undefined || flags === 'undef' ? dflt : flags);
  if (custom && custom.includes('%s')) return custom.replace('%s', file);
  if (custom) return `${custom} ${flags ?? ''} ${file}`;
  const f = r.name;
  if (/\.tar$/.test(f)) return `tar ${opt('xf')} ${file}`;
  if (/(\.tgz|\.tar\.gz)$/.test(f)) return `tar ${opt('xzf')} ${file}`;
  if (/(\.tbz|\.tar\.bz2)$/.test(f)) return `tar ${opt('xjf')} ${file}`;
  if (/(\.txz|\.tar\.xz)$/.test(f)) return `unxz ${opt('-dc')} ${file} | tar xf -`;
  if (/\.gz$/.test(f)) return `gunzip ${opt('-d')} ${file}`;
  if (/(\.zip|\.war|\.jar)$/.test(f)) return `unzip ${opt('-o')} ${file}`;
  if (/\.bz2$/.test(f)) return `bunzip2 ${opt('-d')} ${file}`;
  throw raise('KSP-PROVIDERS-119', { path: f });
}

async function extract(r: Resource, ctx: ProviderContext): Promise<void> {
  if (!asBool(r.params.extract, false)) return;
  const dir = asString(r.params.extract_path);
  if (dir === undefined) throw raise('KSP-PROVIDERS-120');
  const command = extractCommand(r);
  const res = await ctx.exec.run(command, [], { shell: true, cwd: dir });
  if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command, status: res.exitCode, output: `${res.stdout}${res.stderr}`.trim() });
}

function cleanup(r: Resource): void {
  if (extracted(r) && asBool(r.params.cleanup, true)) rmSync(r.name, { force: true });
}

function make(name: string): Provider {
  return {
    name,
    type: 'archive',
    suitable: () => true,
    isDefault: () => name === 'curl',

    async retrieve(r, ctx) {
      const extract = asBool(r.params.extract, false);
      const creates = asString(r.params.creates);
      let present: boolean;
      const sum = await checksumOk(r, ctx);
      if (sum.have && r.desired) r.desired['archive:checksum'] = sum.have;
      if (!extracted(r) || existsSync(r.name)) present = sum.ok;
      else present = true; // extracted, and the archive cleaned up
      const out: Record<string, unknown> = { ensure: present ? 'present' : 'absent' };
      if (creates !== undefined) out.creates = extract ? (extracted(r) ? creates : 'archive not extracted') : creates;
      return out;
    },

    async sync(r, changes, ctx) {
      const ensure = changes.find((c) => c.property === 'ensure');
      if (ensure?.should === 'absent') {
        rmSync(r.name, { force: true });
        return;
      }
      if (ensure) {
        if (!(await checksumOk(r, ctx)).ok) await download(r, ctx);
        await extract(r, ctx);
        cleanup(r);
        return;
      }
      if (changes.some((c) => c.property === 'creates')) {
        if (!existsSync(r.name)) await download(r, ctx);
        await extract(r, ctx);
        cleanup(r);
      }
    },
  };
}

/** The module's providers download with curl, wget or Ruby; Kasper's do the same work under each name. */
export const archiveCurl = make('curl');
export const archiveWget = make('wget');
export const archiveRuby = make('ruby');
