// Finds Puppet code on disk: the site manifest(s) and, on demand, classes, defined types,
// functions and type aliases in the modules of the modulepath, the way Puppet autoloads them.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import {
  moduleFileNamespace, moduleLocationDiagnostics, type ParseResult,
  type Expression, type FunctionDefinition, type HostClassDefinition, type LineMap, type NodeDefinition,
  type Program, type ResourceTypeDefinition, type TypeAlias,
} from '@kasper/language';
import { METAPARAMETERS } from '@kasper/catalog';
import { parseSourceCached } from './ast-cache.ts';
import { CompileError } from './errors.ts';
import { raise } from './messages.ts';

export interface EnvironmentConfig {
  /** The environment's name, e.g. 'production'. */
  name: string;
  /** The site manifest: one file, or a folder whose .pp files are read in alphabetical order. */
  manifest: string;
  /** Folders holding modules, searched in order. */
  modulepath: string[];
  /** The environment's hiera.yaml, if any. */
  hieraConfig?: string;
  /** The environment's own folder: `environment::x` functions live in its functions/. */
  directory?: string;
  /** The global hiera.yaml (Puppet's hiera_config), consulted before the environment's. */
  globalHieraConfig?: string;
  /** The code's version control id (the commit `kasper code deploy` deployed): the catalogs' code_id. */
  codeId?: string;
}

/** A parsed source file with what is needed to report positions in it. */
export interface SourceFile {
  path: string;
  program: Program;
  lineMap: LineMap;
  /** The module the file belongs to, if it is inside one. */
  module: string | undefined;
}

export interface Definition<T> {
  node: T;
  file: SourceFile;
  /** Fully qualified, lower-case name. */
  name: string;
}

export type ClassDefinition = Definition<HostClassDefinition>;
export type DefineDefinition = Definition<ResourceTypeDefinition>;
export type FunctionDef = Definition<FunctionDefinition>;
export type TypeAliasDef = Definition<TypeAlias>;
export type NodeDef = Definition<NodeDefinition>;

export class Loader {
  readonly env: EnvironmentConfig;
  private readonly files = new Map<string, SourceFile>();
  readonly classes = new Map<string, ClassDefinition>();
  readonly defines = new Map<string, DefineDefinition>();
  readonly functions = new Map<string, FunctionDef>();
  readonly typeAliases = new Map<string, TypeAliasDef>();
  readonly nodes: NodeDef[] = [];
  private readonly moduleDirs = new Map<string, string | null>();

  constructor(env: EnvironmentConfig) {
    this.env = env;
  }

