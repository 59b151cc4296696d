// The Puppet lexer: text → tokens, comments and lexical diagnostics.
//
// Puppet's tokens depend on context, which is why this is written by hand instead of with
// chevrotain's regex lexer:
//  - `/` starts a regex only where a value may start (after an operator, not after an operand);
//  - `[` is an array start after whitespace and an access bracket otherwise;
//  - `(` first on a line is not a call's parenthesis;
//  - `{` after `?` opens a selector;
//  - double-quoted strings and heredocs interpolate `$var` and `${expr}`; their parts become
//    DQPRE/DQMID/DQPOST tokens with the expression's own tokens in between;
//  - a heredoc's text starts on the line after `@(TAG)`, so the main scan jumps over it there;
//  - EPP templates alternate between text and code.
import { LineMap, type Diagnostic } from './diagnostics.ts';
import { message, type LanguageCode, type MessageArgs } from './messages.ts';
import { MAX_NESTING } from './limits.ts';
import * as T from './tokens.ts';

type TokenType = T.TokenKind;

export interface Comment {
  kind: 'line' | 'block';
  /** The comment's text without `#`, `/*` and `*\/`. */
  text: string;
  start: number;
  end: number;
}

export interface LexResult {
  /** The tokens, one column per field (what the fast parser reads). */
  list: T.TokenList;
  /** The same tokens as objects, made when first asked for (chevrotain's parse, tests). */
  readonly tokens: T.PToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
  /** Offset of a lexical error after which the rest of the text could not be tokenized. */
  fatalAt: number | null;
  lineMap: LineMap;
}

export type SourceKind = 'manifest' | 'epp';

/**
 * Token types after which `/` is a division, not the start of a regex (Puppet's rule). The text
 * before an interpolation (DQPRE, DQMID) is not among them: `"${/a/}"` starts with a regex, as
 * Puppet's lexer, which does not count those parts, reads it.
 */
const NO_REGEX_AFTER = new Set<TokenType>([
  T.RPAREN, T.RBRACK, T.RRCOLLECT, T.RCOLLECT, T.NAME, T.CLASSREF, T.NUMBER, T.STRING,
  T.BOOLEAN, T.DQPOST, T.HEREDOC, T.REGEX, T.VARIABLE, T.WORD,
]);

/** Tokens that `${name}`, `${name[…]}` and `${name.m}` turn into a variable. */
const TO_VARIABLE = new Set<TokenType>([T.NUMBER, T.NAME, T.WORD, T.BOOLEAN, ...Object.values(T.KEYWORDS)]);

const TO_VARIABLE_KINDS = new Set([...TO_VARIABLE].map((t) => t.idx));

const KEYWORDS = new Map(Object.entries(T.KEYWORDS));

const DQ_ESCAPES = new Set(['\\', '$', "'", '"', 'r', 'n', 't', 's', 'u', '\n', '\r\n']);
const HEREDOC_ALL_ESCAPES = 'trnsuL$';

const RE_CLASSREF = /(?:(?:::)?[A-Z]\w*)+/y;
const RE_VARIABLE_NAME = /(?:::)?(?:\w+::)*\w+/y;
const RE_NAME = /(?:::)?[a-z]\w*(?:::[a-z]\w*)*/y;
const RE_NUMBER = /\b(?:0[xX][0-9A-Fa-f]+|0?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\b/y;
const RE_NON_WS = /\w+/y;
const RE_HEREDOC_SPEC =
  /^@\(([^:/\r\n)]+)(?::[ \t]*([a-z][a-zA-Z0-9_+]+)[ \t]*)?(?:\/((?:\w|[$])*)[ \t]*)?\)$/;

class FatalLexError extends Error {}

/** The text of each operator kind, by kind number, shared by its tokens. */
const OP_IMAGES: (string | undefined)[] = [];

/** The pattern of a heredoc's end line, by tag (most files use a few tags many times). */
const END_LINES = new Map<string, RegExp>();

/**
 * 1 for a character of \w ([A-Za-z0-9_]), by char code (128 entries: a code past them, or NaN past
 * the end of the text, reads undefined). A table load instead of a call per character: the lexer
 * runs mostly in V8's interpreter and baseline compiler in a one-shot command, where every call
 * costs.
 */
const WORD_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) WORD_CHARS[c] = 1;

/** A character of \w: [A-Za-z0-9_]. */
function isWordChar(c: number): boolean {
  return WORD_CHARS[c] === 1;
}

