// Chevrotain's token types for the token kinds of tokens.ts, made when the chevrotain parser is
// first needed (a file with a syntax error, or a caller asking for that parser), and the hand-over
// of the lexer's tokens to it.
import { createToken, Lexer, type TokenType } from './chevrotain.ts';
import * as K from './tokens.ts';
import type { LineMap } from './diagnostics.ts';

type KindName = { [N in keyof typeof K]: (typeof K)[N] extends K.TokenKind ? N : never }[keyof typeof K];

/** Chevrotain's token type of each kind, by kind number. */
export const byKind: TokenType[] = [];
for (const kind of K.allTokens) {
  const categories = kind.categories.map((c) => byKind[c.idx]);
  byKind[kind.idx] = categories.length
    ? createToken({ name: kind.name, pattern: Lexer.NA, label: kind.LABEL, categories })
    : createToken({ name: kind.name, pattern: Lexer.NA, label: kind.LABEL });
}

/** Chevrotain's token types by the names of tokens.ts (`T.LBRACE`). */
export const T = Object.fromEntries(K.allTokens.map((k) => [k.name, byKind[k.idx]])) as Record<KindName, TokenType>;

/** Every token type, for the parser's vocabulary. */
export const allTokens: TokenType[] = K.allTokens.map((k) => byKind[k.idx]);

/** A lexer's token as chevrotain reads it: its token type, index, and start line and column (1-based). */
export type ChevrotainToken = K.PToken & { tokenType: TokenType; tokenTypeIdx: number; startLine: number; startColumn: number };

/** Gives the lexer's tokens chevrotain's token types and their start's line and column (in place; `kind` stays). */
export function toChevrotain(tokens: K.PToken[], lineMap: LineMap): ChevrotainToken[] {
  for (const tok of tokens as ChevrotainToken[]) {
    const type = byKind[tok.kind];
    tok.tokenType = type;
    tok.tokenTypeIdx = type.tokenTypeIdx!;
    const line = lineMap.lineIndex(tok.startOffset);
    tok.startLine = line + 1;
    tok.startColumn = tok.startOffset - lineMap.lineStarts[line] + 1;
  }
  return tokens as ChevrotainToken[];
}
