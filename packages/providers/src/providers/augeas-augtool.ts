// augeas `augtool`: Puppet's augeas provider done with Debian's augtool. Whether to run: the
// onlyif query (get, match, values) holds, and the changes saved as FILE.augnew (removed at
// once) would change a file, unless force. Running: the changes again, saved over the files.
import { rmSync } from 'node:fs';
import { asBool, asString, type Provider, type ProviderContext, type Resource } from '../api.ts';
import { raise } from '../messages.ts';
import { parseCommands } from '../types/augeas.ts';

const quote = (s: string) => `"${s.replace(/\\(?!["\\])/g, '\\\\').replace(/"/g, '\\"')}"`;

/** augtool's arguments and the lines that load what the resource names. */
function preamble(r: Resource): { args: string[]; lines: string[] } {
  const args = ['-r', asString(r.params.root) ?? '/'];
  for (const dir of (asString(r.params.load_path) ?? '').split(':').filter(Boolean)) args.push('-I', dir);
  if (asBool(r.params.type_check, false)) args.push('-c');
  const lines: string[] = [];
  if (r.params.incl !== undefined) {
    args.push('-A');
    lines.push(`set /augeas/load/Xfm/lens ${quote(String(r.params.lens))}`, `set /augeas/load/Xfm/incl ${quote(String(r.params.incl))}`, 'load');
    return { args, lines };
  }
  // A context under /files loads only the lenses for files there (as Puppet does): much faster.
  const context = asString(r.params.context) ?? '';
  if (/^\/files\/[^'"[\]]+$/.test(context)) {
    const dir = context.replace(/^\/files(.*?)\/?$/, '$1/');
    args.push('-L');
    lines.push(`rm "/augeas/load/*['${dir}' !~ glob(incl) + regexp('/.*')]"`, 'load');
  }
  return { args, lines };
}

/** A command as augtool reads it (Puppet's aliases to augtool's names). */
function line(cmd: string[]): string {
  const [c, ...a] = cmd;
  const name = ({ remove: 'rm', move: 'mv', insert: 'ins' } as Record<string, string>)[c] ?? c;
  return [name, ...a.map(quote)].join(' ');
}

async function augtool(r: Resource, ctx: ProviderContext, lines: string[]): Promise<string[]> {
  const pre = preamble(r);
  const res = await ctx.exec.run('augtool', pre.args, { input: [...pre.lines, ...lines, ''].join('\n') });
  const errors = `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => /^error:|Failed|unmatched|Unknown command/.test(l));
  if (res.exitCode !== 0 || errors.length) throw raise('KSP-PROVIDERS-053', { ref: r.ref, reason: `${res.stderr}${res.stdout}`.trim().split('\n').slice(-3).join('; ') });
  // The preamble's rm reports how many load entries it dropped: not an answer to the query.
  return res.stdout.split('\n').filter((l) => l && !l.startsWith('rm : /augeas/load/'));
}

/** `PATH = VALUE` lines as [path, value]; `(no matches)` as none. */
function matches(out: string[]): [string, string | undefined][] {
  return out.filter((l) => !/^\s*\(no matches\)/.test(l)).map((l) => {
    const i = l.indexOf(' = ');
    return i < 0 ? [l.replace(/ \((o|none)\)$/, ''), undefined] : [l.slice(0, i), l.slice(i + 3)];
  });
}

/** Puppet's list literal in onlyif: `['a', "b"]`. */
function listLiteral(s: string): string[] {
  return [...s.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]);
}

function compare(a: string, op: string, b: string): boolean {
  const numeric = /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b);
  const [x, y]: [string | number, string | number] = numeric ? [Number(a), Number(b)] : [a, b];
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '=~': return new RegExp(b).test(a);
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

async function onlyif(r: Resource, ctx: ProviderContext): Promise<boolean> {
  if (r.params.onlyif === undefined || r.params.onlyif === '') return true;
  const [cmd, path, ...rest] = parseCommands(r, r.params.onlyif)[0];
  if (cmd === 'get') {
    const [[, value]] = matches(await augtool(r, ctx, [`get ${quote(path)}`]));
    return value !== undefined && compare(value, rest[0], rest[1]);
  }
  if (cmd !== 'match' && cmd !== 'values') return true;
  const found = matches(await augtool(r, ctx, [`match ${quote(path)}`]));
  const items = cmd === 'match' ? found.map(([p]) => p) : found.map(([, v]) => v ?? '');
  const glob = rest[0].trim();
  const m = /^(size|include|not_include|==|!=)\s*(.*)$/.exec(glob);
  if (!m) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line: String(r.params.onlyif), reason: `invalid ${cmd} condition` });
  const [, op, arg] = m;
  switch (op) {
    case 'size': {
      const c = /^(==|!=|<=|>=|<|>)\s*(\d+)$/.exec(arg);
      if (!c) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line: String(r.params.onlyif), reason: 'invalid size comparison' });
      return compare(String(items.length), c[1], c[2]);
    }
    case 'include': return items.includes(arg.replace(/^['"]|['"]$/g, ''));
    case 'not_include': return !items.includes(arg.replace(/^['"]|['"]$/g, ''));
    case '==': return JSON.stringify(items) === JSON.stringify(listLiteral(arg));
    default: return JSON.stringify(items) !== JSON.stringify(listLiteral(arg));
  }
}

const changeLines = (r: Resource) => parseCommands(r, r.params.changes).map(line);

export const augeasAugtool: Provider = {
  name: 'augeas',
  type: 'augeas',
  commands: ['augtool'],
  suitable: (host) => host.hasCommand('augtool'),
  isDefault: () => true,
  async retrieve(r, ctx) {
    if (!(await onlyif(r, ctx))) return { returns: 0 };
    if (asBool(r.params.force, false)) return { returns: 'need_to_run' };
    // Saved beside each file as .augnew, to see whether anything would change; removed at once.
    const out = await augtool(r, ctx, ['set /augeas/save newfile', ...changeLines(r), 'save', 'match /augeas/events/saved']);
    const root = (asString(r.params.root) ?? '/').replace(/\/$/, '');
    const saved = matches(out.filter((l) => l.startsWith('/augeas/events/saved'))).map(([, v]) => `${root}${String(v).replace(/^\/files/, '')}`);
    for (const f of saved) rmSync(`${f}.augnew`, { force: true });
    return { returns: saved.length ? 'need_to_run' : 0 };
  },
  async sync(r, _changes, ctx) {
    await augtool(r, ctx, [...changeLines(r), 'save']);
  },
};
