// Module types take Ruby regular expressions as strings (file_line's match and after). Ruby's
// `^` and `$` always match at line boundaries and it knows anchors JavaScript lacks: this turns
// the common Ruby syntax into a JavaScript RegExp and says so clearly when it cannot.
import { raise } from './messages.ts';

export function rubyRegExp(source: string, ref: string, parameter: string): RegExp {
  let flags = 'm';
  let src = source;
  // A leading inline option group: (?i), (?m), (?x) as Ruby spells them.
  const opts = /^\(\?([imx]+)\)/.exec(src);
  if (opts) {
    if (opts[1].includes('i')) flags += 'i';
    if (opts[1].includes('m')) flags += 's'; // Ruby's /m is JavaScript's dotAll
    src = src.slice(opts[0].length);
  }
  src = src
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2(?<![\\s\\S])')
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2(?![\\s\\S])')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2(?=\\n?(?![\\s\\S]))')
    .replace(/(^|[^\\])((?:\\\\)*)\\h/g, '$1$2[0-9a-fA-F]');
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw raise('KSP-PROVIDERS-101', { ref, parameter, value: source, reason: (e as Error).message });
  }
}
