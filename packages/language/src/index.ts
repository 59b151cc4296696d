// @kasper/language: Puppet manifests and EPP templates → AST + diagnostics.
import type { Program } from './ast.ts';
import { LineMap, type Diagnostic } from './diagnostics.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { message, type LanguageCode, type MessageArgs } from './messages.ts';
import { lex, type Comment, type LexResult, type SourceKind } from './lexer.ts';
import type { NestingTooDeep, PuppetParser } from './parser.ts';
import type { IToken } from './chevrotain.ts';
import { fastParse } from './fast-parser.ts';
import { validate } from './validator.ts';
import { moduleLocationProblems, type FileNamespace } from './module-location.ts';

export * from './ast.ts';
export * from './diagnostics.ts';
export { LANGUAGE_MESSAGES, type LanguageCode } from './messages.ts';
export { lex, type Comment, type LexResult, type SourceKind } from './lexer.ts';
export { MAX_NESTING, STATEMENT_CALLS } from './limits.ts';
export { dumpAst } from './dump.ts';

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
  comments: Comment[];
  lineMap: LineMap;
}

/**
 * chevrotain's parser (parser.ts) and chevrotain itself, loaded the first time a file needs them:
 * most files are valid and parsed by the fast parser alone (fast-parser.ts), and loading chevrotain
 * and analysing the grammar (performSelfAnalysis) costs tens of milliseconds a process.
 */
let chevrotainModule: typeof import('./parser.ts') | null = null;
let chevrotainTokens: typeof import('./chevrotain-tokens.ts') | null = null;
function loadChevrotain(): { parser: typeof import('./parser.ts'); tokens: typeof import('./chevrotain-tokens.ts') } {
  if (!chevrotainModule || !chevrotainTokens) {
    const require = createRequire(import.meta.url);
    // the modules next to this one: .ts from the sources, .js from the emitted JavaScript
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    chevrotainTokens = require(`./chevrotain-tokens${ext}`) as typeof import('./chevrotain-tokens.ts');
    chevrotainModule = require(`./parser${ext}`) as typeof import('./parser.ts');
  }
  return { parser: chevrotainModule, tokens: chevrotainTokens };
}

/** The modules whose code decides what `parse` gives: the tree, its diagnostics and comments. */
const PARSE_MODULES = [
  'index', 'ast', 'lexer', 'tokens', 'fast-parser', 'parser', 'chevrotain-tokens', 'chevrotain',
  'validator', 'validator-checks', 'validator-labels', 'limits', 'messages', 'diagnostics',
];

/**
 * The files holding this parser's code (the sources, or the emitted JavaScript that runs): what a
 * cache of parse results keys on, so that a changed parser never reads a tree an older one made
 * (@kasper/compiler's ast-cache.ts hashes their text).
 */
export function parserSourceFiles(): string[] {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = PARSE_MODULES.map((m) => join(dir, m + ext));
  try {
    // chevrotain's version: it drives the parser of the files the fast parser leaves to it
    files.push(fileURLToPath(new URL('../../package.json', import.meta.resolve('chevrotain'))));
  } catch {
    // not found: the parser would not load either
  }
  return files;
}

let fastParser: PuppetParser | null = null;
let recoveringParser: PuppetParser | null = null;

/**
 * Two chevrotain parsers serve the files the fast parser gives up on (building one analyses the
 * grammar, which costs milliseconds): one without error recovery, which parses what the fast
 * parser does not know (none of Puppet's grammar, if the two agree), and one that recovers to
 * report every error, used only for files with errors.
 */
function parser(recovery: boolean): PuppetParser {
  const { PuppetParser } = loadChevrotain().parser;
  if (recovery) return (recoveringParser ??= new PuppetParser({ recovery: true }));
  return (fastParser ??= new PuppetParser({ recovery: false }));
}

/** Parses a manifest (`.pp`). Never throws for any input: problems are diagnostics. */
export function parseManifest(text: string, file = '<string>'): ParseResult {
  return parse(text, file, 'manifest');
}

