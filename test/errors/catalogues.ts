// Every package's message catalogue, and the docs/errors.md block generated from them.
// `npm run docs:errors` rewrites the block; catalogues.test.ts checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCatalogues, errorsMarkdown } from '@kasper/diagnostics';
import '@kasper/agent';
import '@kasper/ca';
import '@kasper/cli';
import '@kasper/compiler';
import '@kasper/deploy';
import '@kasper/diff';
import '@kasper/facts';
import '@kasper/files';
import '@kasper/language';
import '@kasper/master';
import '@kasper/providers';
import '@kasper/secrets';
import '@kasper/query';
import '@kasper/rollout';
import '@kasper/settings';

export const ERRORS_MD = join(import.meta.dirname, '../../docs/errors.md');
const BEGIN = '<!-- generated from the packages\' message catalogues by `npm run docs:errors`: edit the catalogues, not this block -->';
const END = '<!-- end of the generated block -->';

/** Packages whose every thrown error comes from their catalogue (the others are being moved over). */
export const MIGRATED = ['agent', 'ca', 'cli', 'compiler', 'deploy', 'diagnostics', 'diff', 'facts', 'files', 'hooks', 'language', 'master', 'providers', 'rollout', 'secrets', 'settings'];

export function generatedBlock(): string {
  return `${BEGIN}\n${errorsMarkdown(allCatalogues(), '')}${END}`;
}

/** docs/errors.md with its generated block as the catalogues make it. */
export function errorsDoc(current = readFileSync(ERRORS_MD, 'utf8')): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < 0) return `${current.trimEnd()}\n\n${generatedBlock()}\n`;
  return `${current.slice(0, start)}${generatedBlock()}${current.slice(end + END.length)}`;
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--write')) {
  writeFileSync(ERRORS_MD, errorsDoc());
  console.log(`wrote ${ERRORS_MD}`);
}
