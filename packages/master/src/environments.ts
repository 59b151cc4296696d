// An environment from its name (already checked by a route schema): its folder under the
// environmentpath, read by the compiler's one reading of environment folders (environment.conf
// included), with the master's basemodulepath.
import { realpathSync, statSync } from 'node:fs';
import { environmentFromFolder, type EnvironmentConfig } from '@kasper/compiler';
import { safeJoin } from '@kasper/files';
import type { MasterConfig } from './config.ts';
import { raise } from './messages.ts';

export function environment(config: MasterConfig, name: string): EnvironmentConfig {
  const dir = safeJoin(config.environmentpath, name);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw raise('KSP-MASTER-004', { name });
  // An environment deployed from git is a link to one deploy's folder (see @kasper/deploy): the
  // compile reads that folder to its end even if a new deploy replaces the link meanwhile.
  return environmentFromFolder(realpathSync.native(dir), name, { basemodulepath: config.basemodulepath });
}
