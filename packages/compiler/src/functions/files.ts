// Puppet's core functions that find things on the modulepath or the master's disk: find_file,
// find_template, module_directory, binary_file, generate, and digest (of a string, with
// Puppet 7's default digest_algorithm, sha256).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PBinary, type Value } from '../values.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { argumentError, fn, parseType, type BuiltinFunction } from './signature.ts';

const STRINGS = parseType('Variant[String, Array[String]]');

/** The names given as strings or one array of strings (`find_file('a', 'b')`, `find_file(['a', 'b'])`). */
function names(ctx: CallContext, args: Value[], param: string): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (typeof a === 'string') out.push(a);
    else if (Array.isArray(a) && a.every((x) => typeof x === 'string')) out.push(...(a as string[]));
    else throw argumentError(ctx, param, STRINGS, a);
  }
  return out;
}

/** A path as Puppet's Files.find_file/find_template resolve it: absolute, or `module/rest`. */
function resolve(ctx: CallContext, spec: string, subdir: 'files' | 'templates'): string | undefined {
  const path = spec.startsWith('/') ? spec : ctx.moduleFile(spec, subdir);
  return path !== undefined && existsSync(path) ? path : undefined;
}

const finder = (subdir: 'files' | 'templates'): PuppetFunction => (ctx, args) => {
  for (const spec of names(ctx, args, 'paths')) {
    const found = resolve(ctx, spec, subdir);
    if (found) return found;
  }
  return undefined;
};

const moduleDirectory: PuppetFunction = (ctx, args) => {
  for (const name of names(ctx, args, 'names')) {
    const dir = ctx.moduleDirectory(name);
    if (dir) return dir;
  }
  return undefined;
};

const binaryFile: PuppetFunction = (ctx, args) => {
  const spec = args[0] as string;
  const path = resolve(ctx, spec, 'files');
  if (!path) throw ctx.error('KSP-FUNC-049', { path: spec });
  return new PBinary(new Uint8Array(readFileSync(path)));
};

/**
 * generate(command, *args): runs a command on the machine that compiles, in the command's
 * folder, and answers its output (stdout and stderr together, as Puppet's execute does).
 */
const generate: PuppetFunction = (ctx, args) => {
  const [command, ...rest] = args.map((a) => String(a ?? ''));
  if (!command.startsWith('/')) throw ctx.error('KSP-FUNC-050', { reason: 'Generators must be fully qualified' });
  if (!/^[-/\w.+]+$/.test(command)) throw ctx.error('KSP-FUNC-050', { reason: 'Generators can only contain alphanumerics, file separators, and dashes' });
  if (command.includes('..')) throw ctx.error('KSP-FUNC-050', { reason: "Can not use generators with '..' in them." });
  try {
    // node:child_process is loaded here, on a generator's first call: loading it (with net, dgram
    // and their helpers) cost every compile ~2–4 ms of the main thread for a function few use.
    const { execFileSync } = process.getBuiltinModule('node:child_process');
    return execFileSync(command, rest, { cwd: dirname(command), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number | null; stdout?: string; stderr?: string; message: string };
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    const detail = err.status != null ? `Execution of '${[command, ...rest].join(' ')}' returned ${err.status}: ${output}` : err.message;
    throw ctx.error('KSP-FUNC-050', { reason: `Failed to execute generator ${command}: ${detail}` });
  }
};

const digest: PuppetFunction = (_ctx, args) => createHash('sha256').update(String(args[0] ?? '')).digest('hex');

export const FILE_FUNCTIONS: BuiltinFunction[] = [
  fn('find_file', 'Any *paths', 'Optional[String]', finder('files')),
  fn('find_template', 'Any *paths', 'Optional[String]', finder('templates')),
  fn('module_directory', 'Any *names', 'Optional[String]', moduleDirectory),
  fn('binary_file', 'String path', 'Binary', binaryFile),
  fn('generate', 'String command, Any *args', 'String', generate),
  fn('digest', 'Any value', 'String', digest),
];
