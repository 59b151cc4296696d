// Runs a manifest with Debian's Puppet 7 (puppet apply, no module of the system's modulepath),
// for expected answers: the manifest writes what it wants compared into files of `dir`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Applies `manifest(dir)` and returns the files it wrote into dir, by name. `modulepath` adds
 * modules (for stdlib's functions); by default none, so no module's facts slow Puppet down.
 */
export function puppetApply(manifest: (dir: string) => string, modulepath?: string): Map<string, string> {
  const work = mkdtempSync(join(tmpdir(), 'kasper-ruby-puppet-'));
  try {
    const out = join(work, 'out');
    const empty = join(work, 'modules');
    mkdirSync(out);
    mkdirSync(empty);
    writeFileSync(join(work, 'site.pp'), manifest(out));
    execFileSync('puppet', ['apply', '--color=false', '--confdir', join(work, 'conf'), '--vardir', join(work, 'var'), '--codedir', join(work, 'code'),
      '--basemodulepath', empty, '--modulepath', modulepath ?? empty, join(work, 'site.pp')], { stdio: 'pipe', encoding: 'utf8' });
    return new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
