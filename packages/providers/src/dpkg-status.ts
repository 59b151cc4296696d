// dpkg's own database read in-process: what `dpkg-query -W -f '${Package}\t${Version}\t${db:Status-Abbrev}\n'`
// prints, taken from the admin directory's `status` file (deb822 paragraphs) with one read, so
// that a run need not start a process (and load the command runner) to learn its packages'
// state. The reader is deliberately narrow: it answers only when it can show that dpkg-query
// would print the same lines, and otherwise says `undefined` and the caller runs dpkg-query.
// What dpkg-query does that is followed here (dpkg 1.21): it reads `status`, then every journal
// file in `updates/` (digits-only names) and the pending triggers in `triggers/Unincorp`, skips
// packages whose status is not-installed, sorts by name (byte order), then by architecture for
// `Multi-Arch: same` instances, and prints the version without a zero epoch. What is checked:
// the file's structure (fields, continuations, paragraphs), the fields that make the answer
// (Package, Version, Status, Architecture, Multi-Arch) and the rules between fields that make
// dpkg-query fail (Config-Version, triggers, Multi-Arch: same on `all`, several instances of a
// name). Not checked: the syntax of the other fields' values (Depends, Conffiles …) and repeats
// of them, which would make dpkg-query stop with a parse error on a status file that dpkg
// itself did not write.
import { readdirSync, readFileSync, statSync } from 'node:fs';

/** One line of dpkg-query's answer. */
export interface DpkgEntry {
  name: string;
  /** As dpkg-query prints it: `[epoch:]upstream[-revision]`, empty when the package has none. */
  version: string;
  /** `${db:Status-Abbrev}`: want, status and error flag, three characters (`ii `, `rc `, `hiR`). */
  abbrev: string;
}

/** The admin directory dpkg-query uses when it is given none: `$DPKG_ADMINDIR`, else /var/lib/dpkg; undefined under `$DPKG_ROOT`. */
export function defaultAdmindir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DPKG_ADMINDIR !== undefined) return env.DPKG_ADMINDIR || undefined;
  if (env.DPKG_ROOT) return undefined;
  return '/var/lib/dpkg';
}

