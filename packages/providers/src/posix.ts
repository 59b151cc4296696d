// Users, groups and modes as POSIX hosts have them: names from /etc/passwd and /etc/group
// (looked at each time: a run may create a user and then a file it owns), modes in octal or
// symbolic form (`0644`, `u=rw,go=r`, `a+x`).
import { readFileSync, statSync } from 'node:fs';

/** Each table as last read, with the file's identity then (inode, size, times in nanoseconds). */
const tables = new Map<string, { stamp: string; rows: readonly (readonly string[])[] }>();

/**
 * The rows of a colon-separated table. Read again only when the file changed: a no-change run of
 * 1,000 files asked for its owner's and group's names 2,000 times, each reading and splitting
 * the file (17 ms of a 250 ms run); a stat is one system call. Tools such as useradd replace the
 * file (a new inode) or rewrite it (new times), either of which is a new stamp.
 */
function table(path: string): readonly (readonly string[])[] {
  try {
    const st = statSync(path, { bigint: true });
    const stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const hit = tables.get(path);
    if (hit?.stamp === stamp) return hit.rows;
    const rows = readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
    tables.set(path, { stamp, rows });
    return rows;
  } catch {
    return [];
  }
}

export function uidOf(user: string): number | undefined {
  if (/^\d+$/.test(user)) return Number(user);
  const row = table('/etc/passwd').find((r) => r[0] === user);
  return row ? Number(row[2]) : undefined;
}

export function gidOf(group: string): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  const row = table('/etc/group').find((r) => r[0] === group);
  return row ? Number(row[2]) : undefined;
}

export function userName(uid: number): string {
  return table('/etc/passwd').find((r) => Number(r[2]) === uid)?.[0] ?? String(uid);
}

export function groupName(gid: number): string {
  return table('/etc/group').find((r) => Number(r[2]) === gid)?.[0] ?? String(gid);
}

export function passwdEntry(user: string): readonly string[] | undefined {
  return table('/etc/passwd').find((r) => r[0] === user);
}

export function groupEntry(group: string): readonly string[] | undefined {
  return table('/etc/group').find((r) => r[0] === group);
}

export function shadowEntry(user: string): readonly string[] | undefined {
  return table('/etc/shadow').find((r) => r[0] === user);
}

/** Groups (besides the primary one) that list the user as a member. */
export function supplementaryGroups(user: string): string[] {
  return table('/etc/group').filter((r) => (r[3] ?? '').split(',').includes(user)).map((r) => r[0]);
}

/** `0644` as Puppet prints modes: four octal digits. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * The mode a `mode` parameter asks for, given the current one (symbolic modes are relative).
 * Returns undefined for a value that is not a mode.
 */
export function desiredMode(spec: string, current: number, isDirectory: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*|[ugo])$/.exec(clause.trim());
    if (!m) return undefined;
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    let bits = 0;
    const perms = m[3];
    if (/^[ugo]$/.test(perms)) {
      const shift = { u: 6, g: 3, o: 0 }[perms as 'u' | 'g' | 'o'];
      const src = (mode >> shift) & 7;
      for (const w of who) bits |= src << { u: 6, g: 3, o: 0 }[w as 'u' | 'g' | 'o'];
    } else {
      for (const w of who) {
        const shift = { u: 6, g: 3, o: 0 }[w as 'u' | 'g' | 'o'];
        let p = 0;
        if (perms.includes('r')) p |= 4;
        if (perms.includes('w')) p |= 2;
        if (perms.includes('x') || (perms.includes('X') && (isDirectory || (mode & 0o111) !== 0))) p |= 1;
        bits |= p << shift;
        if (perms.includes('s')) bits |= w === 'u' ? 0o4000 : w === 'g' ? 0o2000 : 0;
        if (perms.includes('t') && w === 'o') bits |= 0o1000;
      }
    }
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else {
      let mask = 0;
      for (const w of who) mask |= 0o7 << { u: 6, g: 3, o: 0 }[w as 'u' | 'g' | 'o'];
      mode = (mode & ~mask) | bits;
    }
  }
  return mode;
}
