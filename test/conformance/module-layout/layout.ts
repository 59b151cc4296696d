// The module-layout golden's shape and the file list both sides validate.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LayoutGolden {
  /** The Puppet version that validated. */
  puppet: string;
  /** Every .pp file, relative to the modulepath, sorted. */
  files: string[];
  /** The files Puppet refused, with each error (paths in messages relative to the modulepath). */
  refused: Record<string, { message: string; line: number }[]>;
}

/** Every .pp file under each module of `modulepath` (module folders may be links), sorted. */
export function moduleLayoutFiles(modulepath: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p, `${rel}${e}/`);
      else if (e.endsWith('.pp')) out.push(`${rel}${e}`);
    }
  };
  walk(modulepath, '');
  return out.sort();
}
