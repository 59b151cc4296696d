// apt_key's provider: reads every keyring apt trusts (Dir::Etc::trusted and the files in
// Dir::Etc::trustedparts, as apt-config says, so APT_CONFIG is honoured) once per run with
// `gpg --show-keys`; adds a key as its own binary keyring `trustedparts/kasper-FINGERPRINT.gpg`
// (checked against a 40-digit id first, as the module does); removes a key by removing the
// keyring that holds only it, or deleting it from a shared one (trusted.gpg).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@kasper/files';
import { asBool, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { raise } from '../messages.ts';
import { keyId } from '../types/apt_key.ts';

interface Key {
  fingerprint: string;
  file: string;
  expired: boolean;
}

const CACHE = 'apt_key:keys';

async function aptDirs(ctx: ProviderContext): Promise<{ trusted: string; parts: string }> {
  const res = await ctx.exec.run('apt-config', ['shell', 'T', 'Dir::Etc::trusted/f', 'P', 'Dir::Etc::trustedparts/d']);
  const get = (k: string) => new RegExp(`^${k}='([^']*)'`, 'm').exec(res.stdout)?.[1];
  return { trusted: get('T') ?? '/etc/apt/trusted.gpg', parts: (get('P') ?? '/etc/apt/trusted.gpg.d/').replace(/\/$/, '') };
}

async function keysIn(file: string, ctx: ProviderContext): Promise<Key[]> {
  const res = await ctx.exec.run('gpg', ['--batch', '--no-tty', '--show-keys', '--with-colons', '--fingerprint', file]);
  const out: Key[] = [];
  let expired = false;
  let inPub = false;
  for (const line of res.stdout.split('\n')) {
    const f = line.split(':');
    if (f[0] === 'pub') {
      inPub = true;
      expired = f[1] === 'e' || (f[6] !== '' && Number(f[6]) * 1000 < Date.now());
    } else if (f[0] === 'sub') inPub = false;
    else if (f[0] === 'fpr' && inPub) {
      out.push({ fingerprint: f[9].toUpperCase(), file, expired });
      inPub = false;
    }
  }
  return out;
}

async function allKeys(ctx: ProviderContext, fresh = false): Promise<{ keys: Key[]; parts: string }> {
  const hit = ctx.cache.get(CACHE) as { keys: Key[]; parts: string } | undefined;
  if (hit && !fresh) return hit;
  const { trusted, parts } = await aptDirs(ctx);
  const files = [trusted, ...(existsSync(parts) ? readdirSync(parts).filter((f) => /\.(gpg|asc)$/.test(f)).sort().map((f) => join(parts, f)) : [])];
  const keys: Key[] = [];
  for (const f of files) if (existsSync(f)) keys.push(...await keysIn(f, ctx));
  const value = { keys, parts };
  ctx.cache.set(CACHE, value);
  return value;
}

function find(keys: Key[], id: string): Key | undefined {
  const want = keyId(id);
  return keys.find((k) => k.fingerprint.endsWith(want));
}

async function material(r: Resource, ctx: ProviderContext): Promise<Buffer> {
  const content = asString(r.params.content);
  if (content !== undefined) return Buffer.from(content);
  const source = asString(r.params.source);
  if (source !== undefined) {
    if (source.startsWith('/')) {
      if (!existsSync(source)) throw raise('KSP-PROVIDERS-127', { problem: `The file ${source} does not exist` });
      return readFileSync(source);
    }
    if (/^https?:/.test(source)) {
      const res = await fetch(source).catch((e: Error) => { throw raise('KSP-PROVIDERS-114', { source, reason: e.message }); });
      if (!res.ok) throw raise('KSP-PROVIDERS-114', { source, reason: `${res.status} ${res.statusText}` });
      return Buffer.from(await res.arrayBuffer());
    }
    // ftp through curl, into a file (a binary key is not text).
    const dir = mkdtempSync(join(tmpdir(), 'kasper-apt-key-'));
    try {
      const got = await ctx.exec.run('curl', ['-fsSL', '-o', join(dir, 'key'), source]);
      if (got.exitCode !== 0) throw raise('KSP-PROVIDERS-114', { source, reason: got.stderr.trim() });
      return readFileSync(join(dir, 'key'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // From a keyserver, through a throwaway gpg home.
  const home = mkdtempSync(join(tmpdir(), 'kasper-apt-key-'));
  try {
    const server = asString(r.params.server) ?? 'keyserver.ubuntu.com';
    const args = ['--homedir', home, '--batch', '--no-tty', '--keyserver', server];
    const options = asString(r.params.options);
    if (options) args.push('--keyserver-options', options);
    const recv = await ctx.exec.run('gpg', [...args, '--recv-keys', keyId(r.name)]);
    if (recv.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command: `gpg --recv-keys ${keyId(r.name)}`, status: recv.exitCode, output: recv.stderr.trim() });
    const exp = await ctx.exec.run('gpg', ['--homedir', home, '--batch', '--armor', '--export', keyId(r.name)]);
    return Buffer.from(exp.stdout);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export const aptKeyProvider: Provider = {
  name: 'apt_key',
  type: 'apt_key',
  commands: ['gpg', 'apt-config'],
  suitable: (host) => host.hasCommand('gpg') && host.hasCommand('apt-config'),
  isDefault: (host) => host.osFamily === 'Debian',

  async prefetch(_resources, ctx) {
    await allKeys(ctx);
  },

  async retrieve(r, ctx) {
    const k = find((await allKeys(ctx)).keys, r.name);
    const present = k !== undefined && !(asBool(r.params.refresh, false) && k.expired);
    return { ensure: present ? 'present' : 'absent' };
  },

  async sync(r, changes, ctx) {
    const ensure = changes.find((c) => c.property === 'ensure');
    const { keys, parts } = await allKeys(ctx);
    if (ensure?.should === 'absent') {
      for (const k of keys.filter((x) => x.fingerprint.endsWith(keyId(r.name)))) {
        const others = keys.filter((x) => x.file === k.file && x.fingerprint !== k.fingerprint);
        if (others.length === 0 && k.file.startsWith(`${parts}/`)) rmSync(k.file, { force: true });
        else {
          const res = await ctx.exec.run('gpg', ['--batch', '--yes', '--no-tty', '--no-default-keyring', '--keyring', k.file, '--delete-keys', k.fingerprint]);
          if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command: `gpg --delete-keys ${k.fingerprint}`, status: res.exitCode, output: res.stderr.trim() });
        }
      }
      await allKeys(ctx, true);
      return;
    }
    const raw = await material(r, ctx);
    // One binary keyring of the key's own (dearmored when it came armored).
    const tmp = mkdtempSync(join(tmpdir(), 'kasper-apt-key-'));
    try {
      const input = join(tmp, 'key');
      writeFileAtomic(input, raw, 0o600);
      const found = await keysIn(input, ctx);
      const id = keyId(r.name);
      if (id.length === 40 && !found.some((k) => k.fingerprint === id)) throw raise('KSP-PROVIDERS-128', { id: r.name });
      const key = found.find((k) => k.fingerprint.endsWith(id)) ?? found[0];
      if (!key) throw raise('KSP-PROVIDERS-127', { problem: `no OpenPGP key in the content or source of ${r.ref}` });
      const armored = raw.toString('latin1').includes('-----BEGIN PGP');
      let binary = raw;
      if (armored) {
        const out = join(tmp, 'key.gpg');
        const res = await ctx.exec.run('gpg', ['--batch', '--no-tty', '--dearmor', '--output', out, input]);
        if (res.exitCode !== 0) throw raise('KSP-PROVIDERS-029', { command: 'gpg --dearmor', status: res.exitCode, output: res.stderr.trim() });
        binary = readFileSync(out);
      }
      writeFileAtomic(join(parts, `kasper-${key.fingerprint}.gpg`), binary, 0o644);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    await allKeys(ctx, true);
  },
};
