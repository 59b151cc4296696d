// docs/errors.md, generated from the catalogues: one section per package, a table of codes,
// what each means (its message) and what to do.
import type { Catalogue } from './catalogue.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function errorsMarkdown(catalogues: Catalogue[], preamble: string): string {
  const parts = [preamble.trimEnd(), ''];
  for (const c of catalogues) {
    parts.push(`## ${c.title}`, '', c.intro.trim(), '', '| code | message | what to do |', '|---|---|---|');
    for (const [code, def] of Object.entries(c.messages).sort(([a], [b]) => a.localeCompare(b))) {
      parts.push(`| ${code}${def.severity === 'warning' ? ' (warning)' : ''} | ${cell(def.message)} | ${cell(def.hint)} |`);
    }
    parts.push('');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
