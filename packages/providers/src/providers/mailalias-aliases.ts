// mailalias `aliases`: lines `NAME: a,b,"c d"` or `NAME: :include: FILE` of /etc/aliases (or
// `target`); a recipient with characters other than letters, digits and -+_@. is quoted.
import { asString } from '../api.ts';
import { fileStore, parsedProvider, type Entry } from '../parsedfile.ts';

/** Recipients split at commas outside quotes, quotes removed. */
function recipients(text: string): string[] {
  return (text.match(/(?:"[^"]*"|[^,])+/g) ?? []).map((d) => d.trim().replace(/^['"]|['"]$/g, ''));
}

export const mailaliasAliases = parsedProvider({
  name: 'aliases',
  type: 'mailalias',
  store: (r) => fileStore(asString(r.params.target) ?? '/etc/aliases', 0o644),
  format: {
    id: 'mailalias',
    parse: (lines) => lines.map((line): Entry => {
      const m = /^#|^\s*$/.test(line) ? null : /^([^:]+?)\s*:\s*(.*)$/.exec(line);
      if (!m) return { kind: 'text', text: line };
      const include = /^:include:\s*(.*)$/.exec(m[2].trim());
      return { kind: 'record', name: m[1].trim(), fields: include ? { file: include[1].trim() } : { recipient: recipients(m[2].trim()) } };
    }),
    render(f, name) {
      if (Array.isArray(f.recipient)) return `${name}: ${f.recipient.map((d) => (/[^-+\w@.]/.test(d) ? `"${d}"` : d)).join(',')}`;
      return `${name}: :include: ${f.file}`;
    },
  },
});
