// Loads chevrotain from its single-file bundle instead of its module tree: the tree pulls in
// hundreds of lodash-es modules (about 140 ms of start-up), the bundle is one file (about 20 ms).
// Start-up is most of what a `kasper parser validate` costs, so this is worth one indirection.
// The package's `exports` map does not expose the bundle, so it is found next to the entry point.
import type * as Chevrotain from 'chevrotain';

const entry = import.meta.resolve('chevrotain'); // …/chevrotain/lib/src/api.js
const bundle = new URL('../chevrotain.min.mjs', entry).href;
const chevrotain = (await import(bundle)) as typeof Chevrotain;

export const { EmbeddedActionsParser, createToken, Lexer, EOF } = chevrotain;
export type { IOrAlt, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
