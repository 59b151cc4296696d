// Certnames, the errors the CA answers with, and the one way a certname becomes a path.
import { printable, safeJoin, UnsafePathError } from '@kasper/files';
import { raise } from './messages.ts';

export { CAError } from './messages.ts';

/**
 * A certname: lower-case letters, digits, dots, dashes, underscores (Puppet's rule), not starting
 * with a dot, at most 255 characters. The master's route schemas use the same pattern.
 */
export const CERTNAME_PATTERN = '^[a-z0-9_-][a-z0-9._-]{0,254}$';
const CERTNAME = new RegExp(CERTNAME_PATTERN);

export function checkName(name: string): void {
  if (!CERTNAME.test(name)) {
    throw raise('KSP-CA-001', { name: printable(name, 100) });
  }
}

/**
 * The one way a certname becomes a file: `<base>/<folder>/<name>.pem`, the name checked against the
 * certname grammar and the path refused (CAError) if it resolves outside `base`, links followed.
 * Used for the CA's requests/ and signed/ and for the ssl/ folder of the master's own credentials.
 */
export function certnamePath(base: string, folder: string, name: string): string {
  checkName(name);
  try {
    return safeJoin(base, [folder, `${name}.pem`]);
  } catch (e) {
    if (e instanceof UnsafePathError) throw raise('KSP-CA-002', { path: `${folder}/${name}.pem` });
    throw e;
  }
}
