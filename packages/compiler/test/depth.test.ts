// Deep evaluation: chains the parser reads without limit (1 + 2 + … + 20000, a -> b -> …, elsif
// branches) and recursion through functions and classes end in KSP-EVAL-047 at the place where
// evaluation went too deep, never in a stack overflow. (Puppet 7 answers all of these with
// "Could not run: stack level too deep", without a place.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CompileError, compileCatalog } from '../src/index.ts';
import { MAX_EVALUATION_DEPTH } from '../src/evaluator.ts';

const root = mkdtempSync(join(tmpdir(), 'kasper-compiler-depth-'));
after(() => rmSync(root, { recursive: true, force: true }));
let sites = 0;

function compile(files: Record<string, string>) {
  const dir = join(root, String(sites++));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return compileCatalog({
    environment: { name: 'production', manifest: join(dir, 'manifests'), modulepath: [join(dir, 'modules')], directory: dir },
    node: 'n', facts: new Map(),
  });
}

/** The CompileError a site fails with, as `code line:column`. */
function failure(files: Record<string, string>): string {
  try {
    compile(files);
  } catch (e) {
    assert.ok(e instanceof CompileError, `not a CompileError: ${(e as Error).stack}`);
    return `${e.code} ${e.location?.line}:${e.location?.column} ${e.message}`;
  }
  assert.fail('compiled');
}

const tooDeep = `Evaluation nested more than ${MAX_EVALUATION_DEPTH} levels deep here`;
const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('a sum of 20,000 terms is KSP-EVAL-047 where the sum is; a short one is computed', () => {
  assert.equal(failure({ 'manifests/site.pp': `notice('x')\n$x = ${numbers(20000).join('+')}\n` }), `KSP-EVAL-047 2:6 ${tooDeep}`);
  const c = compile({ 'manifests/site.pp': `$x = ${numbers(150).join('+')}\nnotify { 'n': message => "\${x}" }\n` });
  assert.equal(c.resources.find((r) => r.title === 'n')?.parameters.get('message'), String((150 * 151) / 2));
});

test('long chains of arrows, method calls, prefixes, assignments and elsif are KSP-EVAL-047', () => {
  const n = 20000;
  const sites: Record<string, string> = {
    arrows: Array.from({ length: n }, (_, i) => `notify { 'n${i}': }`).join(' -> '),
    methods: `$x = "a"${'.upcase'.repeat(n)}`,
    nots: `$x = ${'!'.repeat(n)}true`,
    assignments: `${Array.from({ length: n }, (_, i) => `$a${i} =`).join(' ')} 1`,
    elsif: `if false {}${' elsif false {}'.repeat(n)} else { notify { 'n': } }`,
  };
  for (const [name, text] of Object.entries(sites)) {
    assert.match(failure({ 'manifests/site.pp': `${text}\n` }), new RegExp(`^KSP-EVAL-047 1:\\d+ ${tooDeep}$`), name);
  }
});

test('a collector query of 20,000 terms is evaluated in a loop', () => {
  const query = Array.from({ length: 20000 }, (_, i) => `tag == 't${i}'`).join(' or ');
  const c = compile({ 'manifests/site.pp': `@notify { 'a': tag => 't19999' }\n@notify { 'b': }\nNotify <| ${query} |>\n` });
  assert.deepEqual(c.resources.filter((r) => r.type === 'Notify').map((r) => r.title), ['a']);
});

test('recursion through functions and includes is KSP-EVAL-047 at the call that goes too deep', () => {
  assert.match(failure({
    'manifests/site.pp': "function f($n) { if $n > 0 { f($n - 1) } else { 0 } }\nnotify { 'n': message => \"${f(100000)}\" }\n",
  }), new RegExp(`^KSP-EVAL-047 1:\\d+ ${tooDeep}$`));
  // each class in its own file, loaded (and parsed) as the include reaches it
  const files: Record<string, string> = { 'manifests/site.pp': 'include m::c0\n' };
  for (let i = 0; i < 1000; i++) files[`modules/m/manifests/c${i}.pp`] = `class m::c${i} {\n  include m::c${i + 1}\n}\n`;
  assert.match(failure(files), new RegExp(`^KSP-EVAL-047 2:\\d+ ${tooDeep}$`));
  const shallow: Record<string, string> = { 'manifests/site.pp': 'include m::c0\n', 'modules/m/manifests/c100.pp': 'class m::c100 {}\n' };
  for (let i = 0; i < 100; i++) shallow[`modules/m/manifests/c${i}.pp`] = `class m::c${i} { include m::c${i + 1} }\n`;
  assert.equal(compile(shallow).resources.filter((r) => r.type === 'Class' && /^m::c\d+$/i.test(r.title)).length, 101);
});
