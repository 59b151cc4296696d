// mount `parsed`: the fstab (or `target`) with Puppet's layout (DEVICE NAME FSTYPE OPTIONS DUMP
// PASS, tab-separated, spaces as \040), and mount(8)/umount(8). Mounting names the resource's
// fstab (`mount -T TARGET NAME`), so a target other than /etc/fstab mounts what it says.
import { readFileSync } from 'node:fs';
import { asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { runChecked } from '../executor.ts';
import { ParsedFile, fileStore, type Entry, type Format } from '../parsedfile.ts';
import { mountPoint } from '../types/mount.ts';

const FIELDS = ['device', 'name', 'fstype', 'options', 'dump', 'pass'] as const;
const decode = (s: string) => s.replaceAll('\\040', ' ');
const encode = (s: string) => s.replaceAll(' ', '\\040');

const format: Format = {
  id: 'mount',
  parse: (lines) => lines.map((line): Entry => {
    if (/^\s*#|^\s*$/.test(line)) return { kind: 'text', text: line };
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) return { kind: 'text', text: line };
    const fields: Record<string, string> = {};
    FIELDS.forEach((f, i) => { if (parts[i] !== undefined) fields[f] = f === 'device' || f === 'name' ? decode(parts[i]) : parts[i]; });
    // A line without options stays as it is until Kasper changes it (Puppet writes it back with empty fields).
    if (parts.length < 4) fields.line = line;
    return { kind: 'record', name: mountPoint(fields.name), fields };
  }),
  render: (f, name) => typeof f.line === 'string' ? f.line : [encode(String(f.device)), encode(name), f.fstype, f.options || 'defaults', f.dump ?? '0', f.pass ?? '0'].join('\t'),
};

const targetOf = (r: Resource) => asString(r.params.target) ?? '/etc/fstab';
const open = (r: Resource, ctx: ProviderContext) => ParsedFile.open(ctx, fileStore(targetOf(r)), format);

/** Whether something is mounted on the mount point now (/proc/self/mounts). */
function mounted(name: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] !== undefined && decode(l.split(' ')[1]) === name);
}

async function mount(r: Resource, ctx: ProviderContext): Promise<void> {
  await runChecked(ctx.exec, 'mount', ['-T', targetOf(r), r.name]);
}

async function unmount(r: Resource, ctx: ProviderContext): Promise<void> {
  await runChecked(ctx.exec, 'umount', [r.name]);
}

export const mountParsed: Provider = {
  name: 'parsed',
  type: 'mount',
  commands: ['mount', 'umount'],
  suitable: (host) => host.hasCommand('mount') && host.hasCommand('umount'),
  isDefault: () => true,
  async retrieve(r, ctx) {
    const rec = (await open(r, ctx)).find(r.name);
    const on = mounted(r.name);
    // Not in the fstab but mounted: creating the entry writes the desired values, so they are not reported apart.
    if (!rec) return on ? { ...r.desired, ensure: 'ghost' } : { ensure: 'absent' };
    const { line: _, ...values } = rec;
    return { ...values, ensure: on ? 'mounted' : 'unmounted' };
  },
  async sync(r, changes, ctx) {
    const file = await open(r, ctx);
    const want = String(r.desired?.ensure ?? '');
    const on = mounted(r.name);
    if (want === 'absent') {
      if (on) await unmount(r, ctx);
      if (file.find(r.name)) {
        file.remove(r.name);
        await file.flush(ctx);
      }
      return;
    }
    const fields = { ...(file.find(r.name) ?? {}) };
    for (const [k, v] of Object.entries(r.desired ?? {})) if (k !== 'ensure') fields[k] = String(v);
    fields.name = r.name;
    delete fields.line;
    file.set(r.name, fields);
    await file.flush(ctx);
    void changes;
    if (want === 'mounted' && !on) await mount(r, ctx);
    if (want === 'unmounted' && on) await unmount(r, ctx);
  },
  async refresh(r, ctx) {
    // Puppet's remount: only a mounted file system that is not swap.
    if (String(r.params.fstype) === 'swap' || !mounted(r.name)) return;
    const remounts = asString(r.params.remounts) !== 'false';
    if (remounts) await runChecked(ctx.exec, 'mount', ['-T', targetOf(r), '-o', 'remount', r.name]);
    else {
      await unmount(r, ctx);
      await mount(r, ctx);
    }
  },
};
