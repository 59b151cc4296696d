// ERB templates, rendered as Puppet 7 renders them (template(), inline_template()): Ruby's ERB
// with trim mode '-', the scope's variables as instance variables, `scope` for the rest.
//
// Puppet binds every visible variable before rendering. Converting them all (facts included)
// for every template would cost more than the rendering, so Kasper binds the ones the template
// names (`@name` anywhere in its text); a template that reaches variables by other means
// (instance_variables, instance_variable_get, binding) gets them all, as under Puppet.
import { join } from 'node:path';
import { cacheFolder, cacheVersion, keepIseq, readIseq, sha256, type IseqEntry } from './disk-cache.ts';
import { patch } from './wire.ts';
import { RubyError } from './errors.ts';
import { scopeContext, type RubyScope } from './scope.ts';
import type { PuppetValue } from './values.ts';
import { loadRubySync } from './vm.ts';

export interface ErbOptions {
  /** The template's file; leave it out for inline_template. */
  file?: string;
  /** How the manifest named the template (`mod/x.erb`), for messages; default the file. */
  name?: string;
  scope: RubyScope;
}

const DYNAMIC = /\binstance_variables\b|\binstance_variable_get\b|\bbinding\b|\binstance_eval\b/;
const IVAR = /@([A-Za-z_][A-Za-z0-9_]*)/g;

/** Per template text: the instance variables it names, or 'all' when it reads them dynamically. */
const namesBySource = new Map<string, string[] | 'all'>();
const NAMES_KEPT = 2000;

function namesRead(source: string): string[] | 'all' {
  let names = namesBySource.get(source);
  if (names === undefined) {
    names = DYNAMIC.test(source) ? 'all' : [...new Set([...source.matchAll(IVAR)].map((m) => m[1]))];
    // A long-running master meets a bounded set of template files; inline templates built from
    // data could grow it without end, so the memo starts again past a bound.
    if (namesBySource.size >= NAMES_KEPT) namesBySource.clear();
    namesBySource.set(source, names);
  }
  return names;
}

/** The variables a template reads as instance variables. */
export function templateVariables(source: string, scope: RubyScope): Map<string, PuppetValue> {
  const vars = new Map<string, PuppetValue>();
  const read = namesRead(source);
  const names = read === 'all' ? scope.variables() : read;
  for (const name of names) {
    if (name === '__scope__' || name === '__file__' || vars.has(name)) continue;
    const v = scope.lookup(name);
    if (v !== undefined) vars.set(name, v);
  }
  return vars;
}

/**
 * Template files' compiled code kept in the user's cache (`templates/`): Ruby's instruction
 * sequence for the template's method, as binary, so that a later process skips ERB's translation
 * and Ruby's parsing. An entry is named by the template's file and holds the digest of the text
 * it was compiled from; it is used only for that text, with the same Ruby and shim
 * (cacheVersion()). Inline templates are compiled in each process, not kept.
 */
interface TemplateCache extends IseqEntry {
  /** The template's method name in Ruby. */
  name: string;
}

const MAGIC = 'kasper-ruby-template-1';
/**
 * Template files this process has handed to Ruby: by file, each text's method name in Ruby. A
 * text Ruby has is rendered by that name alone: its source is not sent, parsed from the request
 * and hashed again for every rendering.
 */
const compiled = new Map<string, Map<string, string>>();
let compiledCount = 0;
/** What this process did, for tests and benchmarks. */
export const templateCacheStats = { hits: 0, misses: 0, written: 0, byName: 0 };

/** A template file's method name in Ruby, if this process has handed Ruby that text. */
function knownTemplate(source: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : compiled.get(file)?.get(source);
}

