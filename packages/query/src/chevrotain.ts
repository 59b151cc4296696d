// Loads chevrotain from its single-file bundle rather than its module tree (which pulls in
// hundreds of lodash-es modules: about 140 ms of start-up against 20 ms). The package's
// `exports` map does not expose the bundle, so it is found next to the entry point.
import type * as Chevrotain from 'chevrotain';

const entry = import.meta.resolve('chevrotain'); // …/chevrotain/lib/src/api.js
const bundle = new URL('../chevrotain.min.mjs', entry).href;
const chevrotain = (await import(bundle)) as typeof Chevrotain;

export const { EmbeddedActionsParser, createToken, Lexer } = chevrotain;
export type { IToken, TokenType } from 'chevrotain';