/** Parses an EPP template (`.epp`). */
export function parseEpp(text: string, file = '<string>'): ParseResult {
  return parse(text, file, 'epp');
}

/** Parses by file extension: `.epp` as a template, anything else as a manifest. */
export function parseSource(text: string, file: string): ParseResult {
  return parse(text, file, file.endsWith('.epp') ? 'epp' : 'manifest');
}

export function parse(text: string, file: string, kind: SourceKind): ParseResult {
  const lexed = lex(text, file, kind);
  const map = lexed.lineMap;
  if (lexed.diagnostics.length === 0) {
    // The common case: the fast parser builds the tree, or gives up where chevrotain would report.
    const program = fastParse(lexed.list, kind);
    if (program) {
      lexed.list.release(); // (the tokens are done with: their columns serve the next file)
      program.end = text.length;
      const diagnostics: Diagnostic[] = [];
      for (const v of validate(program, kind)) {
        diagnostics.push({ code: v.code, severity: v.severity, message: v.message, file, start: map.position(v.start), end: map.position(Math.max(v.start, v.end)) });
      }
      diagnostics.sort((a, b) => a.start.offset - b.start.offset);
      return { program, diagnostics, comments: lexed.comments, lineMap: map };
    }
  }
  const result = parseWithChevrotain(text, file, kind, lexed);
  lexed.list.release();
  return result;
}

