// The Puppetfile, r10k's format, read as data (it is Ruby there; here only its declarations are
// understood, and anything else is an error with its line):
//   forge 'https://forgeapi.puppet.com'              (read and ignored: there is no forge access)
//   moduledir 'thirdparty'                           (where modules go; default `modules`)
//   mod 'apache', :git => 'https://…', :tag => 'v1'  (also :ref, :branch, :commit; `git: '…'` too)
//   mod 'site', :local => true                       (already in the branch: left alone)
//   mod 'puppetlabs/stdlib', '9.0.0'                 (a forge module: refused, KSP-DEPLOY-005)
import { raise } from './messages.ts';

export interface GitModule {
  kind: 'git';
  /** The folder name: `apache` for `puppetlabs/apache` or `puppetlabs-apache`. */
  name: string;
  url: string;
  ref: { kind: 'ref' | 'tag' | 'branch' | 'commit'; value: string } | undefined;
  line: number;
}
export interface LocalModule { kind: 'local'; name: string; line: number }
export type PuppetfileModule = GitModule | LocalModule;

export interface Puppetfile { moduledir: string; modules: PuppetfileModule[] }

type Token =
  | { t: 'str' | 'sym' | 'ident' | 'label'; v: string; line: number }
  | { t: ',' | '=>' | 'nl' | '(' | ')'; line: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const bad = (reason: string) => raise('KSP-DEPLOY-004', { line, reason });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { out.push({ t: 'nl', line }); line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '\\' && text[i + 1] === '\n') { i += 2; line++; continue; }
    if (c === ',') { out.push({ t: ',', line }); i++; continue; }
    if (c === '(' || c === ')') { out.push({ t: c, line }); i++; continue; }
    if (c === '=' && text[i + 1] === '>') { out.push({ t: '=>', line }); i += 2; continue; }
    if (c === "'" || c === '"') {
      let v = '';
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\n') throw bad('a string does not end on its line');
        if (text[j] === '\\' && j + 1 < text.length) { v += text[j + 1]; j += 2; continue; }
        if (c === '"' && text[j] === '#' && text[j + 1] === '{') throw bad('string interpolation (#{…}) is Ruby code, not supported');
        v += text[j++];
      }
      if (j >= text.length) throw bad('a string does not end');
      out.push({ t: 'str', v, line });
      i = j + 1;
      continue;
    }
    const m = /^:([A-Za-z_][A-Za-z0-9_]*)|^([A-Za-z_][A-Za-z0-9_]*)(:(?!:))?/.exec(text.slice(i, i + 200));
    if (m) {
      if (m[1] !== undefined) out.push({ t: 'sym', v: m[1], line });
      else if (m[3]) out.push({ t: 'label', v: m[2], line });
      else out.push({ t: 'ident', v: m[2], line });
      i += m[0].length;
      continue;
    }
    throw bad(`unexpected '${c}' (only forge, moduledir and mod declarations are understood)`);
  }
  out.push({ t: 'nl', line });
  return out;
}

const OPTIONS = new Set(['git', 'ref', 'tag', 'branch', 'commit', 'local']);

export function parsePuppetfile(text: string): Puppetfile {
  const tokens = tokenize(text);
  const result: Puppetfile = { moduledir: 'modules', modules: [] };
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i].t === 'nl') { i++; continue; }
    const head = tokens[i];
    const line = head.line;
    const bad = (reason: string) => raise('KSP-DEPLOY-004', { line, reason });
    if (head.t !== 'ident') throw bad('a declaration starts with forge, moduledir or mod');
    i++;
    // The arguments: up to the end of the line, continuing after a ',' or '=>'.
    const args: Token[] = [];
    if (tokens[i]?.t === '(') i++;
    while (i < tokens.length) {
      const t = tokens[i];
      if (t.t === 'nl') {
        const prev = args[args.length - 1];
        if (prev && (prev.t === ',' || prev.t === '=>' || prev.t === 'label')) { i++; continue; }
        break;
      }
      if (t.t !== ')') args.push(t);
      i++;
    }
    const values: Token[] = args.filter((a) => a.t !== ',');
    const str = (t: Token | undefined) => (t && t.t === 'str' ? t.v : undefined);
    switch ((head as { v: string }).v) {
      case 'forge':
        break;
      case 'moduledir': {
        const dir = str(values[0]);
        if (dir === undefined || values.length !== 1) throw bad("moduledir takes one string: moduledir 'modules'");
        if (dir.startsWith('/') || dir.split('/').some((s) => s === '..' || s === '') || dir.includes('\0')) throw bad(`moduledir '${dir}' must be a relative folder inside the environment`);
        result.moduledir = dir;
        break;
      }
      case 'mod': {
        const full = str(values[0]);
        if (full === undefined) throw bad("mod takes the module's name first: mod 'name', …");
        const name = full.split(/[/-]/).pop()!;
        if (!/^[a-z][a-z0-9_]*$/.test(name) || !/^([A-Za-z0-9]+[/-])?[a-z][a-z0-9_]*$/.test(full)) throw bad(`'${full}' is not a module name (author/name or name, lowercase)`);
        const rest = values.slice(1);
        if (rest.length === 0 || rest[0].t === 'str' || (rest[0].t === 'sym' && rest.length === 1)) {
          throw raise('KSP-DEPLOY-005', { line, name: full });
        }
        const opts = new Map<string, string | boolean>();
        for (let k = 0; k < rest.length;) {
          const key = rest[k];
          let name: string;
          if (key.t === 'sym' && rest[k + 1]?.t === '=>') { name = key.v; k += 2; }
          else if (key.t === 'label') { name = key.v; k += 1; }
          else throw bad('options are written :name => value or name: value');
          if (!OPTIONS.has(name)) throw bad(`option :${name} is not supported (only :git, :ref, :tag, :branch, :commit, :local)`);
          const v = rest[k++];
          if (v?.t === 'str') opts.set(name, v.v);
          else if (v?.t === 'ident' && (v.v === 'true' || v.v === 'false')) opts.set(name, v.v === 'true');
          else if (v?.t === 'sym' && name === 'branch' && v.v === 'control_branch') throw bad(':branch => :control_branch is not supported');
          else throw bad(`option :${name} needs a string value`);
        }
        if (result.modules.some((m) => m.name === name)) throw bad(`module '${name}' is declared twice`);
        if (opts.get('local') === true) {
          if (opts.size > 1) throw bad(':local => true takes no other option');
          result.modules.push({ kind: 'local', name, line });
          break;
        }
        const url = opts.get('git');
        if (typeof url !== 'string' || url === '') throw bad(`module '${full}' needs :git => URL (or :local => true)`);
        if (url.startsWith('-')) throw bad(`'${url}' is not a git URL`);
        const refs = (['ref', 'tag', 'branch', 'commit'] as const).filter((r) => opts.has(r));
        if (refs.length > 1) throw bad(`module '${full}' gives more than one of :ref, :tag, :branch, :commit`);
        const ref = refs[0] ? { kind: refs[0], value: String(opts.get(refs[0])) } : undefined;
        if (ref && (ref.value === '' || ref.value.startsWith('-'))) throw bad(`'${ref.value}' is not a ${ref.kind}`);
        result.modules.push({ kind: 'git', name, url, ref, line });
        break;
      }
      default:
        throw bad(`'${(head as { v: string }).v}' is not understood (only forge, moduledir and mod declarations)`);
    }
  }
  return result;
}
