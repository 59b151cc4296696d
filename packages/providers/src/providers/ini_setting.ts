// ini_setting's and ini_subsetting's provider (`ruby`, as inifile names it): reads the run's
// copy of the file (textfile.ts: read once, written once), parses it as ini-file.ts does, and
// records the changed text.
import { asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { IniFile, type IniOptions } from '../ini-file.ts';
import { changeText, prefetchTextFiles, textFile } from '../textfile.ts';
import { iniValue } from '../types/ini_setting.ts';

function optionsOf(r: Resource, subsetting: boolean): IniOptions {
  const p = r.params;
  if (subsetting) return { separator: asString(p.key_val_separator) ?? ' = ', prefix: '[', suffix: ']', indentChar: ' ' };
  return {
    separator: asString(p.key_val_separator) ?? ' = ',
    prefix: asString(p.section_prefix) ?? '[',
    suffix: asString(p.section_suffix) ?? ']',
    indentChar: asString(p.indent_char) ?? ' ',
    indentWidth: p.indent_width !== undefined ? Number(p.indent_width) : undefined,
  };
}

/** The file parsed with these options; one parse per version of the file's text. */
function iniOf(r: Resource, ctx: ProviderContext, subsetting: boolean): { ini: IniFile; commit: (ini: IniFile) => void } {
  const path = String(r.params.path);
  const f = textFile(ctx, path);
  const opts = optionsOf(r, subsetting);
  const key = `ini:${path}:${f.version}:${JSON.stringify(opts)}`;
  let ini = ctx.cache.get(key) as IniFile | undefined;
  if (!ini || ctx.cache.get(`ini-stamp:${key}`) !== f.stamp) {
    ini = new IniFile(f.text, opts);
    ctx.cache.set(key, ini);
    ctx.cache.set(`ini-stamp:${key}`, f.stamp);
  }
  return {
    ini,
    commit: (changed) => {
      // The parsed copy was changed in place: it is not this version's any more.
      ctx.cache.delete(key);
      changeText(ctx, f, changed.text(), r.ref);
    },
  };
}

/** A fresh parse to change (the cached one stays as read). */
function editable(r: Resource, ctx: ProviderContext, subsetting: boolean) {
  const { commit } = iniOf(r, ctx, subsetting);
  return { ini: new IniFile(textFile(ctx, String(r.params.path)).text, optionsOf(r, subsetting)), commit };
}

const section = (r: Resource) => String(r.params.section ?? '');
const setting = (r: Resource) => (r.params.setting === undefined ? undefined : String(r.params.setting).trim());

export const iniSettingRuby: Provider = {
  name: 'ruby',
  type: 'ini_setting',
  suitable: () => true,
  isDefault: () => true,
  defersWrites: true,
  prefetch: prefetchTextFiles,

  async retrieve(r, ctx) {
    const { ini } = iniOf(r, ctx, false);
    const key = setting(r);
    const sec = section(r);
    if (key === undefined) return { ensure: ini.hasSection(sec) ? 'present' : 'absent' };
    if (!ini.hasSection(sec) && String(r.params.force_new_section_creation ?? 'true') === 'false') {
      // inifile: a setting whose section is missing is left alone when sections are not to be made.
      return { ...r.desired };
    }
    const value = ini.get(sec, key);
    return value === undefined ? { ensure: 'absent' } : { ensure: 'present', value };
  },

  async sync(r, changes, ctx) {
    const { ini, commit } = editable(r, ctx, false);
    const ensure = changes.find((c) => c.property === 'ensure');
    const key = setting(r);
    if (ensure?.should === 'absent') {
      if (key === undefined) ini.removeSection(section(r));
      else ini.remove(section(r), key);
    } else if (key === undefined && r.params.value === undefined) ini.set(section(r), undefined, undefined);
    else ini.set(section(r), key ?? '', iniValue(r.params.value) ?? '');
    commit(ini);
  },

  async refresh(r, ctx) {
    if (String(r.params.refreshonly ?? 'false') !== 'true') return;
    const { ini, commit } = editable(r, ctx, false);
    const key = setting(r);
    if ((asString(r.params.ensure) ?? 'present') === 'absent') {
      if (key !== undefined) ini.remove(section(r), key);
    } else ini.set(section(r), key ?? '', iniValue(r.params.value) ?? '');
    commit(ini);
  },
};

/** A setting's value as a list of items (inifile's SettingValue). */
class SubsettingValue {
  items: string[] = [];
  quote: string;
  private readonly separator: string;
  private readonly kvSeparator: string;
  constructor(value: string | undefined, separator: string, quote: string, kvSeparator: string) {
    this.quote = quote;
    this.separator = separator;
    this.kvSeparator = kvSeparator;
    if (value === undefined) return;
    let unquoted = value;
    for (const q of ['"', "'"]) {
      if (value.length >= 2 && value.startsWith(q) && value.endsWith(q)) {
        this.quote = q;
        unquoted = value.slice(1, -1);
        break;
      }
    }
    // Items are what lies between separators (each character of the separator separates).
    const sep = separator.replace(/[\]\\^-]/g, '\\$&');
    this.items = (unquoted.match(new RegExp(`[^${sep}]+`, 'g')) ?? []).map((x) => x.trim());
  }

  text(): string {
    return this.quote + this.items.join(this.separator) + this.quote;
  }

  private matches(item: string, sub: string, exact: boolean): boolean {
    return exact ? item === sub : item.startsWith(sub + this.kvSeparator);
  }

  find(sub: string, exact: boolean): number {
    return this.items.findIndex((i) => this.matches(i, sub, exact));
  }

  /** The item's value, or undefined when there is no such item (with exact matching: the whole item). */
  get(sub: string, exact: boolean): string | undefined {
    const i = this.find(sub, exact);
    if (i < 0) return undefined;
    return exact ? this.items[i] : this.items[i].slice(sub.length + this.kvSeparator.length);
  }

  add(sub: string, value: string, exact: boolean, insertType: string, insertValue: string | undefined): void {
    const item = sub + this.kvSeparator + value;
    if (this.find(sub, exact) >= 0) {
      this.items = this.items.map((i) => (this.matches(i, sub, exact) ? item : i));
      return;
    }
    const at = (i: number) => this.items.splice(i, 0, item);
    if (insertType === 'start') at(0);
    else if (insertType === 'before' || insertType === 'after') {
      const i = insertValue === undefined ? -1 : this.find(insertValue, exact);
      if (i < 0) this.items.push(item);
      else at(insertType === 'before' ? i : i + 1);
    } else if (insertType === 'index') at(Math.min(Number.parseInt(insertValue ?? '0', 10) || 0, this.items.length));
    else this.items.push(item);
  }

  remove(sub: string, exact: boolean): void {
    this.items = this.items.filter((i) => !this.matches(i, sub, exact));
  }
}