function isBlank(c: number): boolean {
  // Puppet's [[:blank:]\r]: space, tab, CR and the Unicode space separators.
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x1680 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Shared state of one lexing job: the original text and everything produced. */
class LexJob {
  readonly tokens: T.TokenList;
  readonly comments: Comment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  fatalAt: number | null = null;
  /** How many `${` interpolations enclose the scan (each nests a scan of its own). */
  interpolations = 0;
  readonly lineMap: LineMap;
  readonly text: string;
  readonly file: string;
  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    this.tokens = new T.TokenList(text);
    this.lineMap = new LineMap(text);
  }
  /** A diagnostic from the catalogue over [start, end); its message. */
  error<C extends LanguageCode>(code: C, args: MessageArgs<C>, start: number, end = start + 1): string {
    const m = message(code, args);
    this.diagnostics.push({
      code, severity: m.severity, message: m.message, file: this.file,
      start: this.lineMap.position(start), end: this.lineMap.position(Math.max(end, start)),
    });
    return m.message;
  }
}

/** Maps offsets in a processed text (a heredoc body without its margin) back to the source. */
interface OffsetMap {
  (local: number): number;
}

const identity: OffsetMap = (o) => o;

/**
 * One scanner over one text. The main text has one; each heredoc body gets its own over the
 * processed body, writing into the same job.
 */
class Scanner {
  pos = 0;
  private last: TokenType | null = null;
  private braceCount = 0;
  private lineLexicalStart = 0;
  private newlineJump: number | null = null;
  private eppMode: 'text' | 'epp' | 'expr' | null = null;
  private eppOpenAt: number | null = null;

  private readonly job: LexJob;
  private readonly src: string;
  private readonly map: OffsetMap;

  constructor(job: LexJob, src: string, map: OffsetMap) {
    this.job = job;
    this.src = src;
    this.map = map;
  }

  // ---- emitting ----

  /** A token over [start, end); `same` is a string its text may well be (then kept instead of a copy). */
  private emit(type: TokenType, start: number, end: number, value?: string, same: string | undefined = value): void {
    let gs = start;
    let ge = end;
    if (this.map !== identity) {
      gs = this.map(start);
      ge = end > start ? this.map(end - 1) + 1 : gs;
    }
    const job = this.job;
    // Into the list's columns (tokens.ts). A token's text is kept only when it has no value (an
    // operator's: its kind's shared string); another's is sliced from the text when asked for
    // (TokenList.image).
    const list = job.tokens;
    const i = list.length;
    if (i === list.kinds.length) list.grow();
    list.kinds[i] = type.idx;
    list.starts[i] = gs;
    list.ends[i] = gs > ge - 1 ? gs : ge - 1;
    if (value !== undefined) {
      list.flags[i] = ge <= gs ? T.TokenList.EMPTY : 0;
      list.strings.push(value);
    } else if (ge <= gs) {
      list.flags[i] = T.TokenList.EMPTY | T.TokenList.NO_VALUE;
      list.strings.push('');
    } else {
      list.flags[i] = T.TokenList.NO_VALUE;
      list.strings.push(same !== undefined && same.length === ge - gs && job.text.startsWith(same, gs) ? same : job.text.slice(gs, ge));
    }
    list.length = i + 1;
    this.last = type;
  }

  /** An operator of `len` characters at the scan position. */
  private op(type: TokenType, len: number): void {
    const p = this.pos;
    const e = p + len;
    this.pos = e;
    const k = type.idx;
    // An operator's text is its kind's (`=>`, `->`): one string for all of them, not one each.
    let image = OP_IMAGES[k];
    if (image === undefined) image = OP_IMAGES[k] = this.src.slice(p, e);
    if (this.map !== identity) {
      this.emit(type, p, e, undefined, image);
      return;
    }
    // emit's work for the main text, written out: an operator kind has one text (`image`), so
    // it is the token's text without comparing (most tokens are operators).
    const list = this.job.tokens;
    const i = list.length;
    if (i === list.kinds.length) list.grow();
    list.kinds[i] = k;
    list.starts[i] = p;
    list.ends[i] = e - 1;
    list.flags[i] = T.TokenList.NO_VALUE;
    list.strings.push(image);
    list.length = i + 1;
    this.last = type;
  }

  private error<C extends LanguageCode>(code: C, args: MessageArgs<C>, start: number, end = start + 1): string {
    return this.job.error(code, args, this.map(start), this.map(Math.max(start, end - 1)) + 1);
  }

  private fatal<C extends LanguageCode>(code: C, args: MessageArgs<C>, start: number, end = start + 1): never {
    const text = this.error(code, args, start, end);
    this.job.fatalAt = this.map(start);
    throw new FatalLexError(text);
  }

  // ---- entry points ----

  lexManifest(): void {
    this.lexUntil(null);
  }

