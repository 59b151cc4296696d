// Dotted fields, PuppetDB's way into JSON: `facts.os.family`, `facts."x.y".z` (a quoted name
// may hold dots), `facts.processors.models[0]` (an array index), `trusted.extensions.pp_role`,
// `parameters.ensure`.
import { invalid } from './errors.ts';
import type { PathStep } from './sql.ts';

/** `facts.os.release.major` → { top: 'facts', path: ['os', 'release', 'major'] }; a plain name has an empty path. */
export function parseField(field: string): { top: string; path: PathStep[] } {
  const parts: PathStep[] = [];
  let i = 0;
  const n = field.length;
  const segments: string[] = [];
  while (i <= n) {
    if (field[i] === '"') {
      // A quoted segment ends at a quote followed by a dot or the end.
      let j = i + 1;
      while (j < n && !(field[j] === '"' && field[j - 1] !== '\\' && (j + 1 === n || field[j + 1] === '.'))) j++;
      if (j >= n) throw invalid(`Unterminated quote in field ${JSON.stringify(field)}`);
      segments.push(field.slice(i, j + 1));
      i = j + 2;
    } else {
      let j = field.indexOf('.', i);
      if (j < 0) j = n;
      segments.push(field.slice(i, j));
      i = j + 1;
    }
  }
  const [top, ...rest] = segments;
  for (const seg of rest) {
    if (seg.startsWith('"')) {
      parts.push(seg.slice(1, -1).replace(/\\"/g, '"'));
      continue;
    }
    if (/^match\(/.test(seg)) throw invalid(`match() in dotted fields is not supported: ${JSON.stringify(field)}`);
    const m = /^(.+?)((?:\[\d+\])+)$/.exec(seg);
    if (m) {
      parts.push(m[1]);
      for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
    } else {
      if (seg === '') throw invalid(`Empty segment in field ${JSON.stringify(field)}`);
      parts.push(seg);
    }
  }
  return { top, path: parts };
}
