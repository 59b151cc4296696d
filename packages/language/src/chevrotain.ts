// Loads chevrotain from its single-file bundle instead of its module tree: the tree pulls in
// hundreds of lodash-es modules (about 140 ms of start-up), the bundle is one file (about 20 ms).
// The package's `exports` map does not expose the bundle, so it is found next to the entry point.
// Loaded with require (an ES module without top-level await may be required), so that the
// parser can load it synchronously the first time a file needs it (see index.ts).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Chevrotain from 'chevrotain';

const entry = import.meta.resolve('chevrotain'); // …/chevrotain/lib/src/api.js
const bundle = fileURLToPath(new URL('../chevrotain.min.mjs', entry));
const chevrotain = createRequire(import.meta.url)(bundle) as typeof Chevrotain;

export const { EmbeddedActionsParser, createToken, Lexer, EOF } = chevrotain;
export type { IOrAlt, IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
