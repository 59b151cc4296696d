// Differential: the same Puppetfile, with local git remotes made here, deployed by Debian's
// g10k (a reimplementation of r10k) and by Kasper; the module trees must be the same: paths,
// file contents, link targets, executable bits. g10k's own `.latest_commit` file must name the
// commit Kasper recorded for that module (g10k writes an annotated tag's own id: peeled here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureCommands, needs } from '../../../test/support/host.ts';
import { initRepo, type DeployMarker } from '../src/index.ts';
import { GIT_ENV, commitAll, gitOk, writeFiles } from '../../../test/support/git.ts';

/** A tree as comparable lines: path, kind, and content / link target / executable bit. */
function treeOf(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) { out.push(`${r}/`); walk(p, r); }
      else out.push(`${r} ${st.mode & 0o100 ? 'x' : '-'} ${readFileSync(p, 'base64')}`);
    }
  };
  walk(dir, '');
  return out;
}

test('a Puppetfile with local git remotes: Kasper installs the same module trees as g10k', (t) => {
  const missing = ensureCommands({ g10k: 'g10k' });
  if (!needs(t, missing === null, missing ?? '')) return;
  const root = mkdtempSync(join(tmpdir(), 'kasper-g10k-'));
  try {
    const remote = (name: string) => {
      const d = join(root, 'remotes', name);
      mkdirSync(d, { recursive: true });
      gitOk(d, 'init', '-q', '-b', 'main');
      return d;
    };
    // alpha: tags, an executable, a link, nested folders, a dotfile.
    const a = remote('alpha');
    writeFiles(a, { 'manifests/init.pp': 'class alpha {}\n', 'templates/a.epp': '<%= 1 %>\n', 'files/deep/er/x.conf': 'x=1\n', '.fixtures.yml': 'fixtures: {}\n', 'metadata.json': '{"name":"t-alpha","version":"1.0.0"}\n' });
    writeFiles(a, { 'files/run.sh': '#!/bin/sh\necho hi\n' });
    chmodSync(join(a, 'files/run.sh'), 0o755);
    symlinkSync('deep/er/x.conf', join(a, 'files/link.conf'));
    commitAll(a, 'v1');
    gitOk(a, 'tag', 'v1.0.0');
    writeFiles(a, { 'manifests/init.pp': 'class alpha { notify { "2": } }\n', 'lib/facter/a.rb': 'Facter.add(:a) { setcode { 1 } }\n' });
    commitAll(a, 'v2');
    gitOk(a, 'tag', '-a', '-m', 'annotated', 'v2.0.0');
    writeFiles(a, { 'README.md': 'three\n' });
    commitAll(a, 'v3 on main');
    // beta: a branch besides main, and a commit pinned by id.
    const b = remote('beta');
    writeFiles(b, { 'manifests/init.pp': 'class beta {}\n' });
    const b1 = commitAll(b, 'one');
    gitOk(b, 'checkout', '-q', '-b', 'develop');
    writeFiles(b, { 'manifests/init.pp': 'class beta { $x = 1 }\n', 'data/common.yaml': 'beta::x: 1\n' });
    commitAll(b, 'develop');
    gitOk(b, 'checkout', '-q', 'main');
    writeFiles(b, { 'manifests/init.pp': 'class beta { $y = 2 }\n' });
    commitAll(b, 'two');

    const puppetfile = [
      "forge 'https://forgeapi.puppet.com'",
      `mod 't/alpha', :git => '${a}', :tag => 'v1.0.0'`,
      `mod 'alpha2', :git => '${a}', :tag => 'v2.0.0'`,
      `mod 'alpha3', :git => '${a}', :branch => 'main'`,
      `mod 'beta',\n  :git => '${b}',\n  :branch => 'develop'`,
      `mod 'beta1', :git => '${b}', :commit => '${b1}'`,
      `mod 'beta2', :git => '${b}', :ref => 'main'`,
      `mod 'alpha4', :git => '${a}'`,
      '',
    ].join('\n');

    // g10k in a control folder of its own.
    const g = join(root, 'g10k');
    writeFiles(g, { Puppetfile: puppetfile });
    const r = spawnSync('g10k', ['-puppetfile', '-cachedir', join(root, 'g10k-cache')], { cwd: g, encoding: 'utf8' });
    assert.equal(r.status, 0, `g10k: ${r.stdout}${r.stderr}`);

    // Kasper: the same Puppetfile pushed as a branch.
    const o = { codedir: join(root, 'code'), environmentpath: join(root, 'environments') };
    const repo = initRepo({ ...o, confdir: join(root, 'conf'), storage: join(root, 'no-storage.db') }, [process.execPath, join(import.meta.dirname, '../../cli/bin/kasper.js')]);
    const work = join(root, 'work');
    mkdirSync(work);
    gitOk(work, 'init', '-q', '-b', 'production');
    writeFiles(work, { Puppetfile: puppetfile });
    commitAll(work, 'control');
    const pushed = spawnSync('git', ['push', repo, 'production'], { cwd: work, env: GIT_ENV, encoding: 'utf8' });
    assert.match(pushed.stderr, /environment production deployed at [0-9a-f]{12} with 7 module\(s\)/, pushed.stderr);
    const env = join(o.environmentpath, 'production');

    const ours = treeOf(join(env, 'modules'), () => false);
    const theirs = treeOf(join(g, 'modules'), (rel) => /(^|\/)\.latest_commit$/.test(rel));
    assert.ok(theirs.length > 20, `g10k installed modules: ${theirs.length} entries`);
    assert.deepEqual(ours, theirs);
    const marker = JSON.parse(readFileSync(join(env, '.kasper-deploy.json'), 'utf8')) as DeployMarker;
    for (const m of marker.modules) {
      // For an annotated tag g10k records the tag object; Kasper the commit it names.
      const theirs = readFileSync(join(g, 'modules', m.name, '.latest_commit'), 'utf8').trim();
      assert.equal(gitOk(m.url, 'rev-parse', `${theirs}^{commit}`), m.commit, m.name);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
