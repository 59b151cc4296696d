// An environment's folder and modulepath, from its name (already checked by a route schema).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { safeJoin } from '@kasper/files';
import type { MasterConfig } from './config.ts';
import { raise } from './messages.ts';

export function environmentDir(config: MasterConfig, name: string): string {
  const dir = safeJoin(config.environmentpath, name);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw raise('KSP-MASTER-004', { name });
  return dir;
}

export function environmentModulepath(config: MasterConfig, dir: string): string[] {
  return [join(dir, 'modules'), ...config.basemodulepath];
}