  lexEpp(): void {
    this.emit(T.EPP_START, 0, 0);
    this.eppMode = 'text';
    this.eppText(false);
    this.lexUntil(null);
    if (this.eppOpenAt !== null) {
      // Reported where the text ends, as Puppet does; the message says where the tag opened.
      const opened = this.job.lineMap.position(this.map(this.eppOpenAt));
      this.fatal('KSP-LEX-007', { line: opened.line, column: opened.column }, this.src.length, this.src.length);
    }
  }

  /**
   * Lexes tokens until the end of text, or, when `closeAt` is a brace depth, until the `}` that
   * closes an interpolation `${`.
   */
  private lexUntil(closeAt: number | null): void {
    const src = this.src;
    const n = src.length;
    // The position in a local between tokens (blanks and line breaks are most characters).
    let pos = this.pos;
    while (pos < n) {
      const c = src.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 13 || (c >= 0xa0 && isBlank(c))) {
        pos++;
        continue;
      }
      if (c === 10) {
        if (this.newlineJump !== null) {
          pos = this.newlineJump;
          this.newlineJump = null;
        } else {
          pos++;
        }
        this.lineLexicalStart = pos;
        continue;
      }
      if (c === 125 /* } */ && closeAt !== null && this.braceCount - 1 === closeAt) {
        this.braceCount--;
        this.pos = pos + 1;
        return;
      }
      this.pos = pos;
      this.lexToken(c);
      pos = this.pos;
    }
    this.pos = pos;
    if (closeAt !== null) throw new UnclosedInterpolation();
  }

  private lexToken(c: number): void {
    const src = this.src;
    const p = this.pos;
    // Most tokens are names: tested first. Then the tokens told by their first character, and
    // only then the next two characters are read (a one-shot command runs this interpreted,
    // where each test and load costs).
    if (c >= 97 && c <= 122) return this.bareWord(false);
    switch (c) {
      case 46: return this.op(T.DOT, 1); // .
      case 44: return this.op(T.COMMA, 1); // ,
      case 91: { // [
        const prev = p === 0 ? 10 : src.charCodeAt(p - 1);
        return this.op(p === 0 || prev === 10 || isBlank(prev) ? T.LISTSTART : T.LBRACK, 1);
      }
      case 93: return this.op(T.RBRACK, 1);
      case 40: { // (
        const lineStart = this.lineLexicalStart;
        let onlyBlank = true;
        for (let i = lineStart; i < p; i++) {
          if (!isBlank(src.charCodeAt(i))) {
            onlyBlank = false;
            break;
          }
        }
        return this.op(onlyBlank ? T.WSLPAREN : T.LPAREN, 1);
      }
      case 41: return this.op(T.RPAREN, 1);
      case 59: return this.op(T.SEMIC, 1);
      case 63: return this.op(T.QMARK, 1);
      case 42: return this.op(T.TIMES, 1);
      case 123: // {
        this.braceCount++;
        return this.op(this.last === T.QMARK ? T.SELBRACE : T.LBRACE, 1);
      case 125: // }
        this.braceCount--;
        return this.op(T.RBRACE, 1);
      case 35: { // #
        let e = src.indexOf('\n', p);
        if (e < 0) e = src.length;
        this.pos = e;
        this.comment('line', p + 1, e, p, e);
        return;
      }
      case 36: return this.variable(); // $
      case 34: return this.dqString(); // "
      case 39: return this.sqString(); // '

    }
    const c1 = src.charCodeAt(p + 1);
    const c2 = src.charCodeAt(p + 2);
    switch (c) {
      case 37: // %
        if (c1 === 62 /* > */ && this.eppMode) {
          this.pos = p + 2;
          if (this.eppMode === 'expr') this.emit(T.EPP_END, p, p + 2);
          this.eppMode = 'text';
          this.eppText(false);
          return;
        }
        return this.op(T.MODULO, 1);
      case 64: // @
        if (c1 === 64) return this.op(T.ATAT, 2);
        if (c1 === 40) return this.heredoc();
        return this.op(T.AT, 1);
      case 124: // |
        if (c1 === 62) return this.op(c2 === 62 ? T.RRCOLLECT : T.RCOLLECT, c2 === 62 ? 3 : 2);
        return this.op(T.PIPE, 1);
      case 61: // =
        if (c1 === 61) return this.op(T.ISEQUAL, 2);
        if (c1 === 62) return this.op(T.FARROW, 2);
        if (c1 === 126) return this.op(T.MATCH, 2);
        return this.op(T.EQUALS, 1);
      case 43: // +
        if (c1 === 61) return this.op(T.APPENDS, 2);
        if (c1 === 62) return this.op(T.PARROW, 2);
        return this.op(T.PLUS, 1);
      case 45: // -
        if (this.eppMode && c1 === 37 && c2 === 62) {
          this.pos = p + 3;
          if (this.eppMode === 'expr') this.emit(T.EPP_END_TRIM, p, p + 3);
          this.eppMode = 'text';
          this.eppText(true);
          return;
        }
        if (c1 === 62) return this.op(T.IN_EDGE, 2);
        if (c1 === 61) return this.op(T.DELETES, 2);
        return this.op(T.MINUS, 1);
      case 33: // !
        if (c1 === 61) return this.op(T.NOTEQUAL, 2);
        if (c1 === 126) return this.op(T.NOMATCH, 2);
        return this.op(T.NOT, 1);
      case 126: // ~
        return this.op(c1 === 62 ? T.IN_EDGE_SUB : T.TILDE, c1 === 62 ? 2 : 1);
      case 47: // /
        if (c1 === 42) {
          const e = src.indexOf('*/', p + 2);
          if (e < 0) this.fatal('KSP-LEX-006', {}, p, p + 2);
          this.pos = e + 2;
          this.comment('block', p + 2, e, p, e + 2);
          return;
        }
        if (this.last === null || !NO_REGEX_AFTER.has(this.last)) {
          if (this.regex()) return;
        }
        return this.op(T.DIV, 1);
      case 60: // <
        if (c1 === 60) return c2 === 124 ? this.op(T.LLCOLLECT, 3) : this.op(T.LSHIFT, 2);
        if (c1 === 61) return this.op(T.LESSEQUAL, 2);
        if (c1 === 124) return this.op(T.LCOLLECT, 2);
        if (c1 === 45) return this.op(T.OUT_EDGE, 2);
        if (c1 === 126) return this.op(T.OUT_EDGE_SUB, 2);
        return this.op(T.LESSTHAN, 1);
      case 62: // >
        if (c1 === 62) return this.op(T.RSHIFT, 2);
        if (c1 === 61) return this.op(T.GREATEREQUAL, 2);
        return this.op(T.GREATERTHAN, 1);
      case 58: // :
        if (c1 === 58) {
          if (c2 >= 65 && c2 <= 90) return this.classref();
          return this.bareWord(true);
        }
        return this.op(T.COLON, 1);
    }
    if (c >= 48 && c <= 57) return this.number();
    if (c === 95) return this.bareWord(false);
    if (c >= 65 && c <= 90) return this.classref();
    // A character no token starts with: the parser reports it where it stands.
    const cp = src.codePointAt(p)!;
    const len = cp > 0xffff ? 2 : 1;
    this.pos = p + len;
    this.emit(T.OTHER, p, p + len);
  }

  private comment(kind: Comment['kind'], textStart: number, textEnd: number, start: number, end: number): void {
    if (this.map !== identity) return; // comments inside heredoc text are text
    this.job.comments.push({ kind, text: this.src.slice(textStart, textEnd), start, end });
  }

  // ---- words, numbers, variables ----

  /**
   * A bare word, /(?:(?:::)?[a-z_](?:[\w-]*\w)?)+/ scanned by hand: a NAME (or keyword) when
   * every segment starts with a lower-case letter and there is no `-`, a WORD otherwise.
   */
  private bareWord(qualifiedStart: boolean): void {
    const src = this.src;
    const p = this.pos;
    // The common case by a sticky regex (compiled code; the loop below runs interpreted in a
    // one-shot command): a name of segments that start with [a-z], not followed by `-` or `::`.
    RE_NAME.lastIndex = p;
    if (RE_NAME.test(src)) {
      const e = RE_NAME.lastIndex;
      const d = src.charCodeAt(e);
      if (d !== 45 && !(d === 58 && src.charCodeAt(e + 1) === 58)) {
        const word = src.slice(p, e);
        this.pos = e;
        const kw = qualifiedStart || e - p > 8 ? undefined : KEYWORDS.get(word);
        this.emit(kw ?? T.NAME, p, e, word);
        return;
      }
    }
    let i = p;
    let name = true;
    for (;;) {
      let j = i;
      if (src.charCodeAt(j) === 58 && src.charCodeAt(j + 1) === 58) j += 2;
      const c = src.charCodeAt(j);
      if (!((c >= 97 && c <= 122) || c === 95)) break;
      if (c === 95) name = false;
      let k = j + 1;
      let dash = false;
      for (;;) {
        const d = src.charCodeAt(k);
        if (WORD_CHARS[d] === 1) k++;
        else if (d === 45) {
          dash = true;
          k++;
        } else break;
      }
      if (dash) {
        while (k > j + 1 && src.charCodeAt(k - 1) === 45) k--; // the word ends with a word character
        for (let x = j + 1; x < k && name; x++) if (src.charCodeAt(x) === 45) name = false;
      }
      i = k;
    }
    if (i === p) {
      this.pos = p + (qualifiedStart ? 2 : 1);
      if (qualifiedStart) this.error('KSP-LEX-020', {}, p, this.pos);
      else this.error('KSP-LEX-021', {}, p, this.pos);
      return;
    }
    const word = src.slice(p, i);
    this.pos = i;
    if (name) {
      const kw = qualifiedStart || i - p > 8 ? undefined : KEYWORDS.get(word);
      this.emit(kw ?? T.NAME, p, i, word);
    } else {
      this.emit(T.WORD, p, i, word);
    }
  }

  private classref(): void {
    const p = this.pos;
    RE_CLASSREF.lastIndex = p;
    const m = RE_CLASSREF.exec(this.src);
    const end = m ? p + m[0].length : p;
    if (!m || this.src.startsWith('::', end)) {
      // e.g. Foo::bar: every segment of a type name starts with an upper case letter
      let e = end;
      while (e < this.src.length && /[\w:]/.test(this.src[e])) e++;
      this.pos = e;
      this.error('KSP-LEX-005', { name: this.src.slice(p, e) }, p, e);
      return;
    }
    this.pos = end;
    this.emit(T.CLASSREF, p, end, m[0]);
  }

  private number(): void {
    const p = this.pos;
    const src = this.src;
    if (src.charCodeAt(p) !== 48 && (p === 0 || !isWordChar(src.charCodeAt(p - 1)))) {
      // a decimal integer, the common case: digits, then neither a word character nor '.'
      let e = p + 1;
      let d = src.charCodeAt(e);
      while (d >= 48 && d <= 57) d = src.charCodeAt(++e);
      if (WORD_CHARS[d] !== 1 && d !== 46) {
        this.pos = e;
        const value = src.slice(p, e);
        this.emit(T.NUMBER, p, e, value);
        return;
      }
    }
    RE_NUMBER.lastIndex = p;
    const m = RE_NUMBER.exec(this.src);
    let value: string;
    if (m) {
      value = m[0];
    } else {
      RE_NON_WS.lastIndex = p;
      const w = RE_NON_WS.exec(this.src);
      value = w ? w[0] : this.src[p];
    }
    this.pos = p + value.length;
    let problem: 'KSP-LEX-003' | 'KSP-LEX-013' | 'KSP-LEX-014' | 'KSP-LEX-015' | null = null;
    if (!m) problem = 'KSP-LEX-003';
    else if (/^0[xX]/.test(value)) problem = /^0[xX][0-9A-Fa-f]+$/.test(value) ? null : 'KSP-LEX-013';
    else if (/^0[^.]/.test(value)) problem = /^0[0-7]+$/.test(value) ? null : 'KSP-LEX-014';
    else if (/^\d+[eE.]/.test(value)) problem = /^\d+(?:\.\d+)?(?:[eE]-?\d+)?$/.test(value) ? null : 'KSP-LEX-015';
    else if (!/^\d+$/.test(value)) problem = 'KSP-LEX-003';
    if (problem) {
      this.error(problem, { value }, p, this.pos);
    }
    this.emit(T.NUMBER, p, this.pos, value);
  }

  private variable(): void {
    const p = this.pos;
    // (a sticky regex's test, not a loop over the characters: in a one-shot command the lexer
    // runs mostly in V8's interpreter, where the regex's compiled code costs less)
    RE_VARIABLE_NAME.lastIndex = p + 1;
    const e = RE_VARIABLE_NAME.test(this.src) ? RE_VARIABLE_NAME.lastIndex : p + 1;
    if (e > p + 1) {
      this.pos = e;
      this.emit(T.VARIABLE, p, e, this.src.slice(p + 1, e));
    } else {
      // A lone `$`: the parser says what is wrong where it is used.
      this.pos = p + 1;
      this.emit(T.VARIABLE, p, p + 1, '');
    }
  }

  private regex(): boolean {
    const src = this.src;
    const p = this.pos;
    let e = p + 1;
    for (;;) {
      const close = src.indexOf('/', e);
      if (close < 0) return false;
      // a slash preceded by an odd number of backslashes is escaped
      let bs = 0;
      for (let i = close - 1; i > p && src.charCodeAt(i) === 92; i--) bs++;
      e = close + 1;
      if (bs % 2 === 0) break;
    }
    this.pos = e;
    this.emit(T.REGEX, p, e, src.slice(p + 1, e - 1).replace(/\\\//g, '/'));
    return true;
  }

  // ---- strings ----

  private sqString(): void {
    const src = this.src;
    const p = this.pos;
    // the common case: no backslash before the closing quote
    const close = src.indexOf("'", p + 1);
    if (close >= 0) {
      let bs = p + 1;
      while (bs < close && src.charCodeAt(bs) !== 92) bs++;
      if (bs === close) {
        this.pos = close + 1;
        this.emit(T.STRING, p, this.pos, src.slice(p + 1, close));
        return;
      }
    }
    let i = p + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= src.length) this.fatal('KSP-LEX-001', { quote: `"'"` }, p);
      const c = src.charCodeAt(i);
      if (c === 92) {
        const n = src[i + 1];
        if (n === '\\' || n === "'") {
          out += src.slice(chunk, i) + n;
          i += 2;
          chunk = i;
          continue;
        }
        i += n === undefined ? 1 : 2;
        continue;
      }
      if (c === 39) break;
      i++;
    }
    out += src.slice(chunk, i);
    this.pos = i + 1;
    this.emit(T.STRING, p, this.pos, out);
  }

  /**
   * Reads string text up to an interpolation or the end, translating escapes.
   * Returns the text and what stopped it: the closing quote, `$`, `${` or the end (`''`).
   */
  private slurp(quote: number, escapes: Set<string>, warnUnknown: boolean): { text: string; stop: '"' | '$' | '${' | '' } {
    const src = this.src;
    const len = src.length;
    const interpolates = quote !== -2;
    let i = this.pos;
    let out = '';
    for (;;) {
      // ordinary characters up to the next backslash, quote or `$`, taken as one slice
      let j = i;
      while (j < len) {
        const d = src.charCodeAt(j);
        if (d === 92 || d === quote || (d === 36 && interpolates)) break;
        j++;
      }
      if (j > i) {
        out += src.slice(i, j);
        i = j;
      }
      if (i >= len) {
        this.pos = i;
        return { text: out, stop: '' };
      }
      const c = src.charCodeAt(i);
      if (c === 92 /* \ */) {
        const n = src[i + 1];
        if (n === undefined) {
          out += '\\';
          i++;
          continue;
        }
        const crlf = n === '\r' && src[i + 2] === '\n';
        const esc = crlf ? '\r\n' : n;
        if (escapes.has(esc)) {
          if (esc === 'u') {
            const u = /^u(?:([\da-fA-F]{4})|\{([\da-fA-F]{1,6})\})/.exec(src.slice(i + 1, i + 11));
            if (u) {
              const cp = parseInt(u[1] ?? u[2], 16);
              // Past Unicode, or a surrogate: no character UTF-8 can hold (Puppet's parse fails too).
              if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.error('KSP-LEX-022', { escape: `\\${u[0]}` }, i, i + 1 + u[0].length);
              else out += String.fromCodePoint(cp);
              i += 1 + u[0].length;
              continue;
            }
            out += '\\u';
            i += 2;
            continue;
          }
          out += esc === 'r' ? '\r' : esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 's' ? ' ' : esc === '\n' || esc === '\r\n' ? '' : esc;
          i += 1 + esc.length;
          continue;
        }
        void warnUnknown;
        out += '\\' + n;
        i += 2;
        continue;
      }
      if (c === quote) {
        this.pos = i + 1;
        return { text: out, stop: '"' };
      }
      if (c === 36 /* $ */ && quote !== -2) {
        if (src.charCodeAt(i + 1) === 123) {
          this.pos = i + 2;
          return { text: out, stop: '${' };
        }
        RE_VARIABLE_NAME.lastIndex = i + 1;
        if (RE_VARIABLE_NAME.test(src)) {
          this.pos = i + 1;
          return { text: out, stop: '$' };
        }
      }
      out += src[i];
      i++;
    }
  }

  private dqString(): void {
    const p = this.pos;
    this.pos = p + 1;
    try {
      this.interpolated(34, DQ_ESCAPES, p);
    } catch (e) {
      if (e instanceof UnclosedInterpolation) {
        this.fatal('KSP-LEX-001', { quote: `'"'` }, p);
      }
      throw e;
    }
  }

  /**
   * Emits a string that may interpolate: one STRING token, or DQPRE (VARIABLE | tokens…) DQMID …
   * DQPOST. `quote` is the closing character, -1 for text that ends at the end (heredoc), -2 for
   * text that does not interpolate at all.
   */
  private interpolated(quote: number, escapes: Set<string>, start: number): void {
    let partStart = start;
    let first = true;
    for (;;) {
      const { text, stop } = this.slurp(quote, escapes, true);
      if (stop === '' && quote >= 0) throw new UnclosedInterpolation();
      if (stop === '"' || stop === '') {
        this.emit(first ? T.STRING : T.DQPOST, partStart, this.pos, text);
        return;
      }
      const dollarAt = this.pos - (stop === '${' ? 2 : 1);
      this.emit(first ? T.DQPRE : T.DQMID, partStart, this.pos, text);
      first = false;
      if (stop === '$') {
        RE_VARIABLE_NAME.lastIndex = this.pos;
        const m = RE_VARIABLE_NAME.exec(this.src)!;
        this.emit(T.VARIABLE, dollarAt, this.pos + m[0].length, m[0]);
        this.pos += m[0].length;
      } else {
        const depth = this.braceCount;
        this.braceCount++;
        const before = this.job.tokens.length;
        // The parser stops at the same depth first (each interpolation is an expression in one);
        // this only keeps the scan's own recursion bounded.
        if (this.job.interpolations >= MAX_NESTING) this.fatal('KSP-PARSE-003', { token: "'${'", max: MAX_NESTING }, dollarAt, dollarAt + 2);
        this.job.interpolations++;
        try {
          this.lexUntil(depth);
        } finally {
          this.job.interpolations--;
        }
        const toks = this.job.tokens;
        const count = toks.length - before;
        if (count === 1 || (count > 1 && (toks.kinds[before + 1] === T.DOT.idx || toks.kinds[before + 1] === T.LBRACK.idx))) {
          if (TO_VARIABLE_KINDS.has(toks.kinds[before])) {
            // (its value stays, or is its text: `strings` holds that already)
            toks.kinds[before] = T.VARIABLE.idx;
            toks.flags[before] &= ~T.TokenList.NO_VALUE;
          }
        }
      }
      partStart = this.pos;
    }
  }

  // ---- heredoc ----

  private heredoc(): void {
    const src = this.src;
    const p = this.pos;
    const close = src.indexOf(')', p);
    const eol = src.indexOf('\n', p);
    if (close < 0 || (eol >= 0 && eol < close)) {
      this.fatal('KSP-LEX-016', {}, p, p + 2);
    }
    const spec = src.slice(p, close + 1);
    const m = RE_HEREDOC_SPEC.exec(spec);
    if (!m) this.fatal('KSP-LEX-004', { spec }, p, close + 1);
    let tag = m[1].trim();
    let interpolates = false;
    const dq = /^"(.*)"$/.exec(tag);
    if (dq) {
      interpolates = true;
      tag = dq[1].trim();
    }
    if (tag.length === 0) this.fatal('KSP-LEX-017', {}, p, close + 1);
    const syntax = m[2] ?? '';
    const escapes = new Set<string>();
    if (m[3] !== undefined) {
      const flags = m[3].length === 0 ? HEREDOC_ALL_ESCAPES : m[3];
      if (new Set(flags).size !== flags.length) this.fatal('KSP-LEX-018', { flags }, p, close + 1);
      escapes.add('\\');
      for (const f of flags) {
        if ('trnsu$'.includes(f)) escapes.add(f);
        else if (f === 'L') {
          escapes.add('\n');
          escapes.add('\r\n');
        } else this.fatal('KSP-LEX-019', { flag: f }, p, close + 1);
      }
    }
    this.pos = close + 1;
    this.emit(T.HEREDOC, p, close + 1, syntax);

    // The text starts on the next line, or after the previous heredoc of this line.
    let bodyStart: number;
    if (this.newlineJump !== null) bodyStart = this.newlineJump;
    else {
      const nl = src.indexOf('\n', close);
      if (nl < 0) this.fatal('KSP-LEX-010', { tag }, p, close + 1);
      bodyStart = nl + 1;
    }
    let endLine = END_LINES.get(tag);
    if (endLine === undefined) {
      const escTag = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      endLine = new RegExp(`([ \\t]*)(?:([|])[ \\t]*)?(?:(-)[ \\t]*)?${escTag}[ \\t]*\\r?$`);
      if (END_LINES.size < 1000) END_LINES.set(tag, endLine);
    }
    const lines: { start: number; text: string }[] = [];
    let at = bodyStart;
    for (;;) {
      if (at >= src.length) {
        this.fatal('KSP-LEX-011', { tag }, p, close + 1);
      }
      let nl = src.indexOf('\n', at);
      const lineEnd = nl < 0 ? src.length : nl + 1;
      const raw = src.slice(at, lineEnd);
      // (a line without the tag cannot end the text: most lines, tried without the pattern)
      const em = raw.includes(tag) ? endLine.exec(nl < 0 ? raw : raw.slice(0, -1)) : null;
      if (em) {
        this.newlineJump = lineEnd;
        const leading = em[1];
        const margin = em[2] === '|';
        const trimBreak = em[3] === '-';
        // Build the processed text and the offsets of its lines in the source.
        let body = '';
        const starts: { local: number; source: number }[] = [];
        for (const line of lines) {
          let cut = 0;
          if (margin && leading.length > 0 && line.text.startsWith(leading)) cut = leading.length;
          starts.push({ local: body.length, source: this.map(line.start + cut) });
          body += line.text.slice(cut);
        }
        if (trimBreak) body = body.replace(/\r?\n$/, '');
        const outer = this.map;
        const mapBody: OffsetMap = (local) => {
          if (starts.length === 0) return outer(bodyStart);
          let lo = 0;
          let hi = starts.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid].local <= local) lo = mid;
            else hi = mid - 1;
          }
          return starts[lo].source + (local - starts[lo].local);
        };
        const sub = new Scanner(this.job, body, mapBody);
        sub.interpolated(interpolates ? -1 : -2, escapes, 0);
        return;
      }
      lines.push({ start: at, text: raw });
      if (nl < 0) nl = src.length;
      at = nl + 1;
    }
  }

  // ---- EPP ----

  /** Scans template text up to the next `<%` tag, emitting it, and sets the mode for what follows. */
  private eppText(trimLeading: boolean): void {
    const src = this.src;
    let skipLeading = trimLeading;
    let text = '';
    const start = this.pos;
    this.eppMode = 'text';
    this.eppOpenAt = null;
    if (this.pos >= src.length) return; // a template that ends with a tag has no trailing text
    for (;;) {
      const open = src.indexOf('<%', this.pos);
      let part = open < 0 ? src.slice(this.pos) : src.slice(this.pos, open + 2);
      this.pos = open < 0 ? src.length : open + 2;
      if (skipLeading) {
        part = part.replace(/^[ \t]*\r?(?:\n|$)?/, '');
        skipLeading = false;
      }
      text += part.replace(/%%>/g, '%>');
      if (open < 0) {
        this.emit(T.RENDER_STRING, start, this.pos, text);
        this.eppOpenAt = null;
        this.eppMode = 'text';
        return;
      }
      const next = src[this.pos];
      if (next === undefined) {
        this.fatal('KSP-LEX-008', {}, open, open + 2);
      }
      if (next === '%') {
        this.pos++; // `<%%` is a literal `<%`
        continue;
      }
      if (next === '#') {
        text = text.slice(0, -2);
        const end = /[^%]%>/g;
        end.lastIndex = this.pos;
        const cm = end.exec(src);
        if (!cm) this.fatal('KSP-LEX-009', {}, open, open + 3);
        const commentText = src.slice(this.pos, cm.index + 3);
        if (commentText[1] === '-') text = text.replace(/[ \t]*$/, '');
        this.comment('block', this.pos + 1, cm.index + 1, open, cm.index + 3);
        this.pos = cm.index + 3;
        if (commentText.endsWith('-%>')) skipLeading = true;
        continue;
      }
      text = text.slice(0, -2);
      let mode: 'epp' | 'expr' = 'epp';
      if (next === '-') {
        this.pos++;
        text = text.replace(/[ \t]*$/, '');
      } else if (next === '=') {
        this.pos++;
        mode = 'expr';
      }
      if (text.length > 0) this.emit(T.RENDER_STRING, start, open, text);
      if (mode === 'expr') this.emit(T.RENDER_EXPR, open, this.pos);
      this.eppMode = mode;
      this.eppOpenAt = open;
      this.lineLexicalStart = this.pos;
      return;
    }
  }
}

