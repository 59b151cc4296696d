// host `parsed`: records of /etc/hosts (or `target`), as Puppet's host provider writes them:
// `IP<TAB>NAME[<TAB>ALIASES][<TAB># COMMENT]`.
import { asString } from '../api.ts';
import { HEADER, fileStore, parsedProvider, type Entry } from '../parsedfile.ts';

// Aliases are lazy up to an optional comment (not `(.*?)?`: JavaScript refuses an empty optional group and would take the comment as aliases).
const RECORD = /^([0-9a-f:]\S+)\s+([^#\s+]\S+)\s*(.*?)(?:\s*#\s*(.*))?$/i;

export const hostParsed = parsedProvider({
  name: 'parsed',
  type: 'host',
  store: (r) => fileStore(asString(r.params.target) ?? '/etc/hosts'),
  format: {
    id: 'host',
    header: () => HEADER('Kasper'),
    parse: (lines) => lines.map((line): Entry => {
      const m = /^#|^\s*$/.test(line) ? null : RECORD.exec(line);
      if (!m) return { kind: 'text', text: line };
      return { kind: 'record', name: m[2], fields: { ip: m[1], ...(m[3]?.trim() ? { host_aliases: m[3].trim().replace(/\s+/g, ' ') } : {}), comment: m[4] ?? '' } };
    }),
    render(f, name) {
      let s = `${f.ip}\t${name}`;
      if (f.host_aliases) s += `\t${f.host_aliases}`;
      if (f.comment) s += `\t# ${f.comment}`;
      return s;
    },
  },
});
