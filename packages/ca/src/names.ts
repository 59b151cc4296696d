// Certnames, the errors the CA answers with, and the one way a certname becomes a path.
import { safeJoin, UnsafePathError } from '@kasper/files';

export class CAError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

/** A certname: lower-case letters, digits, dots, dashes, underscores (Puppet's rule). */
export function checkName(name: string): void {
  if (!/^[a-z0-9._-]+$/.test(name) || name.length > 255 || name.startsWith('.')) {
    throw new CAError(`Invalid certname '${name.length > 100 ? `${name.slice(0, 100)}…` : name}': use lower-case letters, digits, '.', '-' and '_'`);
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
    if (e instanceof UnsafePathError) throw new CAError(`Refused ${folder}/${name}.pem: a link leads out of its folder`, 403);
    throw e;
  }
}
