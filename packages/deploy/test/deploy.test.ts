// Environments from git, end to end: a real `git push` to the repository `kasper code init`
// made runs its hooks (the kasper command itself), which deploy, update, remove and refuse.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileCatalog, environmentFromFolder } from '@kasper/compiler';
import { catalogToJson } from '@kasper/catalog';
import { codeStatus, initRepo, type DeployMarker } from '../src/index.ts';
import { GIT_ENV, commitAll, git, gitOk, writeFiles } from '../../../test/support/git.ts';

const KASPER = join(import.meta.dirname, '../../cli/bin/kasper.js');
const marker = (env: string) => JSON.parse(readFileSync(join(env, '.kasper-deploy.json'), 'utf8')) as DeployMarker;

describe('kasper code: environments from git', () => {
  let root: string;
  let o: { codedir: string; environmentpath: string };
  let repo: string;
  let work: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kasper-deploy-'));
    o = { codedir: join(root, 'code'), environmentpath: join(root, 'environments') };
    // The hooks read this kasper.conf and no storage (so no node to diff). push_gate = off: these
    // tests are of the post-receive deploy, which a push the tree of cannot be deployed then
    // reaches (with the gate on, the pre-receive hook refuses it: test/deploy/push-diff.test.ts).
    writeFiles(join(root, 'conf'), { 'kasper.conf': '[master]\npush_gate = off\n' });
    repo = initRepo({ ...o, confdir: join(root, 'conf'), storage: join(root, 'no-storage.db') }, [process.execPath, KASPER]);
    work = join(root, 'work');
    gitOk(root, 'init', '-q', '-b', 'production', work);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('a push deploys the branch as an environment whose catalogs carry the commit as code_id', () => {
    writeFiles(work, { 'manifests/site.pp': "notify { 'one': }\n", 'modules/site/manifests/init.pp': 'class site {}\n' });
    const id = commitAll(work, 'one');
    const out = gitOk(work, 'push', repo, 'production');
    assert.match(out, /kasper: environment production deployed at [0-9a-f]{12}/);
    const env = join(o.environmentpath, 'production');
    assert.ok(lstatSync(env).isSymbolicLink());
    assert.equal(readFileSync(join(env, 'manifests/site.pp'), 'utf8'), "notify { 'one': }\n");
    assert.equal(marker(env).commit, id);
    assert.ok(!existsSync(join(env, '.git')));
    const config = environmentFromFolder(realpathSync(env), 'production');
    assert.equal(config.codeId, id);
    const catalog = compileCatalog({ environment: config, node: 'n1.example.com', facts: new Map() });
    assert.equal(catalogToJson(catalog).code_id, id);
    assert.ok(catalog.resources.some((r) => r.type === 'Notify' && r.title === 'one'));
    assert.deepEqual(codeStatus(o).map((s) => [s.name, s.state]), [['production', 'current']]);
  });

  it('a second push replaces the environment atomically: a reader never sees a missing or mixed tree', async () => {
    // 300 files that all say which push wrote them; a reader resolves the link once and reads them all.
    const files = (n: number) => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`data/f${i}.txt`, `push ${n}\n`]));
    const reader = spawn(process.execPath, ['-e', `
      const fs = require('node:fs'); const path = require('node:path');
      const env = process.argv[1]; let reads = 0, bad = [];
      const stop = Date.now() + 60000;
      const seen = new Set();
      const tick = () => {
        for (let k = 0; k < 50; k++) {
          let dir;
          try { dir = fs.realpathSync(env); } catch (e) { bad.push('no environment: ' + e.code); continue; }
          try {
            const vals = new Set(fs.readdirSync(path.join(dir, 'data')).map((f) => fs.readFileSync(path.join(dir, 'data', f), 'utf8')));
            const n = fs.readdirSync(path.join(dir, 'data')).length;
            if (vals.size !== 1 || n !== 300) bad.push('mixed or partial: ' + n + ' files, ' + [...vals].join('|'));
            seen.add([...vals][0]);
            reads++;
          } catch (e) { if (!fs.existsSync(path.join(dir, '.kasper-deploy.json'))) bad.push('read failed: ' + e.message); }
        }
        if (fs.existsSync(env + '.stop') || Date.now() > stop) { console.log(JSON.stringify({ reads, bad: bad.slice(0, 5), seen: [...seen] })); process.exit(0); }
        setImmediate(tick);
      };
      tick();`, join(o.environmentpath, 'production')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    reader.stdout.on('data', (d) => { text += d; });
    for (let n = 2; n <= 6; n++) {
      writeFiles(work, files(n));
      commitAll(work, `push ${n}`);
      assert.match(gitOk(work, 'push', repo, 'production'), /environment production deployed/);
    }
    writeFileSync(join(o.environmentpath, 'production.stop'), '');
    await new Promise((r) => reader.on('exit', r));
    rmSync(join(o.environmentpath, 'production.stop'));
    const result = JSON.parse(text) as { reads: number; bad: string[]; seen: string[] };
    assert.deepEqual(result.bad, [], `reader saw: ${result.bad.join('; ')}`);
    assert.ok(result.reads > 0 && result.seen.length >= 2, `the reader saw the deploys change (${JSON.stringify(result)})`);
    assert.equal(readFileSync(join(o.environmentpath, 'production', 'data/f0.txt'), 'utf8'), 'push 6\n');
    // The current deploy and the one before it are kept; older ones are gone.
    assert.equal(readdirSync(join(o.environmentpath, '.deploys')).filter((f) => f.startsWith('production.')).length, 2);
  });

  it('a branch whose name is no environment name is refused: the push fails, nothing is created', () => {
    const r = git(work, 'push', repo, 'production:feature/x-1');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /kasper: branch 'feature\/x-1' is not a valid environment name: refused/);
    assert.ok(!gitOk(work, 'ls-remote', repo).includes('feature'));
    assert.deepEqual(readdirSync(o.environmentpath).filter((f) => !f.startsWith('.')), ['production']);
  });

  it('a new branch is a new environment, and deleting the branch removes it', () => {
    assert.match(gitOk(work, 'push', repo, 'production:testing'), /environment testing deployed/);
    assert.ok(existsSync(join(o.environmentpath, 'testing', 'manifests/site.pp')));
    assert.match(gitOk(work, 'push', repo, ':testing'), /environment testing removed/);
    assert.ok(!lstatSync(join(o.environmentpath, 'testing'), { throwIfNoEntry: false }));
    assert.ok(!readdirSync(join(o.environmentpath, '.deploys')).some((f) => f.startsWith('testing.')));
  });

  it('pushes that overtake each other while a deploy holds the lock end with the last push deployed; a dead lock is taken over', async () => {
    const pushAsync = (ref: string) => new Promise<string>((done) => {
      const c = spawn('git', ['push', repo, ref], { cwd: work, env: GIT_ENV });
      let out = '';
      c.stdout.on('data', (d) => { out += d; });
      c.stderr.on('data', (d) => { out += d; });
      c.on('exit', () => done(out));
    });
    const lockDir = join(o.environmentpath, '.deploys', 'staging.lock');
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'pid'), String(process.pid)); // held by a live process: this one
    writeFiles(work, { 'manifests/site.pp': "notify { 'x': }\n" });
    commitAll(work, 'x');
    const first = pushAsync('production:staging');
    await new Promise((r) => setTimeout(r, 1500));
    writeFiles(work, { 'manifests/site.pp': "notify { 'y': }\n" });
    const y = commitAll(work, 'y');
    const second = pushAsync('production:staging');
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!existsSync(join(o.environmentpath, 'staging')), 'nothing deployed while the lock is held');
    rmSync(lockDir, { recursive: true });
    const outs = await Promise.all([first, second]);
    assert.ok(outs.every((t) => /environment staging deployed/.test(t)), outs.join('\n'));
    assert.equal(marker(join(o.environmentpath, 'staging')).commit, y);
    assert.equal(readFileSync(join(o.environmentpath, 'staging', 'manifests/site.pp'), 'utf8'), "notify { 'y': }\n");
    // A lock left by a process that is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'pid'), dead);
    assert.match(gitOk(work, 'push', repo, ':staging'), /environment staging removed/);
    gitOk(work, 'reset', '-q', '--hard', 'HEAD~2');
  });

  it('a link leading out of the code is refused and the deployed environment stays as it was', () => {
    const before = readlinkSync(join(o.environmentpath, 'production'));
    gitOk(work, 'checkout', '-q', '-b', 'hostile');
    symlinkSync('/etc/passwd', join(work, 'modules/site/files'));
    commitAll(work, 'absolute link');
    let r = git(work, 'push', repo, 'hostile:production');
    assert.match(r.out, /environment production NOT deployed: modules\/site\/files: a symbolic link leads out of the environment \(\/etc\/passwd\)/);
    rmSync(join(work, 'modules/site/files'));
    mkdirSync(join(work, 'modules/site/lib'), { recursive: true });
    symlinkSync('../../..', join(work, 'modules/site/lib/up'));
    symlinkSync('lib/up/..', join(work, 'modules/site/sneaky'));
    commitAll(work, 'a link that leaves through another');
    r = git(work, 'push', '-f', repo, 'hostile:production');
    assert.match(r.out, /NOT deployed: modules\/site\/sneaky: a symbolic link leads out/);
    assert.equal(readlinkSync(join(o.environmentpath, 'production')), before);
    assert.equal(readFileSync(join(o.environmentpath, 'production', 'data/f0.txt'), 'utf8'), 'push 6\n');
    assert.deepEqual(codeStatus(o).find((s) => s.name === 'production')?.state, 'behind');
    gitOk(work, 'checkout', '-q', 'production');
    assert.match(gitOk(work, 'push', '-f', repo, 'production'), /environment production deployed/);
  });

  it("a Puppetfile's git modules are installed from local remotes, at the ref each names, through a cache", () => {
    // Two module repositories with a branch, tags and commits.
    const remotes = join(root, 'remotes');
    const mk = (name: string) => {
      const d = join(remotes, name);
      gitOk(root, 'init', '-q', '-b', 'main', d);
      return d;
    };
    const a = mk('alpha');
    writeFiles(a, { 'manifests/init.pp': "class alpha { notify { 'alpha v1': } }\n", 'metadata.json': '{"name":"t-alpha","version":"1.0.0"}\n' });
    const a1 = commitAll(a, 'v1');
    gitOk(a, 'tag', 'v1.0.0');
    writeFiles(a, { 'manifests/init.pp': "class alpha { notify { 'alpha v2': } }\n" });
    commitAll(a, 'v2');
    const b = mk('beta');
    writeFiles(b, { 'manifests/init.pp': "class beta { notify { 'beta main': } }\n" });
    const b1 = commitAll(b, 'main');
    gitOk(b, 'checkout', '-q', '-b', 'develop');
    writeFiles(b, { 'manifests/init.pp': "class beta { notify { 'beta develop': } }\n" });
    const b2 = commitAll(b, 'develop');
    gitOk(b, 'checkout', '-q', 'main');
    writeFiles(work, {
      Puppetfile: `forge 'https://forgeapi.puppet.com'\n\nmod 't/alpha',\n  :git => '${a}',\n  :tag => 'v1.0.0'\nmod 'beta', git: 'file://${b}', branch: 'develop'\nmod 'site', :local => true\n`,
      'manifests/site.pp': "include alpha, beta, site\n",
    });
    const id = commitAll(work, 'puppetfile');
    const out = gitOk(work, 'push', repo, 'production');
    assert.match(out, /module alpha [0-9a-f]{12} \(tag v1\.0\.0\)/);
    assert.match(out, /deployed at [0-9a-f]{12} with 2 module\(s\)/);
    const env = join(o.environmentpath, 'production');
    assert.equal(readFileSync(join(env, 'modules/alpha/manifests/init.pp'), 'utf8'), "class alpha { notify { 'alpha v1': } }\n");
    assert.equal(readFileSync(join(env, 'modules/beta/manifests/init.pp'), 'utf8'), "class beta { notify { 'beta develop': } }\n");
    assert.ok(existsSync(join(env, 'modules/site/manifests/init.pp')), 'a :local module stays');
    assert.deepEqual(marker(env).modules, [{ name: 'alpha', url: a, commit: a1 }, { name: 'beta', url: `file://${b}`, commit: b2 }]);
    const catalog = compileCatalog({ environment: environmentFromFolder(realpathSync(env), 'production'), node: 'n1', facts: new Map() });
    assert.deepEqual(catalog.resources.filter((r) => r.type === 'Notify').map((r) => r.title).sort(), ['alpha v1', 'beta develop']);
    assert.equal(catalog.codeId, id);
    assert.equal(readdirSync(join(o.codedir, 'cache')).length, 2);

    // A new commit on the branch a module follows arrives with the next push (the cache is fetched).
    gitOk(b, 'checkout', '-q', 'develop');
    writeFiles(b, { 'manifests/init.pp': "class beta { notify { 'beta develop 2': } }\n" });
    const b3 = commitAll(b, 'develop 2');
    writeFiles(work, { Puppetfile: `mod 'alpha', :git => '${a}', :commit => '${a1}'\nmod 'beta', :git => '${b}', :ref => 'develop'\nmod 'gamma', :git => '${b}', :ref => '${b1}'\n` });
    commitAll(work, 'refs');
    gitOk(work, 'push', repo, 'production');
    assert.deepEqual(marker(env).modules.map((m) => [m.name, m.commit]), [['alpha', a1], ['beta', b3], ['gamma', b1]]);

    // A forge module and a ref that does not exist: refused, with the line; the environment stays.
    writeFiles(work, { Puppetfile: `mod 'alpha', :git => '${a}'\nmod 'puppetlabs/stdlib', '9.0.0'\n` });
    commitAll(work, 'forge');
    assert.match(gitOk(work, 'push', repo, 'production'), /NOT deployed: Puppetfile:2: forge module 'puppetlabs\/stdlib' is not supported: no network forge access/);
    writeFiles(work, { Puppetfile: `mod 'alpha', :git => '${a}', :tag => 'v9'\n` });
    commitAll(work, 'no such tag');
    assert.match(gitOk(work, 'push', repo, 'production'), /NOT deployed: module alpha: tag 'v9' not found in /);
    assert.deepEqual(marker(env).modules.map((m) => m.name), ['alpha', 'beta', 'gamma']);
  });

  it('kasper code deploy and status from the command line', () => {
    const r = spawnSync(process.execPath, [KASPER, 'code', 'status', '--codedir', o.codedir, '--environmentpath', o.environmentpath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^production\s+behind\s+deployed [0-9a-f]{12}/m);
    const d = spawnSync(process.execPath, [KASPER, 'code', 'deploy', '--codedir', o.codedir, '--environmentpath', o.environmentpath], { encoding: 'utf8' });
    // The branch head has an unknown tag: the deploy fails and says so, with a non-zero exit.
    assert.equal(d.status, 1);
    assert.match(d.stdout, /environment production NOT deployed: module alpha: tag 'v9' not found/);
  });
});