  /** The site manifest files, in evaluation order. */
  siteFiles(): string[] {
    const m = this.env.manifest;
    if (!existsSync(m)) throw raise('KSP-LOAD-002', { path: m });
    if (!statSync(m).isDirectory()) return [m];
    const out: string[] = [];
    const visit = (dir: string) => {
      for (const e of readdirSync(dir).sort()) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) visit(p);
        else if (e.endsWith('.pp')) out.push(p);
      }
    };
    visit(m);
    return out;
  }

  /**
   * Parses a file once; a syntax error becomes a CompileError with the parser's own code
   * (KSP-LEX-…, KSP-PARSE-…, KSP-VALID-…) and span, worded as Puppet words it ("Could not parse").
   */
  load(path: string): SourceFile {
    const cached = this.files.get(path);
    if (cached) return cached;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw raise('KSP-LOAD-001', { path, reason: (e as Error).message });
    }
    const r = parseCached(text, path);
    const err = r.diagnostics.find((d) => d.severity === 'error');
    if (err) {
      const location = { file: path, line: err.start.line, column: err.start.column, endLine: err.end.line, endColumn: err.end.column };
      throw new CompileError(err.code, `Could not parse: ${err.message}`, { location });
    }
    // A module's file on the modulepath: only definitions, named for the file (Puppet's checker).
    const misplaced = moduleLocationDiagnostics(r, path, moduleFileNamespace(path, this.env.modulepath, this.env.manifest))[0];
    if (misplaced) {
      const location = { file: path, line: misplaced.start.line, column: misplaced.start.column, endLine: misplaced.end.line, endColumn: misplaced.end.column };
      throw new CompileError(misplaced.code, `Could not parse: ${misplaced.message}`, { location });
    }
    const file: SourceFile = { path, program: r.program, lineMap: r.lineMap, module: this.moduleOfPath(path) };
    this.files.set(path, file);
    this.register(file);
    return file;
  }

  /** Registers every definition a file holds, including classes and defines nested in classes. */
  private register(file: SourceFile): void {
    // A name is defined once, as Puppet requires: a second class, define, function or type alias
    // of the same name (or a class and a define sharing one) is an error at the second.
    const once = (kind: string, name: string, e: Expression, first: { file: SourceFile; node: Expression } | undefined) => {
      if (!first) return;
      const p = locate(first.file, first.node.start);
      throw raise('KSP-LOAD-004', { kind, name, where: `${p.file}:${p.line}` }, locate(file, e.start));
    };
    // A class or define may not name a parameter as a metaparameter without a default (Puppet
    // refuses the definition; with a default it only warns that the value reaches its resources).
    const noMetaparameters = (e: HostClassDefinition | ResourceTypeDefinition, name: string) => {
      for (const p of e.parameters) {
        if (METAPARAMETERS.has(p.name) && !p.value) throw raise('KSP-LOAD-005', { parameter: p.name, name }, locate(file, p.start));
      }
    };
    const visit = (body: Expression[], prefix: string) => {
      for (const e of body) {
        switch (e.kind) {
          case 'HostClassDefinition': {
            const name = qualify(e.name, prefix);
            once('class', name, e, this.classes.get(name) ?? this.defines.get(name));
            noMetaparameters(e, name);
            this.classes.set(name, { node: e, file, name });
            visit(e.body, name);
            break;
          }
          case 'ResourceTypeDefinition': {
            const name = qualify(e.name, prefix);
            once('defined type', name, e, this.defines.get(name) ?? this.classes.get(name));
            noMetaparameters(e, name);
            this.defines.set(name, { node: e, file, name });
            break;
          }
          case 'FunctionDefinition': {
            const name = e.name.toLowerCase().replace(/^::/, '');
            once('function', name, e, this.functions.get(name));
            this.functions.set(name, { node: e, file, name });
            break;
          }
          case 'TypeAlias': {
            const name = e.name.toLowerCase().replace(/^::/, '');
            once('type alias', name, e, this.typeAliases.get(name));
            this.typeAliases.set(name, { node: e, file, name });
            break;
          }
          case 'NodeDefinition': {
            // A node name (a name in any case, a regex, default) is defined once, as in Puppet.
            for (const h of e.hostMatches) {
              const key = h.kind === 'LiteralString' ? h.value.toLowerCase() : h.kind === 'LiteralDefault' ? 'default' : h.kind === 'LiteralRegex' ? `/${h.pattern}/` : undefined;
              if (key === undefined) continue;
              const first = this.nodes.find((n) => n.node.hostMatches.some((x) => (x.kind === 'LiteralString' ? x.value.toLowerCase() : x.kind === 'LiteralDefault' ? 'default' : x.kind === 'LiteralRegex' ? `/${x.pattern}/` : undefined) === key));
              once('node', key, e, first);
            }
            this.nodes.push({ node: e, file, name: '' });
            break;
          }
          default:
            break;
        }
      }
    };
    visit(file.program.body, '');
  }

  /** The folder of a module on the modulepath, or undefined. */
  moduleDir(name: string): string | undefined {
    if (!this.moduleDirs.has(name)) {
      let found: string | null = null;
      for (const dir of this.env.modulepath) {
        const p = join(dir, name);
        if (existsSync(p) && statSync(p).isDirectory()) {
          found = p;
          break;
        }
      }
      this.moduleDirs.set(name, found);
    }
    return this.moduleDirs.get(name) ?? undefined;
  }

  /** The module a file belongs to: the folder under a modulepath entry. */
  moduleOfPath(path: string): string | undefined {
    for (const dir of this.env.modulepath) {
      const rel = relative(dir, path);
      if (!rel.startsWith('..') && !rel.startsWith(sep) && rel.includes(sep)) return rel.split(sep)[0];
    }
    return undefined;
  }

  /**
   * Puppet's autoload: for `a::b::c` it tries a/manifests/b/c.pp, then a/manifests/b.pp, then
   * a/manifests/init.pp, and takes the definition from whichever file holds it.
   */
  private autoload<T>(name: string, registry: Map<string, T>, subdir: 'manifests' | 'functions' | 'types'): T | undefined {
    const hit = registry.get(name);
    if (hit) return hit;
    const segments = name.split('::');
    const module = segments[0];
    const dir = this.moduleDir(module);
    if (!dir) return undefined;
    const candidates: string[] = [];
    if (subdir === 'manifests') {
      for (let n = segments.length; n >= 1; n--) {
        const rest = segments.slice(1, n);
        candidates.push(rest.length ? join(dir, 'manifests', ...rest.slice(0, -1), `${rest[rest.length - 1]}.pp`) : join(dir, 'manifests', 'init.pp'));
      }
    } else if (segments.length >= 2) {
      const rest = segments.slice(1);
      candidates.push(join(dir, subdir, ...rest.slice(0, -1), `${rest[rest.length - 1]}.pp`));
    }
    for (const c of candidates) {
      // Remembered for the compilation: a name that is no file (the apache site asks for a
      // type alias `apache::mod` 65 times) is looked for once.
      let exists = this.fileExists.get(c);
      if (exists === undefined) this.fileExists.set(c, (exists = existsSync(c)));
      if (!exists) continue;
      this.load(c);
      const found = registry.get(name);
      if (found) return found;
    }
    return undefined;
  }

  findClass(name: string): ClassDefinition | undefined {
    return this.autoload(normalizeName(name), this.classes, 'manifests');
  }

  findDefine(name: string): DefineDefinition | undefined {
    return this.autoload(normalizeName(name), this.defines, 'manifests');
  }

  findFunction(name: string): FunctionDef | undefined {
    const n = normalizeName(name);
    const found = this.autoload(n, this.functions, 'functions');
    if (found || !this.env.directory) return found;
    // The environment's own functions: `environment::x` (and plain `x`) in <env>/functions/.
    const local = n.replace(/^environment::/, '');
    if (local.includes('::')) return undefined;
    for (const c of [join(this.env.directory, 'functions', `${local}.pp`), join(this.env.directory, 'functions', 'environment', `${local}.pp`)]) {
      if (!existsSync(c)) continue;
      this.load(c);
      const hit = this.functions.get(n);
      if (hit) return hit;
    }
    return undefined;
  }

  findTypeAlias(name: string): TypeAliasDef | undefined {
    return this.autoload(normalizeName(name), this.typeAliases, 'types');
  }

  /** A digest of every file this loader read, in path order: the code's version. */
  codeDigest(): string {
    const h = createHash('sha256');
    const seen = new Map<string, string>(this.texts);
    for (const f of this.files.values()) if (!seen.has(f.path)) seen.set(f.path, f.lineMap.text);
    for (const path of [...seen.keys()].sort()) h.update(path).update('\0').update(seen.get(path)!).update('\0');
    return h.digest('hex').slice(0, 16);
  }

  /** A file's text, read once per compilation (templates are rendered many times). */
  readText(path: string): string {
    let t = this.texts.get(path);
    if (t === undefined) this.texts.set(path, (t = readFileSync(path, 'utf8')));
    return t;
  }

  /** `mod/path` → modules/mod/<subdir>/path (templates for epp(), files for file()). */
  moduleFile(spec: string, subdir: 'templates' | 'files'): string | undefined {
    // Remembered by name: a template rendered for every instance of a define is looked up each time.
    const key = `${subdir}\0${spec}`;
    if (this.moduleFiles.has(key)) return this.moduleFiles.get(key);
    const found = this.findModuleFile(spec, subdir);
    this.moduleFiles.set(key, found);
    return found;
  }

  private readonly moduleFiles = new Map<string, string | undefined>();

  private findModuleFile(spec: string, subdir: 'templates' | 'files'): string | undefined {
    const slash = spec.indexOf('/');
    if (slash <= 0) return undefined;
    const dir = this.moduleDir(spec.slice(0, slash));
    if (!dir) return undefined;
    const p = join(dir, subdir, spec.slice(slash + 1));
    let known = this.fileExists.get(p);
    if (known === undefined) this.fileExists.set(p, (known = existsSync(p)));
    return known ? p : undefined;
  }

  private readonly customTypes = new Map<string, string | null>();
  private readonly fileExists = new Map<string, boolean>();
  private readonly texts = new Map<string, string>();

  /**
   * A resource type a module ships in Ruby (lib/puppet/type/NAME.rb, e.g. concat_fragment):
   * Kasper cannot run Ruby, but knows the type exists, so declaring it compiles.
   */
  customTypeExists(name: string): boolean {
    return this.customTypeFile(name) !== undefined;
  }

  /** The file a module's resource type is defined in (Ruby, or Kasper's own TypeScript). */
  customTypeFile(name: string): string | undefined {
    const n = normalizeName(name);
    if (this.customTypes.has(n)) return this.customTypes.get(n) ?? undefined;
    let found: string | null = null;
    for (const dir of this.env.modulepath) {
      if (!existsSync(dir)) continue;
      for (const mod of readdirSync(dir)) {
        // A Ruby type (Puppet's) or a Kasper type shipped in the module's lib/kasper/types.
        const candidates = [join(dir, mod, 'lib', 'puppet', 'type', `${n}.rb`),
          ...['ts', 'js', 'mjs'].map((ext) => join(dir, mod, 'lib', 'kasper', 'types', `${n}.${ext}`))];
        const p = candidates.find((c) => existsSync(c));
        if (p) {
          found = p;
          break;
        }
      }
      if (found) break;
    }
    this.customTypes.set(n, found);
    return found ?? undefined;
  }

  /**
   * The namevar of a Ruby type from a module, read from its source (`newparam(:path,
   * namevar: true)` or `isnamevar`); `name` when it declares none.
   */
  customTypeNamevar(name: string): string {
    // Once per type and compilation (it was read again for each of its resources).
    const n = normalizeName(name);
    let namevar = this.customNamevars.get(n);
    if (namevar !== undefined) return namevar;
    const file = this.customTypeFile(name);
    namevar = 'name';
    if (file) {
      const src = readFileSync(file, 'utf8');
      const m = /newparam\(\s*:(\w+)\s*,\s*(?::namevar\s*=>|namevar:)\s*true/.exec(src) ??
        /newparam\(\s*:(\w+)[^)]*\)\s*do(?:(?!newparam)[\s\S])*?\bisnamevar\b/.exec(src);
      if (m) namevar = m[1];
    }
    this.customNamevars.set(n, namevar);
    return namevar;
  }

  private readonly customNamevars = new Map<string, string>();

  /** All Puppet definitions named in a module's files, e.g. for listing. */
  static moduleNameOf(dir: string): string {
    return basename(dir);
  }
}

