// Puppet's rules for the files of a module (its checker's file-namespace checks): a class,
// defined type or function in a module's manifests/functions folder must be named for its file
// (`apache::mod::ssl` in apache/manifests/mod/ssl.pp, or a name beginning so), and such a file
// holds definitions only — no resources, calls or assignments at top level. They apply to .pp
// files found under a modulepath folder, not to the environment's own manifest; a .pp file of a
// module outside those folders (examples/, tests/) may hold no definition and no statement.
// Pure path arithmetic: the caller says where the modulepath and the manifest are.
import { relative, resolve, sep } from 'node:path';
import type * as A from './ast.ts';
import { label } from './validator-labels.ts';
import type { ValidationProblem } from './validator.ts';
import { message, type MessageArgs } from './messages.ts';

/** What a file's place says its definitions must be named: nothing, a namespace, or nothing allowed. */
export type FileNamespace = { kind: 'free' } | { kind: 'module'; namespace: string } | { kind: 'misplaced' };

const DEFINITION_FOLDERS = new Set(['manifests', 'functions', 'types', 'plans']);

/**
 * The namespace a file's place gives its definitions: `{kind: 'free'}` for a file that is not a
 * .pp file, is (in) the environment's manifest or is on no modulepath folder; the module's
 * namespace for one in a module's manifests/ (init.pp: the module's name; a/b.pp: `mod::a::b`);
 * `misplaced` for a module's .pp file elsewhere in the module. Names are compared lower-cased.
 */
export function moduleFileNamespace(file: string, modulepath: readonly string[], manifest?: string): FileNamespace {
  if (!file.endsWith('.pp')) return { kind: 'free' };
  const path = resolve(file);
  if (manifest !== undefined && path.startsWith(resolve(manifest))) return { kind: 'free' };
  const root = modulepath.map((d) => resolve(d)).find((d) => path.startsWith(d.endsWith(sep) ? d : d + sep));
  if (root === undefined) return { kind: 'free' };
  const parts = relative(root, path).toLowerCase().split(sep);
  if (parts.length < 3 || !DEFINITION_FOLDERS.has(parts[1])) return { kind: 'misplaced' };
  const names = [parts[0], ...parts.slice(2, -1)];
  const fileName = parts[parts.length - 1];
  if (!(parts.length === 3 && fileName === 'init.pp')) names.push(fileName.slice(0, -'.pp'.length));
  return { kind: 'module', namespace: names.join('::') };
}

const TOP_LEVEL_DEFINITIONS = new Set<A.Node['kind']>(['HostClassDefinition', 'ResourceTypeDefinition', 'FunctionDefinition', 'TypeAlias', 'TypeDefinition']);

/**
 * The problems Puppet finds with a module file's contents for its place (see
 * moduleFileNamespace): statements other than definitions at top level (KSP-VALID-043), and
 * classes, defined types and functions whose names do not begin with the file's namespace
 * (KSP-VALID-044, naming `file` as given). None for a free file.
 */
export function moduleLocationProblems(program: A.Program, file: string, place: FileNamespace): ValidationProblem[] {
  if (place.kind === 'free') return [];
  const out: ValidationProblem[] = [];
  const report = <C extends 'KSP-VALID-043' | 'KSP-VALID-044'>(code: C, node: A.Range, args: MessageArgs<C>) => {
    const m = message(code, args);
    out.push({ code, severity: m.severity, message: m.message, start: node.start, end: node.end });
  };
  for (const s of program.body) {
    if (!TOP_LEVEL_DEFINITIONS.has(s.kind)) report('KSP-VALID-043', s, { what: label(s) });
  }
  // A definition nested in a class is named within it (`class inner` in class foo is foo::inner).
  const named = (body: readonly A.Expression[], prefix: string) => {
    for (const s of body) {
      if (s.kind !== 'HostClassDefinition' && s.kind !== 'ResourceTypeDefinition' && s.kind !== 'FunctionDefinition') continue;
      const bare = s.name.replace(/^::/, '');
      const name = prefix && s.kind !== 'FunctionDefinition' ? `${prefix}::${bare}` : s.name;
      const ok = place.kind === 'module' && name.toLowerCase().startsWith(place.namespace);
      if (!ok) report('KSP-VALID-044', s, { name, file });
      if (s.kind === 'HostClassDefinition') named(s.body, name.replace(/^::/, ''));
    }
  };
  named(program.body, '');
  return out.sort((a, b) => a.start - b.start);
}

