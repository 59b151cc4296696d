// The text of eyaml files: `ENC[PKCS7,<base64>]` values, on one line (string form) or folded
// over several after `>` (block form), and the `DEC(n)::PKCS7[plain]!` markers an edit session
// shows instead. A file is cut into tokens as hiera-eyaml cuts it: at each place the first token
// type whose pattern matches there wins; otherwise the text up to the earliest match of any type
// is kept as it is. Whatever is not a token (keys, comments, layout) is never touched.

export interface TextToken {
  kind: 'text';
  text: string;
  offset: number;
}

export interface EncToken {
  kind: 'enc';
  format: 'string' | 'block';
  /** The scheme written before the comma (PKCS7 when there is none, as eyaml's default). */
  scheme: string;
  /** The base64 text, whitespace removed. */
  cipher: string;
  /** Block form: the indentation before `ENC[` (and before each continuation line). */
  indentation: string;
  /** Where the token starts in the text (for file:line in errors), and its text. */
  offset: number;
  match: string;
}

export interface DecToken {
  kind: 'dec';
  format: 'string' | 'block';
  scheme: string;
  plain: string;
  /** The number in `DEC(n)::`, the index of the token it was decrypted from. */
  id: number | null;
  indentation: string;
  offset: number;
  match: string;
}

export type Token = TextToken | EncToken | DecToken;

interface TokenType {
  re: RegExp;
  make(m: RegExpExecArray, offset: number): EncToken | DecToken;
}

const scheme = (s: string | undefined) => (s ? s.slice(0, -1) : 'PKCS7');

const ENC_STRING: TokenType = {
  re: /ENC\[(\w+,)?([a-zA-Z0-9+/=]+?)\]/y,
  make: (m, offset) => ({ kind: 'enc', format: 'string', scheme: scheme(m[1]), cipher: m[2], indentation: '', offset, match: m[0] }),
};
const ENC_BLOCK: TokenType = {
  re: />\n(\s*)ENC\[(\w+,)?([a-zA-Z0-9+/=\s]+?)\]/y,
  make: (m, offset) => ({ kind: 'enc', format: 'block', scheme: scheme(m[2]), cipher: m[3].replace(/\s/g, ''), indentation: m[1], offset, match: m[0] }),
};
/** In a value Hiera read from YAML, a folded block has become one line with spaces. */
const ENC_HIERA: TokenType = {
  re: /ENC\[(\w+,)?([a-zA-Z0-9+/ =\n]+?)\]/y,
  make: (m, offset) => ({ kind: 'enc', format: 'string', scheme: scheme(m[1]), cipher: m[2].replace(/\s/g, ''), indentation: '', offset, match: m[0] }),
};
const DEC_STRING: TokenType = {
  re: /DEC(\(\d+\))?::(\w+)\[([\s\S]+?)\]!/y,
  make: (m, offset) => ({ kind: 'dec', format: 'string', scheme: m[2], plain: m[3], id: m[1] ? Number(m[1].slice(1, -1)) : null, indentation: '', offset, match: m[0] }),
};
const DEC_BLOCK: TokenType = {
  re: />\n(\s*)DEC(\(\d+\))?::(\w+)\[([\s\S]+?)\]!/y,
  make: (m, offset) => ({ kind: 'dec', format: 'block', scheme: m[3], plain: m[4], id: m[2] ? Number(m[2].slice(1, -1)) : null, indentation: m[1], offset, match: m[0] }),
};

function tokenize(text: string, types: TokenType[]): Token[] {
  const out: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    let hit: EncToken | DecToken | null = null;
    for (const t of types) {
      t.re.lastIndex = pos;
      const m = t.re.exec(text);
      if (m) {
        hit = t.make(m, pos);
        break;
      }
    }
    if (hit) {
      out.push(hit);
      pos += hit.match.length;
      continue;
    }
    // No token here: plain text up to the earliest place any type matches.
    let next = text.length;
    for (const t of types) {
      const re = new RegExp(t.re.source, 'g');
      re.lastIndex = pos;
      const m = re.exec(text);
      if (m && m.index < next) next = m.index;
    }
    out.push({ kind: 'text', text: text.slice(pos, next), offset: pos });
    pos = next;
  }
  return out;
}

/** An eyaml file (or any text) with its `ENC[…]` values, string and block form. */
export function parseEncrypted(text: string): Token[] {
  return tokenize(text, [ENC_STRING, ENC_BLOCK]);
}

/** An edited file with its `DEC(n)::SCHEME[…]!` markers, string and block form. */
export function parseDecrypted(text: string): Token[] {
  return tokenize(text, [DEC_STRING, DEC_BLOCK]);
}

/** A string value as Hiera read it from the YAML. */
export function parseHieraValue(text: string): Token[] {
  return tokenize(text, [ENC_HIERA]);
}

/** Whether a string from the data holds an encrypted value (eyaml's own, loose, test). */
export function looksEncrypted(s: string): boolean {
  return /ENC\[[\s\S]*?\]/.test(s);
}

/** `ENC[PKCS7,…]` on one line, or (block) after `>` folded at 60 characters. */
export function encText(format: 'string' | 'block', scheme: string, cipher: string, indentation: string, chevron = true): string {
  const enc = `ENC[${scheme},${cipher}]`;
  if (format === 'string') return enc;
  const lines = enc.match(/.{1,60}/g) ?? [enc];
  return `${chevron ? '>\n' : ''}${indentation}${lines.join(`\n${indentation}`)}`;
}

/** `DEC(n)::PKCS7[plain]!`, in string or block form. */
export function decText(format: 'string' | 'block', scheme: string, plain: string, indentation: string, id: number | null): string {
  const dec = `DEC${id === null ? '' : `(${id})`}::${scheme}[${plain}]!`;
  return format === 'string' ? dec : `>\n${indentation}${dec}`;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
