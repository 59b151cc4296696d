// Resolving settings: a flag wins, then kasper.conf (the command's section, then [main]), then
// the default. Each value is resolved once, and only when asked for, so a default that asks
// the resolver (an agent's certname is its fqdn) costs nothing to commands that do not use it.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  SECTION_OF, SETTINGS, SETTING_NAMES, settingDef,
  type CommandName, type DefaultContext, type Kind, type Section, type SettingName, type SettingValues, type SettingsFor,
} from './table.ts';
import { raise } from './messages.ts';

export { SettingsError } from './messages.ts';

/** kasper.conf as read: key → value per section. */
export type ConfFile = Partial<Record<Section, Record<string, string>>>;

const SECTION_NAMES: Record<string, Section> = { main: 'main', master: 'master', server: 'master', agent: 'agent', user: 'user' };

/**
 * `key = value` lines under optional `[section]` headers (`[server]` is `[master]`); lines before
 * any header are [main]. `#` starts a comment line. A line that is neither is a SettingsError
 * located at it (file, line, column).
 */
export function parseConf(text: string, file = 'kasper.conf'): ConfFile {
  const out: ConfFile = {};
  let section: Section = 'main';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const column = raw.length - raw.trimStart().length + 1;
    const at = { file, line: i + 1, column, endLine: i + 1, endColumn: column + line.length };
    const header = /^\[\s*([a-z]+)\s*\]$/.exec(line);
    if (header) {
      const s = SECTION_NAMES[header[1]];
      if (!s) throw raise('KSP-SETTINGS-001', { section: header[1] }, at);
      section = s;
      return;
    }
    const m = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) throw raise('KSP-SETTINGS-002', { line }, at);
    (out[section] ??= {})[m[1]] = m[2];
  });
  return out;
}

export function readConf(confdir: string): ConfFile {
  const path = join(confdir, 'kasper.conf');
  return existsSync(path) ? parseConf(readFileSync(path, 'utf8'), path) : {};
}

/** Where a value came from. */
export type Source = 'flag' | `kasper.conf [${Section}]` | 'default';

function parse(kind: Kind, name: string, raw: string | boolean, where: string, values?: readonly string[]): unknown {
  if (kind === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw raise('KSP-SETTINGS-003', { where, name, value: raw });
  }
  const text = String(raw);
  switch (kind) {
    case 'integer':
      if (!/^\d+$/.test(text)) throw raise('KSP-SETTINGS-004', { where, name, value: text });
      return Number(text);
    case 'path':
      return resolve(text);
    case 'list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    case 'pathlist':
      return text.split(':').filter(Boolean).map((p) => resolve(p));
    default:
      if (values && !values.includes(text)) throw raise('KSP-SETTINGS-006', { where, name, value: text, values: values.join(', ') });
      return text;
  }
}

/** A value as kasper.conf would hold it (and `config print` shows it). */
export function formatValue(kind: Kind, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(kind === 'pathlist' ? ':' : ',');
  return String(value);
}

/** Flag values by setting name, as commander gives them (camelCase of the long flag). */
function flagValue(flags: Record<string, unknown>, name: SettingName): string | boolean | undefined {
  const flag = settingDef(name).flag;
  if (!flag) return undefined;
  const long = /--([a-z-]+)/.exec(flag)![1];
  const key = long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const v = flags[key];
  return typeof v === 'string' || typeof v === 'boolean' ? v : undefined;
}

export interface ResolveOptions {
  /** Values from the command line, keyed as commander names them (`dnsAltNames`). */
  flags?: Record<string, unknown>;
  /** What defaults look at; each part defaults to this process and host. */
  host?: { root?: boolean; home?: string; hostname?: () => string; fqdn?: () => Promise<string> };
  /** kasper.conf already read (tests); otherwise it is read from the resolved confdir. */
  conf?: ConfFile;
}

/** Resolves settings for one kasper.conf section, each once and on demand. */
export class Resolver {
  readonly section: Section;
  private readonly flags: Record<string, unknown>;
  private readonly options: ResolveOptions;
  private conf?: ConfFile;
  private readonly cache = new Map<SettingName, Promise<{ value: unknown; source: Source }>>();
  private readonly ctx: DefaultContext;

  constructor(section: Section, options: ResolveOptions = {}) {
    this.section = section;
    this.options = options;
    this.flags = options.flags ?? {};
    this.conf = options.conf;
    const host = options.host ?? {};
    let fqdn: Promise<string> | undefined;
    this.ctx = {
      section,
      root: host.root ?? process.getuid?.() === 0,
      home: host.home ?? (process.env.HOME || homedir()),
      hostname: host.hostname ?? hostname,
      fqdn: () => (fqdn ??= (host.fqdn ?? (async () => hostname()))()),
      get: (name) => this.get(name),
    };
  }

  async get<K extends SettingName>(name: K): Promise<SettingValues[K]> {
    return (await this.resolve(name)).value as SettingValues[K];
  }

  async source(name: SettingName): Promise<Source> {
    return (await this.resolve(name)).source;
  }

  private resolve(name: SettingName): Promise<{ value: unknown; source: Source }> {
    let hit = this.cache.get(name);
    if (!hit) {
      hit = this.compute(name);
      this.cache.set(name, hit);
    }
    return hit;
  }

  private async compute(name: SettingName): Promise<{ value: unknown; source: Source }> {
    const def = settingDef(name);
    const flag = flagValue(this.flags, name);
    if (flag !== undefined) return { value: parse(def.kind, name, flag, `--${name.replace(/_/g, '-')}`, def.values), source: 'flag' };
    if (def.conf !== false) {
      const conf = await this.confFile();
      for (const s of this.section === 'main' ? (['main'] as const) : [this.section, 'main' as const]) {
        const raw = conf[s]?.[name];
        if (raw !== undefined) return { value: parse(def.kind, name, raw, `kasper.conf [${s}]`, def.values), source: `kasper.conf [${s}]` };
      }
    }
    return { value: await def.default(this.ctx), source: 'default' };
  }

  private async confFile(): Promise<ConfFile> {
    this.conf ??= readConf(await this.get('confdir'));
    return this.conf;
  }
}

/** The settings `command` uses, resolved: flags > kasper.conf ([section], then [main]) > defaults. */
export async function resolveSettings<C extends CommandName>(command: C, options: ResolveOptions = {}): Promise<SettingsFor<C>> {
  const r = new Resolver(SECTION_OF[command], options);
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    if ((SETTINGS[name].commands as readonly CommandName[]).includes(command)) out[name] = await r.get(name);
  }
  return out as SettingsFor<C>;
}

/** The settings shown for a section: every one a command reading that section uses ([main]: all). */
export function settingsOfSection(section: Section): SettingName[] {
  return SETTING_NAMES.filter((n) => section === 'main' || settingDef(n).commands.some((c) => SECTION_OF[c] === section));
}

/**
 * `puppet config print`'s output: one name gives its bare value; none or several give sorted
 * `name = value` lines.
 */
export async function printSettings(names: string[], section: Section, options: ResolveOptions = {}): Promise<string> {
  for (const n of names) if (!Object.hasOwn(SETTINGS, n)) throw raise('KSP-SETTINGS-005', { name: n });
  const r = new Resolver(section, options);
  const chosen = names.length ? (names as SettingName[]) : settingsOfSection(section);
  const lines: string[] = [];
  for (const n of chosen) {
    const text = formatValue(settingDef(n).kind, await r.get(n));
    lines.push(names.length === 1 ? text : `${n} = ${text}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
