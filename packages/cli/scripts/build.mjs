// Emits the JavaScript the kasper command runs: packages/NAME/src/**/*.ts → packages/NAME/dist/**/*.js
// (other files under src/, such as the Ruby shim, are copied). Run by `npm ci` (the root `prepare`
// script), `npm run build` and `npm test`. With it, a command starts without Node's TypeScript
// type stripper: measured on `kasper facts` with an empty compile cache, 200 → 65 ms of CPU and
// 96 → 63 MiB of memory (docs/performance.md).
//
// Incremental: a file is emitted again only when its source is newer; outputs whose source is
// gone are removed. Each output is written to a temporary name and renamed, so a concurrent run
// (two test files building at once) never sees half a file.
//
// Imports of Kasper packages (`@kasper/x`, also in createRequire calls) become relative paths
// into the other package's dist folder, so the emitted tree never reaches back into TypeScript,
// while package.json `exports` keep naming the sources, which the typechecker, the tests and
// development use. Pure JavaScript (no TypeScript syntax) so it runs before anything else.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const packagesDir = join(root, 'packages');
const TMP = /\.tmp-\d+$/;

/** Every workspace package: its npm name → folder and `exports` map. */
const packages = new Map();
for (const folder of readdirSync(packagesDir)) {
  const file = join(packagesDir, folder, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  packages.set(pkg.name, { dir: join(packagesDir, folder), exports: pkg.exports ?? {} });
}

const compilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
};

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Where a source file's output goes: src/a/b.ts → dist/a/b.js, src/x.rb → dist/x.rb. */
function output(pkgDir, source) {
  return join(pkgDir, 'dist', relative(join(pkgDir, 'src'), source)).replace(/\.ts$/, '.js');
}

/** Rewrites every string literal naming a Kasper package into a relative path to its output. */
function linkPackages(code, out) {
  return code.replace(/(['"])(@kasper\/[a-z-]+)((?:\/[a-z-]+)?)\1/g, (_, quote, name, sub) => {
    const target = packages.get(name);
    const entry = target?.exports[`.${sub}`];
    if (typeof entry !== 'string' || !entry.startsWith('./src/')) {
      throw new Error(`${relative(root, out)}: cannot link ${name}${sub} (not a package export under ./src/)`);
    }
    let path = relative(dirname(out), output(target.dir, join(target.dir, entry))).split(sep).join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
}

function emit(source, out) {
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions, fileName: source, reportDiagnostics: true,
  });
  if (diagnostics?.length) {
    const d = diagnostics[0];
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    throw new Error(`${relative(root, source)}${at ? `:${at.line + 1}:${at.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return linkPackages(outputText, out);
}

let emitted = 0;
let copied = 0;
let removed = 0;
for (const { dir } of packages.values()) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  const wanted = new Set();
  for (const source of files(src)) {
    if (source.endsWith('.d.ts')) continue; // declarations only: nothing to run
    const out = output(dir, source);
    wanted.add(out);
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(source).mtimeMs) continue;
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    if (source.endsWith('.ts')) {
      writeFileSync(tmp, emit(source, out));
      emitted++;
    } else {
      copyFileSync(source, tmp);
      copied++;
    }
    renameSync(tmp, out);
  }
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) continue;
  for (const f of files(dist)) {
    if (!wanted.has(f) && !TMP.test(f)) {
      rmSync(f, { force: true });
      removed++;
    }
  }
}
if (emitted + copied + removed > 0 || process.argv.includes('--verbose')) {
  process.stdout.write(`kasper build: ${emitted} emitted, ${copied} copied, ${removed} removed\n`);
}
