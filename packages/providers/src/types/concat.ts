// concat_file and concat_fragment (puppetlabs-concat): a file made of fragments. As in concat,
// the concat_file stands for a file resource it generates before the run — its content the
// fragments that name it (target => its path or title, or its tag), sorted by order then name —
// so the file is compared, synced, backed up, validated (validate_cmd) and reported as any file.
// The fragments themselves manage nothing.
import { readFileSync } from 'node:fs';
import { METAPARAMETERS } from '@kasper/catalog';
import { asBool, asList, asString, type GeneratedResource, type Provider, type ProviderContext, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

/** concat's numeric order: `order___name`, each part a number when it is digits; numbers before text. */
function decompound(key: string): (number | string)[] {
  return key.split('___', 2).map((v) => (/^\d+$/.test(v) ? Number(v) : v));
}

function compareParts(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x - y;
    } else if (typeof x === 'number') return -1;
    else if (typeof y === 'number') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

async function fragmentContent(f: Resource, ctx: ProviderContext): Promise<string> {
  if (f.params.content !== undefined) return String(f.params.content);
  const sources = asList(f.params.source).map(String);
  for (const s of sources) {
    if (s.startsWith('puppet:')) {
      const b = await ctx.readSource?.(s);
      if (b) return b.toString('utf8');
    } else {
      const path = s.replace(/^file:\/\//, '');
      try {
        return readFileSync(path, 'utf8');
      } catch {
        // the next source
      }
    }
  }
  throw raise('KSP-PROVIDERS-108', { sources: sources.join(', ') });
}

/** What the file is made of: the fragments for this concat_file in concat's order. */
export async function concatContent(file: Resource, all: Resource[], ctx: ProviderContext): Promise<string> {
  const path = asString(file.params.path) ?? file.title;
  const tag = asString(file.params.tag);
  const fragments = all.filter((f) => f.type === 'concat_fragment' && (asString(f.params.target) === path || asString(f.params.target) === file.title
    || (tag !== undefined && asString(f.params.tag) === tag)));
  const parts: { key: string; order: string; name: string; text: string }[] = [];
  const newline = asBool(file.params.ensure_newline, false);
  for (const f of fragments) {
    const order = String(f.params.order ?? '10');
    let text = await fragmentContent(f, ctx);
    if (newline && !/\n$/.test(text)) text += '\n';
    parts.push({ key: `${order}___${f.name}`, order, name: f.name, text });
  }
  if ((asString(file.params.order) ?? 'numeric') === 'numeric') parts.sort((a, b) => compareParts(decompound(a.key), decompound(b.key)));
  else parts.sort((a, b) => (a.order === b.order ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.order < b.order ? -1 : 1));
  return parts.map((p) => p.text).join('');
}

/** The file's parameters a concat_file passes on, as concat's generate does. */
const PASSED = ['owner', 'group', 'mode', 'replace', 'backup', 'validate_cmd', 'show_diff', 'selinux_ignore_defaults', 'selrange', 'selrole', 'seltype', 'seluser'];
/** Metaparameters the generated file does not take: it is ordered through the concat_file. */
const NOT_PASSED = new Set(['before', 'notify', 'require', 'subscribe', 'tag']);

export const concatFileType: TypeDefinition = {
  name: 'concat_file',
  namevar: 'path',
  properties: [],
  parameters: ['path', 'tag', 'ensure', 'order', 'ensure_newline', 'format', 'force', 'provider', ...PASSED],
  validate(r) {
    if (!r.name.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path: r.name });
    const e = asString(r.params.ensure) ?? 'present';
    if (!['present', 'absent'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
    const o = asString(r.params.order) ?? 'numeric';
    if (!['numeric', 'alpha'].includes(o)) throw raise('KSP-PROVIDERS-001', { parameter: 'order', ref: r.ref, value: o, values: 'alpha, numeric' });
    const fmt = asString(r.params.format) ?? 'plain';
    if (fmt !== 'plain') throw raise('KSP-PROVIDERS-109', { ref: r.ref, format: fmt });
  },
  async generate(r, all, ctx): Promise<GeneratedResource[]> {
    concatFileType.validate!(r);
    const absent = (asString(r.params.ensure) ?? 'present') === 'absent';
    const params: Record<string, unknown> = { path: r.name, ensure: absent ? 'absent' : 'file' };
    for (const k of PASSED) if (r.params[k] !== undefined) params[k] = r.params[k];
    for (const k of METAPARAMETERS) if (r.params[k] !== undefined && !NOT_PASSED.has(k)) params[k] = r.params[k];
    if (!absent) params.content = await concatContent(r, all, ctx);
    return [{ type: 'File', title: r.name, params }];
  },
};

export const concatFragmentType: TypeDefinition = {
  name: 'concat_fragment',
  namevar: 'name',
  properties: [],
  parameters: ['name', 'target', 'content', 'source', 'order', 'tag', 'provider'],
  validate(r) {
    const p = r.params;
    if (p.target === undefined && p.tag === undefined) throw raise('KSP-PROVIDERS-110', { ref: r.ref, problem: "No 'target' or 'tag' set" });
    if (p.source === undefined && p.content === undefined) throw raise('KSP-PROVIDERS-110', { ref: r.ref, problem: "Set either 'source' or 'content'" });
    if (p.source !== undefined && p.content !== undefined) throw raise('KSP-PROVIDERS-110', { ref: r.ref, problem: "Can't use 'source' and 'content' at the same time" });
    if (/[:\n/]/.test(String(p.order ?? ''))) throw raise('KSP-PROVIDERS-110', { ref: r.ref, problem: "Order cannot contain '/', ':', or '\\n'." });
  },
};

/** Both types' provider: the work is the generated file's. */
function nothing(type: string): Provider {
  return {
    name: 'ruby',
    type,
    suitable: () => true,
    isDefault: () => true,
    async retrieve() {
      return {};
    },
    async sync() {},
  };
}

export const concatFileProvider = nothing('concat_file');
export const concatFragmentProvider = nothing('concat_fragment');
