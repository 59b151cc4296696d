// A throwaway Debian package repository for the package tests: tiny packages built with
// dpkg-deb, an index written by hand, and an apt source that only these tests use.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LIST_FILE = '/etc/apt/sources.list.d/kasper-test.list';

export function buildDeb(outDir: string, name: string, version: string): string {
  const root = join(outDir, `build-${name}-${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/doc', name), { recursive: true });
  writeFileSync(join(root, 'usr/share/doc', name, 'VERSION'), `${version}\n`);
  // A configuration file, so removing and purging differ (dpkg keeps conffiles on remove).
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', `${name}.conf`), `version=${version}\n`);
  writeFileSync(join(root, 'DEBIAN/conffiles'), `/etc/${name}.conf\n`);
  writeFileSync(join(root, 'DEBIAN/control'), [
    `Package: ${name}`, `Version: ${version}`, 'Architecture: all', 'Maintainer: Kasper tests <tests@kasper.invalid>',
    'Section: misc', 'Priority: optional', `Description: test package for Kasper's package providers`, '',
  ].join('\n'));
  const deb = join(outDir, `${name}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'pipe' });
  rmSync(root, { recursive: true, force: true });
  return deb;
}

/** Writes Packages for every .deb in the folder (what dpkg-scanpackages does). */
export function writeIndex(repo: string): void {
  const entries: string[] = [];
  for (const f of readdirSync(repo).filter((x) => x.endsWith('.deb')).sort()) {
    const p = join(repo, f);
    const control = execFileSync('dpkg-deb', ['-f', p], { encoding: 'utf8' }).trimEnd();
    const data = readFileSync(p);
    entries.push([
      control, `Filename: ./${f}`, `Size: ${statSync(p).size}`,
      `MD5sum: ${createHash('md5').update(data).digest('hex')}`, `SHA256: ${createHash('sha256').update(data).digest('hex')}`,
    ].join('\n'));
  }
  writeFileSync(join(repo, 'Packages'), entries.join('\n\n') + '\n');
}

/** Points apt at the repository and refreshes only that source's index. */
export function useRepo(repo: string): void {
  // apt reads file: sources as its unprivileged _apt user.
  chmodSync(repo, 0o755);
  for (const f of readdirSync(repo)) chmodSync(join(repo, f), 0o644);
  writeFileSync(LIST_FILE, `deb [trusted=yes] file:${repo} ./\n`);
  execFileSync('apt-get', ['update', '-qq', '-o', `Dir::Etc::sourcelist=${LIST_FILE}`, '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0'], { stdio: 'pipe' });
}

export function dropRepo(): void {
  rmSync(LIST_FILE, { force: true });
  for (const f of readdirSync('/var/lib/apt/lists')) if (f.includes('kasper-test') || f.startsWith('_tmp_kasper')) rmSync(join('/var/lib/apt/lists', f), { force: true });
}

export function installedVersion(name: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Version} ${db:Status-Abbrev}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [v, st] = out.split(' ');
    return st?.startsWith('ii') ? v : undefined;
  } catch {
    return undefined;
  }
}