function subsettingOf(r: Resource, ini: IniFile): SubsettingValue {
  const p = r.params;
  return new SubsettingValue(ini.get(section(r), String(p.setting ?? '')), asString(p.subsetting_separator) ?? ' ', asString(p.quote_char) ?? '',
    asString(p.subsetting_key_val_separator) ?? '');
}

const exact = (r: Resource) => String(r.params.use_exact_match ?? 'false') === 'true';

export const iniSubsettingRuby: Provider = {
  name: 'ruby',
  type: 'ini_subsetting',
  suitable: () => true,
  isDefault: () => true,
  defersWrites: true,
  prefetch: prefetchTextFiles,

  async retrieve(r, ctx) {
    const { ini } = iniOf(r, ctx, true);
    const v = subsettingOf(r, ini);
    const sub = String(r.params.subsetting ?? '');
    if (v.find(sub, exact(r)) < 0) return { ensure: 'absent' };
    return { ensure: 'present', value: v.get(sub, false) ?? '' };
  },

  async sync(r, changes, ctx) {
    const { ini, commit } = editable(r, ctx, true);
    const v = subsettingOf(r, ini);
    const sub = String(r.params.subsetting ?? '');
    const key = String(r.params.setting ?? '');
    if (changes.some((c) => c.property === 'ensure' && c.should === 'absent')) {
      v.remove(sub, exact(r));
      if (v.items.length === 0 && String(r.params.delete_if_empty ?? 'false') === 'true') ini.remove(section(r), key);
      else ini.set(section(r), key, v.text());
    } else {
      v.add(sub, asString(r.params.value) ?? '', exact(r), asString(r.params.insert_type) ?? 'end', asString(r.params.insert_value));
      ini.set(section(r), key, v.text());
    }
    commit(ini);
  },
};