const WANT: Record<string, string> = { unknown: 'u', install: 'i', hold: 'h', deinstall: 'r', purge: 'p' };
const EFLAG: Record<string, string> = { ok: ' ', reinstreq: 'R' };
// triggers-awaited and triggers-pending are left to dpkg-query: they come with fields that must agree.
const STATUS: Record<string, string> = { 'not-installed': 'n', 'config-files': 'c', 'half-installed': 'H', unpacked: 'U', 'half-configured': 'F', installed: 'i' };
const NAME = /^[a-z0-9][a-z0-9+.-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
// An epoch without leading zeros (dpkg prints it as a number, and drops 0), an upstream version
// starting with a digit and without colons, a non-empty revision: then dpkg prints it verbatim.
const VERSION = /^(?:[1-9][0-9]{0,8}:)?[0-9][A-Za-z0-9.+~]*(?:-[A-Za-z0-9.+~]+)*$/;
const MULTIARCH = new Set(['no', 'same', 'allowed', 'foreign']);

/**
 * dpkg-query's lines for every package in `admindir`, read from its files; undefined when they
 * cannot be read or hold anything this reader does not follow (the caller then asks dpkg-query).
 */
export function readDpkgStatus(admindir: string): DpkgEntry[] | undefined {
  let text: string;
  try {
    text = readFileSync(`${admindir}/status`, 'latin1');
  } catch {
    return undefined;
  }
  // Then, as dpkg-query does after `status`: a journal not yet folded into it, or triggers not
  // yet incorporated, would change the answer. (dpkg replaces `status` by a rename, so the one
  // read sees one version of it; a dpkg that writes a journal since is seen here, or missed by
  // dpkg-query as well.)
  try {
    for (const f of readdirSync(`${admindir}/updates`)) if (/^[0-9]+$/.test(f)) return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  try {
    if (statSync(`${admindir}/triggers/Unincorp`).size > 0) return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return parseDpkgStatus(text);
}

// Lines dpkg would not read as a field, a continuation or a paragraph's end: an empty or
// `#`/`-`-led field name, spaces before the colon, a blank continuation or one that opens a
// paragraph, and the characters its parser treats apart (CR, VT, FF, ^Z, NUL). (The first line
// is checked alone; the patterns look after each newline, much faster than `^` with `m`.)
const STRANGE = /\n(?!\n|[ \t]+\S|[^\s:#-][^\s:]*:|$)|\n\n[ \t]|[\r\v\f\x1a\0]/;
const FIRST = /^[^\s:#-][^\s:]*:/;
// The fields that decide the answer or make dpkg-query fail, in any case (dpkg matches names
// without regard to it), and whether the next line continues it. (A missing Description or
// Maintainer is only a warning: it does not change the lines.)
const FIELD = /\n(package|version|status|architecture|multi-arch|config-version|triggers-pending|triggers-awaited)[ \t]*:[ \t]*([^\n]*)(?=(\n[ \t])?)/gi;

/** The parser behind {@link readDpkgStatus}: the text of a `status` file. */
export function parseDpkgStatus(text: string): DpkgEntry[] | undefined {
  if (text.length && text.charCodeAt(text.length - 1) !== 10) return undefined;
  if (text.length && (!FIRST.test(text) || STRANGE.test(text))) return undefined;
  // Each field is matched after its newline: the first line is given one.
  text = `\n${text}`;
  const entries: DpkgEntry[] = [];
  const arches: string[] = [];
  const sames: boolean[] = [];
  let repeated = false;
  let sorted = true;
  let lastName = '';
  // The paragraph being read (fields seen in it, by bit).
  let seen = 0;
  let name = '', version = '', status = '', arch = '', multiarch = '';
  let nextBreak = text.indexOf('\n\n');
  if (nextBreak < 0) nextBreak = text.length;
  const close = (): boolean => {
    if (seen === 0) return true;
    const have = seen;
    seen = 0;
    if ((have & 0b101) !== 0b101 || (have & 0b1100000000) || !NAME.test(name)) return false; // Package, Status; no triggers
    const s1 = status.indexOf(' '), s2 = status.indexOf(' ', s1 + 1);
    if (s1 < 0 || s2 < 0 || status.indexOf(' ', s2 + 1) >= 0) return false;
    const st = status.slice(s2 + 1);
    const want = WANT[status.slice(0, s1)], eflag = EFLAG[status.slice(s1 + 1, s2)], abbrev = STATUS[st];
    if (want === undefined || eflag === undefined || abbrev === undefined) return false;
    if ((have & 0b10000000) && (st === 'installed' || st === 'not-installed')) return false; // Config-Version
    // A version, except before the package is unpacked.
    if (st !== 'not-installed' && st !== 'half-installed' && !(have & 0b10)) return false;
    if ((have & 0b10) && !VERSION.test(version)) return false;
    if (!(have & 0b1000) || !ARCH.test(arch)) return false;
    const same = (have & 0b10000) !== 0 && multiarch === 'same';
    if ((have & 0b10000) && !MULTIARCH.has(multiarch)) return false;
    if (same && arch === 'all') return false;
    if (name <= lastName) {
      if (name === lastName) repeated = true;
      else sorted = false;
    }
    lastName = name;
    if (st === 'not-installed') {
      // Listed by nobody, but a second paragraph of the same name is left to dpkg-query.
      arches.push(arch);
      sames.push(false);
      entries.push({ name, version: '', abbrev: '' });
      return true;
    }
    entries.push({ name, version: (have & 0b10) ? version : '', abbrev: want + abbrev + eflag });
    arches.push(arch);
    sames.push(same);
    return true;
  };
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(text); m; m = FIELD.exec(text)) {
    if (m.index > nextBreak) {
      if (!close()) return undefined;
      nextBreak = text.indexOf('\n\n', m.index);
      if (nextBreak < 0) nextBreak = text.length;
    }
    const field = m[1]!;
    // A continued value of a field read here.
    if (m[3] !== undefined) return undefined;
    let bit: number;
    switch (field) {
      case 'Package': bit = 1; name = m[2]!.trimEnd(); break;
      case 'Version': bit = 2; version = m[2]!.trimEnd(); break;
      case 'Status': bit = 4; status = m[2]!.trimEnd(); break;
      case 'Architecture': bit = 8; arch = m[2]!.trimEnd(); break;
      case 'Multi-Arch': bit = 16; multiarch = m[2]!.trimEnd(); break;
      case 'Config-Version': bit = 128; break;
      case 'Triggers-Pending': bit = 256; break;
      case 'Triggers-Awaited': bit = 512; break;
      default: return undefined; // the name in another case
    }
    if (seen & bit) return undefined; // twice in one paragraph
    seen |= bit;
  }
  if (!close()) return undefined;
  let order = entries.map((_, i) => i);
  if (repeated || !sorted) {
    // A name seen more than once: only Multi-Arch: same instances of distinct architectures.
    const byName = new Map<string, number[]>();
    for (const i of order) byName.set(entries[i]!.name, [...(byName.get(entries[i]!.name) ?? []), i]);
    for (const all of byName.values()) {
      if (all.length < 2) continue;
      if (!all.every((i) => sames[i]) || new Set(all.map((i) => arches[i])).size !== all.length) return undefined;
    }
    // dpkg-query's order: names in byte order (ASCII here), then Multi-Arch: same instances by architecture.
    order = order.sort((a, b) => {
      const x = entries[a]!, y = entries[b]!;
      return x.name < y.name ? -1 : x.name > y.name ? 1 : arches[a]! < arches[b]! ? -1 : arches[a]! > arches[b]! ? 1 : 0;
    });
  }
  const out: DpkgEntry[] = [];
  for (const i of order) if (entries[i]!.abbrev !== '') out.push(entries[i]!);
  return out;
}

/** The entries as dpkg-query prints them with the providers' format. */
export function formatDpkgEntries(entries: readonly DpkgEntry[]): string {
  let out = '';
  for (const e of entries) out += `${e.name}\t${e.version}\t${e.abbrev}\n`;
  return out;
}
