// An INI file as inifile's ini_setting sees it: a global section (what comes before the first
// header), then sections that begin at a header line (`[name]`, or another prefix and suffix).
// Settings are `key = value` lines (any separator); comments start with # or ;. Changes keep
// every other line as it was: a changed value keeps its line's spacing, a new setting goes
// after a commented-out copy of itself when there is one, else at the end of its section before
// the section's trailing blank lines, with the section's indentation; a new section goes at the
// end of the file. A section left without settings is removed with its header.

export interface IniOptions {
  separator: string;
  prefix: string;
  suffix: string;
  indentChar: string;
  indentWidth?: number;
}

interface Section {
  name: string;
  /** Line index of the header (0 for the global section); undefined for a section that is new. */
  start?: number;
  /** Last line index of the section; undefined when new (or an empty global section). */
  end?: number;
  settings: Map<string, string>;
  added: Map<string, string>;
  indentation?: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export class IniFile {
  private lines: string[];
  private readonly sections: Section[] = [];
  private readonly byName = new Map<string, Section>();
  private readonly setting: RegExp;
  private readonly commented: RegExp;
  private readonly header: RegExp;
  private readonly opts: IniOptions;

  constructor(text: string, opts: IniOptions) {
    this.opts = opts;
    // A separator of spaces only is a space; otherwise its trimmed form is what splits key and value.
    const sep = /^\s+$/.test(opts.separator) ? ' ' : opts.separator.trim();
    const s = escape(sep);
    this.setting = new RegExp(`^(\\s*)([^#;\\s]|[^#;\\s][^\\n]*?[^\\s${s}])(\\s*${s}[ \\t]*)([^\\n]*)$`);
    this.commented = new RegExp(`^(\\s*)[#;]+(\\s*)([^\\n]*?[^\\s${s}])(\\s*${s}[ \\t]*)([^\\n]*)$`);
    this.header = new RegExp(`^\\s*${escape(opts.prefix)}([^\\n]*)${escape(opts.suffix)}\\s*$`);
    this.lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    this.parse();
  }

  private parse(): void {
    let i = 0;
    const read = (name: string, start: number): Section => {
      const settings = new Map<string, string>();
      let end = start;
      let indentation: number | undefined;
      let empty = true;
      while (i < this.lines.length && !this.header.test(this.lines[i])) {
        const m = this.setting.exec(this.lines[i]);
        if (m) {
          settings.set(m[2], m[4]);
          indentation = Math.min(m[1].length, indentation ?? m[1].length);
        }
        end = i;
        empty = false;
        i++;
      }
      return { name, start, end: name === '' && empty ? undefined : end, settings, added: new Map(), indentation };
    };
    this.add(read('', 0));
    while (i < this.lines.length) {
      const m = this.header.exec(this.lines[i]);
      const start = i++;
      if (m) this.add(read(m[1], start));
    }
  }

  private add(s: Section): void {
    this.sections.push(s);
    this.byName.set(s.name, s);
  }

  hasSection(name: string): boolean {
    return this.byName.has(name);
  }

  get(section: string, key: string): string | undefined {
    const s = this.byName.get(section);
    return s ? (s.settings.get(key) ?? s.added.get(key)) : undefined;
  }

  private isNew(s: Section): boolean {
    return s.end === undefined;
  }

  private shift(from: Section, by: number): void {
    for (const s of this.sections.slice(this.sections.indexOf(from) + 1)) {
      if (s.start !== undefined) s.start += by;
      if (s.end !== undefined) s.end += by;
    }
  }

  private indent(s: Section): string {
    return this.opts.indentChar.repeat(this.opts.indentWidth ?? s.indentation ?? 0);
  }

  /** Sets a setting (or, with no key, makes sure the section exists). */
  set(section: string, key: string | undefined, value: string | undefined): void {
    let s = this.byName.get(section);
    if (!s) {
      s = { name: section, settings: new Map(), added: new Map() };
      this.add(s);
    }
    if (key === undefined) return;
    if (s.settings.has(key)) {
      for (let n = s.start!; n <= s.end!; n++) {
        const m = this.setting.exec(this.lines[n]);
        if (m && m[2] === key) this.lines[n] = `${m[1]}${m[2]}${m[3]}${value ?? ''}`;
      }
      s.settings.set(key, value ?? '');
      return;
    }
    if (!this.isNew(s)) {
      for (let n = s.start!; n <= s.end!; n++) {
        const m = this.commented.exec(this.lines[n]);
        if (m && m[3] === key) {
          this.lines.splice(n + 1, 0, `${this.indent(s)}${key}${this.opts.separator}${value ?? ''}`);
          s.settings.set(key, value ?? '');
          s.end! += 1;
          this.shift(s, 1);
          return;
        }
      }
    }
    s.added.set(key, value ?? '');
  }

  remove(section: string, key: string): void {
    const s = this.byName.get(section);
    if (!s || !s.settings.has(key)) return;
    let removed = 0;
    for (let n = s.start!; n <= s.end! - removed; n++) {
      const m = this.setting.exec(this.lines[n]);
      if (m && m[2] === key) {
        this.lines.splice(n, 1);
        removed++;
        n--;
      }
    }
    s.settings.delete(key);
    s.end! -= removed;
    this.shift(s, -removed);
    if (s.name === '') return;
    // Only blank lines left: the header goes with them (inifile keeps such a header, its issue 524).
    for (let n = s.start! + 1; n <= s.end!; n++) if (!/^\s*$/.test(this.lines[n])) return;
    const count = s.end! - s.start! + 1;
    this.lines.splice(s.start!, count);
    this.shift(s, -count);
    this.sections.splice(this.sections.indexOf(s), 1);
    this.byName.delete(s.name);
  }

  /** Removes a section with everything in it (inifile leaves it: Kasper does what ensure => absent says). */
  removeSection(name: string): void {
    const s = this.byName.get(name);
    if (!s) return;
    if (!this.isNew(s)) {
      const count = s.end! - s.start! + 1;
      this.lines.splice(s.start!, count);
      this.shift(s, -count);
    }
    if (name === '') {
      s.end = undefined;
      s.settings.clear();
      s.added.clear();
      return;
    }
    this.sections.splice(this.sections.indexOf(s), 1);
    this.byName.delete(name);
  }

  /** The file's text: every line ends with a newline. */
  text(): string {
    const out: string[] = [];
    const global = this.byName.get('')!;
    const globalEmpty = this.isNew(global) && global.added.size === 0;
    this.sections.forEach((s, index) => {
      const blanks: string[] = [];
      if (this.isNew(s) && s.name !== '') {
        if ((index === 1 && !globalEmpty) || index > 1) out.push('');
        out.push(`${this.opts.prefix}${s.name}${this.opts.suffix}`);
      }
      if (!this.isNew(s)) {
        for (let n = s.start!; n <= s.end!; n++) {
          const line = this.lines[n];
          if (/^\s*$/.test(line)) blanks.push(line);
          else {
            out.push(...blanks.splice(0), line);
          }
        }
      }
      for (const [k, v] of s.added) out.push(`${this.indent(s)}${k}${this.opts.separator}${v}`);
      if (blanks.length) out.push(...blanks);
      else if (this.isNew(s) && s.added.size > 0 && index < this.sections.length - 1) out.push('');
    });
    return out.map((l) => `${l}\n`).join('');
  }
}