/** `parse` by chevrotain's parsers: for files with errors (and whatever the fast parser gives up on). */
export function parseWithChevrotain(text: string, file: string, kind: SourceKind, lexed: LexResult = lex(text, file, kind)): ParseResult {
  const { parser: { NestingTooDeep }, tokens: { toChevrotain } } = loadChevrotain();
  const tokens = toChevrotain(lexed.tokens, lexed.lineMap) as unknown as IToken[];
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const map = lexed.lineMap;
  /** A diagnostic over [start, end) whose message was made from the catalogue. */
  const made = (code: LanguageCode, m: { message: string; severity: Diagnostic['severity'] }, start: number, end: number): Diagnostic => ({
    code, severity: m.severity, message: m.message, file, start: map.position(start), end: map.position(Math.max(start, end)),
  });
  /** A diagnostic from the catalogue over [start, end). */
  const at = <C extends LanguageCode>(code: C, args: MessageArgs<C>, start: number, end: number): Diagnostic => made(code, message(code, args), start, end);
  let p = parser(false);
  let program: Program | undefined;
  /** Where expressions nested too deeply: the parse stopped there. */
  let tooDeep: NestingTooDeep | null = null;
  const run = () => {
    p.problems = [];
    p.input = tokens;
    program = undefined;
    tooDeep = null;
    try {
      program = kind === 'epp' ? p.epp() : p.manifest();
    } catch (e) {
      if (e instanceof NestingTooDeep) {
        tooDeep = e;
      } else {
        // The grammar's actions are written to tolerate recovery; this is a last line of defence
        // so that no input ever ends in a stack trace.
        diagnostics.push(at('KSP-PARSE-004', { reason: (e as Error).message }, 0, 0));
      }
    }
  };
  run();
  // Without recovery the parse stops at the first syntax error, so a nesting found too deep by it
  // comes first: the parse with recovery would stop at the same place.
  if (!tooDeep && (p.errors.length > 0 || p.problems.length > 0)) {
    p.input = [];
    p = parser(true);
    run();
  }
  const fatalAt = lexed.fatalAt ?? Infinity;
  const deep = tooDeep as NestingTooDeep | null;
  const deepEof = deep !== null && !Number.isFinite(deep.token.startOffset);
  // The parse ended there (chevrotain then adds that not all input was read: not news).
  const deepAt = deep === null ? Infinity : deepEof ? text.length : deep.token.startOffset;
  let syntaxErrors = 0;
  // After an error, recovery often trips again on the same line; one report per line is the cause.
  const linesWithError = new Set<number>();
  for (const err of p.errors) {
    const tok = err.token;
    const eof = !Number.isFinite(tok.startOffset);
    const start = eof ? text.length : tok.startOffset;
    if (start >= fatalAt) continue; // after a lexical error that ended the scan: only noise
    if (start >= deepAt) continue;
    const line = map.position(start).line;
    if (linesWithError.has(line)) continue;
    linesWithError.add(line);
    const end = eof ? text.length : (tok.endOffset ?? tok.startOffset) + 1;
    const { token, expected } = syntaxErrorArgs(err.message, eof ? 'end of input' : `'${tok.image}'`);
    if (eof && token === 'end of input') diagnostics.push(at('KSP-PARSE-002', { expected }, start, end));
    else diagnostics.push(at('KSP-PARSE-001', { token, expected }, start, end));
    syntaxErrors++;
  }
  for (const pr of p.problems) {
    if (pr.start >= fatalAt) continue;
    diagnostics.push(made(pr.code, { message: pr.message, severity: 'error' }, pr.start, pr.end));
    syntaxErrors++;
  }
  if (deep) {
    // After a syntax error, recovery guesses at what was meant (a missing '{' opens a block that
    // never closes), and its guesses can nest without end: only a nesting that comes first is real.
    if (deepAt < fatalAt && !diagnostics.some((d) => d.severity === 'error' && d.start.offset <= deepAt)) {
      const tok = deep.token;
      // deep.message is the catalogue's (nestingMessage)
      diagnostics.push(made('KSP-PARSE-003', { message: deep.message, severity: 'error' }, deepAt, deepEof ? text.length : (tok.endOffset ?? tok.startOffset) + 1));
      // the lexer's own limit on nested interpolation, met later in the text: the same problem
      const lexical = diagnostics.findIndex((d) => d.code === 'KSP-PARSE-003' && d.start.offset > deepAt);
      if (lexical >= 0) diagnostics.splice(lexical, 1);
    }
    syntaxErrors++;
  }
  p.input = [];
  if (!program || typeof program !== 'object') program = { kind: 'Program', body: [], start: 0, end: text.length };
  program.end = text.length;
  // Puppet validates only what parsed; checks on a recovered tree would report phantoms.
  if (syntaxErrors === 0 && lexed.diagnostics.length === 0) {
    for (const v of validate(program, kind)) diagnostics.push(made(v.code, v, v.start, v.end));
  }
  diagnostics.sort((a, b) => a.start.offset - b.start.offset);
  return { program, diagnostics, comments: lexed.comments, lineMap: map };
}
export { collectSourceFiles, parseFile, isSourceFile, errorCount, SOURCE_EXTENSIONS, type FileResult } from './files.ts';
export { checkFile, checkFiles, checkPathsOnOneThread, type CheckOptions, type FileCheck } from './check-files.ts';
export { parserThreads, startCheckWorkersFor, type CheckPool } from './check-pool.ts';

/**
 * The arguments of KSP-PARSE-001/002 from a message of the parser's error provider ("Syntax error
 * at TOKEN" and what was expected there), so that the catalogue words it exactly so.
 */
function syntaxErrorArgs(text: string, token: string): { token: string; expected: string } {
  const rest = text.replace(/^Syntax error at /, '');
  return rest.startsWith(token) ? { token, expected: rest.slice(token.length) } : { token: rest, expected: '' };
}

export { moduleFileNamespace, moduleLocationProblems, type FileNamespace } from './module-location.ts';

/**
 * A parsed file's problems with its place in a module (moduleLocationProblems) as diagnostics,
 * for a file that parsed without errors; `file` is named in the messages as given.
 */
export function moduleLocationDiagnostics(result: ParseResult, file: string, place: FileNamespace): Diagnostic[] {
  if (result.diagnostics.some((d) => d.severity === 'error')) return [];
  return moduleLocationProblems(result.program, file, place).map((v) => ({
    code: v.code, severity: v.severity, message: v.message, file,
    start: result.lineMap.position(v.start), end: result.lineMap.position(Math.max(v.start, v.end)),
  }));
}