function templateCache(source: string, file: string | undefined): TemplateCache | undefined {
  if (file === undefined) return undefined;
  // A long-running master meets changed templates: the memo starts again past a bound (as Ruby's
  // own table of compiled templates does), rather than keep every text it ever saw.
  if (++compiledCount > NAMES_KEPT) {
    compiled.clear();
    compiledCount = 1;
  }
  const key = sha256(`${MAGIC}\0${cacheVersion()}\0${file}`);
  const digest = sha256(source);
  const name = `__kasper_template_${sha256(`${key}\0${digest}`).slice(0, 32)}`;
  let texts = compiled.get(file);
  if (!texts) compiled.set(file, (texts = new Map()));
  texts.set(source, name);
  const dir = process.env.KASPER_RUBY_TEMPLATE_CACHE === '0' ? undefined : cacheFolder('templates');
  const entry: TemplateCache = { file: dir ? join(dir, `${key.slice(0, 40)}.json`) : '', key, source: digest, name };
  if (!dir) return entry;
  entry.iseq = readIseq(MAGIC, entry);
  if (entry.iseq) templateCacheStats.hits++;
  else templateCacheStats.misses++;
  return entry;
}

/**
 * Renders ERB. Throws a RubyError naming the template and line when the template fails, worded
 * as Puppet words it ("Failed to parse template mod/x.erb: ...").
 */
export function renderErb(source: string, options: ErbOptions): string {
  // A template with no tag renders as its text (ERB's compiled method only appends it; with trim
  // mode '-', lines are trimmed only next to tags): Ruby is not asked, nor started for it. 24 of
  // the 234 renderings of the ERB benchmark's apache site (_serversignature.erb and the like).
  if (!source.includes('<%')) return source;
  const vm = loadRubySync();
  const { scope, file } = options;
  const vars = templateVariables(source, scope);
  // (Encoded for each call: host objects' handles last one call.)
  const common = () => {
    const enc = vm.encode(vars);
    return `"file":${file === undefined ? 'null' : JSON.stringify(file)},"vars":${enc.text},"special":${enc.special}`;
  };
  // The output alone when the template changed nothing it was given (vm.ts: text answers).
  let result: Map<string, unknown> | string;
  try {
    const ctx = scopeContext(vm, scope);
    const known = knownTemplate(source, file);
    result = known === undefined ? new Map() : (vm.call('erb', `"method":${JSON.stringify(known)},${common()}`, ctx, file ?? '(erb)') as Map<string, unknown> | string);
    if (known !== undefined && (typeof result === 'string' || result.get('missing') !== true)) templateCacheStats.byName++;
    else {
      // Ruby does not have this text yet (or has forgotten it): the whole template.
      const cache = templateCache(source, file);
      let fields = `"source":${JSON.stringify(source)},${common()}`;
      if (cache) {
        fields += `,"name":${JSON.stringify(cache.name)}`;
        if (cache.file) {
          fields += keepIseq(MAGIC, cache, ctx, 'keep_template', templateCacheStats);
        }
      }
      result = vm.call('erb', fields, ctx, file ?? '(erb)') as Map<string, unknown> | string;
    }
  } catch (e) {
    if (!(e instanceof RubyError)) throw e;
    const where = file ?? '(erb)';
    const line = e.file === where ? e.line : undefined;
    const message = file === undefined
      ? `Failed to parse inline template: ${e.detail}`
      : `Failed to parse template ${options.name ?? file}:\n  Filepath: ${file}\n  Line: ${line ?? '?'}\n  Detail: ${e.detail}\n`;
    throw new RubyError(message, { rubyClass: e.rubyClass, detail: e.detail, file: file ?? e.file, line: line ?? e.line, backtrace: e.backtrace });
  }
  if (typeof result === 'string') return result;
  const changed = result.get('changed') as Map<string, PuppetValue> | undefined;
  if (changed) {
    for (const [name, value] of changed) {
      const before = vars.get(name);
      if (typeof before === 'object' && before !== null && !Object.isFrozen(before) && (Array.isArray(before) || before instanceof Map)) patch(before, value);
      else scope.mutated?.(name, value);
    }
  }
  return result.get('out') as string;
}

/**
 * Checks a template's Ruby without running it: the syntax error (a RubyError naming the file and
 * line), or undefined when it compiles.
 */
export function checkErb(source: string, file?: string): RubyError | undefined {
  const vm = loadRubySync();
  const scope: RubyScope = { lookup: () => undefined, variables: () => [], callFunction: () => undefined };
  try {
    vm.call('check_erb', `"source":${JSON.stringify(source)},"file":${file === undefined ? 'null' : JSON.stringify(file)}`, scopeContext(vm, scope), file ?? '(erb)');
    return undefined;
  } catch (e) {
    if (e instanceof RubyError) return e;
    throw e;
  }
}
