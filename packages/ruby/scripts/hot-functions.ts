// Writes packages/ruby/src/hot-functions.txt: the names of the embedded Ruby's WebAssembly
// functions that real compiles run, which the snapshot's module marks for eager compilation
// (snapshot.ts, withCompilationHints). Run it again after changing @ruby/3.4-wasm-wasi or the
// shim: `npx node packages/ruby/scripts/hot-functions.ts` (needs Debian's puppet-module-*
// packages in /usr/share/puppet/modules).
//
// How: each workload compiles in a child Node with V8's `--experimental-wasm-pgo-to-file`, which
// writes, when the process ends, one byte per declared function of each WebAssembly module with
// bit 0 set when the function ran. The indices are the module's own; the names come from the
// debug build the package ships beside it (the same functions, with a name section).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { declaredFunctionCount, functionNames, importedFunctionCount } from '../src/snapshot.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const MODULES = '/usr/share/puppet/modules';
const require = createRequire(import.meta.url);
const release = readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'));
const debug = readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby.debug+stdlib.wasm'));

if (!readdirSync(MODULES).includes('apache')) throw new Error(`Debian's module packages are not installed in ${MODULES}`);

const work = mkdtempSync(join(tmpdir(), 'kasper-hot-'));
try {
  // The ERB benchmark's site (test/bench/erb.bench.ts) and the module sites of the conformance suite.
  const apache = join(work, 'apache');
  mkdirSync(join(apache, 'manifests'), { recursive: true });
  writeFileSync(join(apache, 'manifests', 'site.pp'), [`class { 'apache': default_vhost => false }`, ...Array.from({ length: 20 }, (_x, i) =>
    `apache::vhost { 'site${i}.example.com': port => 80, docroot => '/var/www/site${i}', serveraliases => ['www.site${i}.example.com'], ` +
    `directories => [{ path => '/var/www/site${i}', options => ['Indexes', 'FollowSymLinks'], allow_override => ['All'] }] }`)].join('\n') + '\n');
  const corpus = join(root, 'test/conformance/modules-corpus');
  for (const f of ['facts.yaml', 'environment.conf']) copyFileSync(join(corpus, 'stdlib', f), join(apache, f));
  const sites = process.env.ONLY ? [apache] : [apache, ...readdirSync(corpus).sort().map((name) => join(corpus, name))];

  const compileIn = join(work, 'compile.ts');
  writeFileSync(compileIn, [
    `import { compileCatalog, environmentFromFolder, loadFactsFile } from ${JSON.stringify(join(root, 'packages/compiler/src/index.ts'))};`,
    'for (const dir of process.argv.slice(2)) {',
    `  compileCatalog({ environment: environmentFromFolder(dir, 'production'), node: 'web01.example.com', facts: loadFactsFile(dir + '/facts.yaml') });`,
    '}',
  ].join('\n'));
  // As a compile runs once its caches are warm: a first run writes Ruby's snapshot and the
  // templates' and functions' compiled code into a cache of its own, a second (profiled) one
  // restores Ruby from the snapshot and loads that code. Dynamic tiering on: V8 counts a
  // function's runs only where it may tier it up.
  const env = { ...process.env, XDG_CACHE_HOME: join(work, 'cache'), KASPER_RUBY_TIER_UP: '1' };
  const declared = declaredFunctionCount(release);
  const imported = importedFunctionCount(release);
  const names = functionNames(debug);
  const runs = new Map<string, number>();
  const erb = new Set<string>();
  for (const [n, site] of sites.entries()) {
    const out = join(work, `pgo-${n}`);
    mkdirSync(out);
    for (const flags of [[], ['--experimental-wasm-pgo-to-file']]) {
      const r = spawnSync(process.execPath, [...flags, compileIn, site], { cwd: out, env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`the compile of ${site} failed (${r.status})`);
    }
    for (const file of readdirSync(out)) {
      // One file per module the process compiled (Node's own TypeScript stripper is one too):
      // Ruby's is the one whose tiering bytes, after the type feedback, are one per declared function.
      const bits = tieringBytes(readFileSync(join(out, file)));
      if (bits?.length !== declared) continue;
      bits.forEach((b, i) => {
        const name = names.get(imported + i);
        if (!(b & 1) || !name) return;
        runs.set(name, (runs.get(name) ?? 0) + 1);
        if (site === apache) erb.add(name);
      });
    }
  }
  // What the ERB site runs, and what at least a quarter of the sites run: each eager function
  // costs ~40 µs of a background thread's time in every process that starts Ruby.
  const hot = new Set([...erb, ...[...runs].filter(([, count]) => count >= sites.length / 4).map(([name]) => name)]);
  if (hot.size < 100) throw new Error(`only ${hot.size} functions ran: the profile was not written`);
  const list = [...hot].sort();
  writeFileSync(join(here, '..', 'src', 'hot-functions.txt'), list.join('\n') + '\n');
  process.stdout.write(`${list.length} of ${declared} functions ran in ${sites.length} sites' compiles\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * The tiering bytes of a PGO file: after the type feedback (a count, then per function its index,
 * its call sites' cases as pairs of numbers, and its call targets, all LEB128), one byte per
 * declared function. Undefined when the file does not parse.
 */
function tieringBytes(data: Uint8Array): Uint8Array | undefined {
  let p = 0;
  const next = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (p >= data.length) throw new RangeError('truncated');
      const b = data[p++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return value;
    }
  };
  try {
    for (let functions = next(); functions > 0; functions--) {
      next(); // the function's index
      for (let sites = next(); sites > 0; sites--) {
        const cases = next(); // signed: a negative count is a site with no calls
        if (cases < 64) for (let c = 0; c < cases; c++) { next(); next(); }
      }
      for (let targets = next(); targets > 0; targets--) next();
    }
    return data.subarray(p);
  } catch {
    return undefined;
  }
}