/**
 * Parsed sources shared by every compilation in the process: a master or `kasper diff` compiles
 * many nodes from the same code, and parsing is the largest part of a cold compile. An entry is
 * reused only while the file's text is unchanged. A text not parsed yet in this process may come
 * from the disk cache of parsed files (ast-cache.ts), filled by earlier commands.
 */
const parseCache = new Map<string, { text: string; result: ParseResult; used: boolean }>();

export function parseCached(text: string, path: string): ParseResult {
  return parseInto(text, path, true);
}

/** `used`: a compile asked for it (not only readAhead). */
function parseInto(text: string, path: string, used: boolean): ParseResult {
  const hit = parseCache.get(path);
  if (hit && hit.text === text) {
    if (used) hit.used = true;
    return hit.result;
  }
  const result = parseSourceCached(text, path);
  parseCache.set(path, { text, result, used });
  return result;
}

/** The files compiles in this process parsed (manifests and EPP templates, by path), oldest first. */
export function parsedFiles(): string[] {
  return [...parseCache].filter(([, e]) => e.used).map(([path]) => path);
}

/**
 * Parses these files now, into the process's parse cache (from the disk cache of parsed files
 * when it has them): for a command that waits for something else first (the embedded Ruby's
 * early start) and knows which files its compile read last time. Only absolute paths to `.pp` and
 * `.epp` files, at most MAX_READ_AHEAD; a file that is gone or does not parse is left to the
 * compile, which reports it as it would have.
 */
export function readAhead(paths: readonly string[]): number {
  let n = 0;
  for (const path of paths.slice(0, MAX_READ_AHEAD)) {
    if (!isAbsolute(path) || !(path.endsWith('.pp') || path.endsWith('.epp'))) continue;
    try {
      parseInto(readFileSync(path, 'utf8'), path, false);
      n++;
    } catch {
      // gone or unreadable: the compile reads it (or not) itself
    }
  }
  return n;
}

/** The most files readAhead parses. */
export const MAX_READ_AHEAD = 4000;

export function normalizeName(name: string): string {
  return name.replace(/^::/, '').toLowerCase();
}

function qualify(name: string, prefix: string): string {
  const n = normalizeName(name);
  if (!prefix || n.includes('::')) return n;
  return `${prefix}::${n}`;
}

/** Offsets to line and column in a source file. */
export function locate(file: SourceFile, offset: number): { file: string; line: number; column: number } {
  const p = file.lineMap.position(offset);
  return { file: file.path, line: p.line, column: p.column };
}

