// ssh_authorized_key and sshkey `parsed`: authorized_keys and known_hosts files, as Puppet's
// providers write them. An authorized_keys file is kept 0600 and owned by the key's user; its
// folder is made 0700 when missing. Keys without a comment are nobody's and stay as they are.
import { existsSync, mkdirSync, chownSync } from 'node:fs';
import { dirname } from 'node:path';
import { asString, type Resource } from '../api.ts';
import { fileStore, parsedProvider, type Entry } from '../parsedfile.ts';
import { passwdEntry } from '../posix.ts';
import { raise } from '../messages.ts';
import { KEY_TYPES } from '../types/ssh.ts';

const KEYLINE = new RegExp(`^(?:(.+)\\s+)?(${KEY_TYPES.map((t) => t.replace(/[.@]/g, '\\$&')).join('|')})\\s+([^ ]+)\\s*(.*)$`);

/** sshd's options: `a,b="x, y"` is [a, b="x, y"]. */
export function parseOptions(text: string): string[] {
  const out: string[] = [];
  const re = /[ \t]*([-a-zA-Z0-9_]+="(?:[^"\\]|\\.)*?"|[-a-zA-Z0-9_]+)[ \t]*,?/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1]);
  return out;
}

function user(r: Resource): { uid: number; gid: number; home: string } | undefined {
  const e = passwdEntry(String(r.params.user ?? ''));
  return e ? { uid: Number(e[2]), gid: Number(e[3]), home: e[5] } : undefined;
}

function authorizedKeysOf(r: Resource): string {
  const target = asString(r.params.target);
  if (target) return target;
  const u = user(r);
  if (!u) throw raise('KSP-PROVIDERS-017', { user: String(r.params.user) });
  return `${u.home}/.ssh/authorized_keys`;
}

export const sshAuthorizedKeyParsed = parsedProvider({
  name: 'parsed',
  type: 'ssh_authorized_key',
  check(r) {
    if (r.params.user !== undefined && !user(r)) throw raise('KSP-PROVIDERS-017', { user: String(r.params.user) });
  },
  store(r) {
    const path = authorizedKeysOf(r);
    const u = user(r);
    const owner = u ? { uid: u.uid, gid: u.gid } : undefined;
    const store = fileStore(path, 0o600, owner, true);
    return {
      ...store,
      async write(ctx, text) {
        if (!existsSync(dirname(path))) {
          mkdirSync(dirname(path), { mode: 0o700 });
          if (owner) chownSync(dirname(path), owner.uid, owner.gid);
        }
        await store.write(ctx, text);
      },
    };
  },
  format: {
    id: 'ssh_authorized_key',
    parse(lines) {
      let unnamed = 0;
      return lines.map((line): Entry => {
        const m = /^\s*#|^\s*$/.test(line) ? null : KEYLINE.exec(line);
        if (!m) return { kind: 'text', text: line };
        const options = m[1] ? parseOptions(m[1]) : [];
        const fields = { type: m[2], key: m[3], options };
        return m[4] ? { kind: 'record', name: m[4], fields } : { kind: 'record', name: `:unnamed-${++unnamed}`, fields: { ...fields, line } };
      });
    },
    render(f, name) {
      if (typeof f.line === 'string') return f.line;
      const options = Array.isArray(f.options) && f.options.length ? `${f.options.join(',')} ` : '';
      return `${options}${f.type} ${f.key} ${name}`;
    },
  },
});

export const sshkeyParsed = parsedProvider({
  name: 'parsed',
  type: 'sshkey',
  key: (r) => `${r.name}@${String(r.params.type)}`,
  store: (r) => fileStore(asString(r.params.target) ?? '/etc/ssh/ssh_known_hosts', 0o644),
  format: {
    id: 'sshkey',
    parse: (lines) => lines.map((line): Entry => {
      const m = /^#|^\s*$/.test(line) ? null : /^(\S+)\s+(\S+)\s+(\S+)/.exec(line);
      if (!m) return { kind: 'text', text: line };
      const [name, ...aliases] = m[1].split(',');
      return { kind: 'record', name: `${name}@${m[2]}`, fields: { hostname: name, type: m[2], key: m[3], host_aliases: aliases } };
    }),
    render(f) {
      return `${[f.hostname, ...(Array.isArray(f.host_aliases) ? f.host_aliases : [])].join(',')} ${f.type} ${f.key}`;
    },
  },
});
