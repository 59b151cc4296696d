// Ruby regular expressions, as Puppet code writes them and catalogs carry them (a Regexp's
// rich data, a module type's `match` parameter), read by JavaScript. Both sides need the same
// reading: the compiler matches with them, the providers (file_line) apply them. Ruby's and
// JavaScript's syntax agree on most; this translates what Puppet code meets that differs.

/** The JavaScript source and flags that match as Ruby's `pattern` does. */
export interface TranslatedRegExp {
  readonly source: string;
  readonly flags: string;
}

/**
 * Translates Ruby regexp syntax to JavaScript's: `^` and `$` at every line boundary (Ruby's
 * only way, JavaScript's `m` flag), a leading inline option group `(?i)`, `(?m)` (Ruby's `m` is
 * JavaScript's dotAll `s`), `(?x)` (accepted, not applied), the anchors `\A`, `\z`, `\Z`, the
 * class `\h` (a hex digit) and the POSIX bracket classes (`[[:digit:]]`, ASCII as Ruby's are on
 * ASCII text; a negated one `[[:^digit:]]` is left as written). An anchor or class escape
 * after an escaped backslash (`\\A`) is a backslash and a letter, left alone.
 * `extraFlags` are JavaScript flags to add (`i` for a Ruby Regexp made case-insensitive).
 */
export function translateRubyRegExp(pattern: string, extraFlags = ''): TranslatedRegExp {
  let src = pattern;
  let flags = extraFlags.includes('m') ? extraFlags : `${extraFlags}m`;
  const inline = /^\(\?([imx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1].includes('i') && !flags.includes('i')) flags += 'i';
    if (inline[1].includes('m') && !flags.includes('s')) flags += 's';
  }
  const unescaped = (esc: string) => new RegExp(`(^|[^\\\\])((?:\\\\\\\\)*)\\\\${esc}`, 'g');
  src = src
    .replace(unescaped('A'), '$1$2(?<![\\s\\S])')
    .replace(unescaped('z'), '$1$2(?![\\s\\S])')
    .replace(unescaped('Z'), '$1$2(?=\\n?(?![\\s\\S]))')
    .replace(unescaped('h'), '$1$2[0-9a-fA-F]')
    .replace(/\[:(\^?)(alpha|digit|alnum|upper|lower|space|blank|punct|xdigit|word|cntrl|print|graph):\]/g,
      (m, neg: string, name: string) => (neg ? m : POSIX_CLASSES[name]));
  return { source: src, flags };
}

/**
 * Ruby's `pattern` as a JavaScript RegExp (see translateRubyRegExp). Throws JavaScript's
 * SyntaxError when the translation is not a valid JavaScript pattern: the caller says what that
 * means where it is (an evaluation error, a resource's failed parameter).
 */
export function rubyRegExp(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateRubyRegExp(pattern, extraFlags);
  return new RegExp(source, flags);
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9a-fA-F', word: '\\w', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
};