class UnclosedInterpolation extends Error {}

/** Tokenizes Puppet source. Lexical errors are diagnostics; a fatal one stops the scan there. */
export function lex(text: string, file = '<string>', kind: SourceKind = 'manifest'): LexResult {
  const job = new LexJob(text, file);
  const scanner = new Scanner(job, text, identity);
  try {
    if (kind === 'epp') scanner.lexEpp();
    else scanner.lexManifest();
  } catch (e) {
    if (e instanceof UnclosedInterpolation) {
      job.error('KSP-LEX-012', { open: '${', close: '}' }, scanner.pos);
      job.fatalAt = scanner.pos;
    } else if (!(e instanceof FatalLexError)) {
      throw e;
    }
  }
  return new Lexed(job);
}

class Lexed implements LexResult {
  readonly list: T.TokenList;
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
  readonly fatalAt: number | null;
  readonly lineMap: LineMap;
  private objects: T.PToken[] | undefined = undefined;
  constructor(job: LexJob) {
    this.list = job.tokens;
    this.comments = job.comments;
    this.diagnostics = job.diagnostics;
    this.fatalAt = job.fatalAt;
    this.lineMap = job.lineMap;
  }
  get tokens(): T.PToken[] {
    return (this.objects ??= this.list.toObjects());
  }
}
