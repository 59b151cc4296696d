// The files package's messages (see @kasper/diagnostics).
import { KasperError, defineCatalogue, raiser } from '@kasper/diagnostics';

export const FILES_MESSAGES = defineCatalogue({
  package: 'files',
  title: 'Files (`KSP-FILES-…`)',
  intro: 'A name from outside (a URL, a CSR, a catalog) that would lead out of the folder it belongs in.',
  messages: {
    'KSP-FILES-001': { message: "Refused the name '{name}': {reason}", hint: 'names are relative, without `..`, NUL, or links out of their folder', status: 400 },
  },
});

/** A name refused by safeJoin. */
export class UnsafePathError extends KasperError {}

export const raise = raiser(FILES_MESSAGES, UnsafePathError);
