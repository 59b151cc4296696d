// augeas: changes to configuration files through Augeas' tree (Debian's augtool), as Puppet's
// augeas type: `changes` run when `onlyif` holds and they would change a file; `context`
// prefixes relative paths; `incl` with `lens` loads only that file. Its one property, `returns`,
// is out of sync when the changes need to run ("executed successfully").
import { asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

/** Commands and their arguments' kinds, as Puppet's augeas provider takes them. */
const COMMANDS: Record<string, string[]> = {
  set: ['path', 'string'], setm: ['path', 'string', 'string'], rm: ['path'], remove: ['path'], clear: ['path'],
  clearm: ['path', 'string'], touch: ['path'], mv: ['path', 'path'], move: ['path', 'path'], rename: ['path', 'string'],
  insert: ['string', 'string', 'path'], ins: ['string', 'string', 'path'], get: ['path', 'comparator', 'string'],
  values: ['path', 'glob'], defvar: ['string', 'path'], defnode: ['string', 'path', 'string'], match: ['path', 'glob'],
};

/** Puppet's command lines as [command, ...arguments], relative paths under the context. */
export function parseCommands(r: Resource, data: unknown): string[][] {
  let context = asString(r.params.context) ?? '';
  if (context && !context.endsWith('/')) context += '/';
  const lines = asList(data).flatMap((d) => String(d).split('\n')).map((l) => l.trim()).filter(Boolean);
  return lines.map((line) => {
    let pos = 0;
    const skipSpace = () => { while (pos < line.length && /\s/.test(line[pos])) pos++; };
    const cmd = /^(\w+|==|!=)/.exec(line)?.[1] ?? '';
    const formals = COMMANDS[cmd];
    if (!formals) throw raise('KSP-PROVIDERS-050', { ref: r.ref, command: cmd || line });
    pos = cmd.length;
    const out = [cmd];
    formals.forEach((kind, i) => {
      skipSpace();
      if (kind === 'path') {
        const start = pos;
        let depth = 0;
        let quote = '';
        while (pos < line.length) {
          const ch = line[pos];
          if (ch === '\\') { pos += 2; continue; }
          if (quote) { if (ch === quote) quote = ''; } else if (ch === "'" || ch === '"') quote = ch;
          else if (ch === '[') depth++;
          else if (ch === ']') { depth--; if (depth < 0) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line, reason: 'unmatched [' }); }
          else if (/\s/.test(ch) && depth === 0) break;
          pos++;
        }
        let p = line.slice(start, pos);
        if (!p) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line, reason: `missing path argument ${i + 1} for ${cmd}` });
        if (/^['"]/.test(p)) p = p.slice(1, -1);
        p = p.replace(/\/$/, '');
        out.push(p.startsWith('$') || p.startsWith('/') ? p : context + p);
      } else if (kind === 'string') {
        const delim = line[pos];
        if (delim === "'" || delim === '"') {
          pos++;
          let s = '';
          while (pos < line.length && line[pos] !== delim) {
            if (line[pos] === '\\' && line[pos + 1] === delim) { s += delim; pos += 2; continue; }
            if (line[pos] === '\\') { s += line.slice(pos, pos + 2); pos += 2; continue; }
            s += line[pos++];
          }
          pos++;
          out.push(s);
        } else {
          const m = /^\S+/.exec(line.slice(pos));
          if (!m) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line, reason: `missing string argument ${i + 1} for ${cmd}` });
          out.push(m[0]);
          pos += m[0].length;
        }
      } else if (kind === 'comparator') {
        const m = /^(==|!=|=~|<=|>=|<|>)/.exec(line.slice(pos));
        if (!m) throw raise('KSP-PROVIDERS-051', { ref: r.ref, line, reason: `invalid comparator for command ${cmd}` });
        out.push(m[1]);
        pos += m[1].length;
      } else {
        out.push(line.slice(pos));
        pos = line.length;
      }
    });
    return out;
  });
}

export const augeasType: TypeDefinition = {
  name: 'augeas',
  namevar: 'name',
  properties: [{
    name: 'returns',
    insync: (is, should) => String(is) === String(should),
    show: (v, side) => (side === 'should' ? String(v) : `'${String(v)}'`),
    message: () => 'executed successfully',
  }],
  parameters: ['name', 'context', 'onlyif', 'changes', 'root', 'load_path', 'force', 'type_check', 'lens', 'incl', 'show_diff'],
  validate(r) {
    if ((r.params.lens === undefined) !== (r.params.incl === undefined)) throw raise('KSP-PROVIDERS-052', { ref: r.ref });
    parseCommands(r, r.params.changes);
    if (r.params.onlyif !== undefined) parseCommands(r, r.params.onlyif);
  },
  desired: () => ({ returns: 0 }),
};
