// Errors are data: every code in the catalogues is documented in docs/errors.md (the generated
// block is current), codes are unique, templates name only arguments given, and the packages
// moved to catalogues throw nothing that does not come from one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allCatalogues } from '@kasper/diagnostics';
import { ERRORS_MD, MIGRATED, errorsDoc } from './catalogues.ts';

const root = join(import.meta.dirname, '../..');

test('docs/errors.md holds every code of every catalogue (run `npm run docs:errors` after changing one)', () => {
  const current = readFileSync(ERRORS_MD, 'utf8');
  assert.equal(current, errorsDoc(current));
  for (const c of allCatalogues()) for (const code of Object.keys(c.messages)) assert.ok(current.includes(`| ${code}`), code);
});

test('each message has a hint, and placeholders that are names', () => {
  for (const c of allCatalogues()) {
    for (const [code, def] of Object.entries(c.messages)) {
      assert.ok(def.hint.length > 5, `${code} says what to do`);
      for (const m of def.message.matchAll(/\{([^}]*)\}/g)) assert.match(m[1], /^\w+$/, `${code}: placeholder {${m[1]}}`);
    }
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the migrated packages throw only what their catalogues hold', () => {
  const offences: string[] = [];
  for (const pkg of MIGRATED) {
    for (const file of sources(join(root, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        // A thrown error built from a literal message is one the catalogue does not know.
        if (/\bnew\s+\w*Error\s*\(\s*[`'"]/.test(line) && !/defineCatalogue|Malformed diagnostic code|is defined twice/.test(line)) {
          offences.push(`${file.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assert.deepEqual(offences, []);
});

test('every code the migrated packages name in their sources is in a catalogue', () => {
  const known = new Set(allCatalogues().flatMap((c) => Object.keys(c.messages)));
  const unknown: string[] = [];
  for (const pkg of MIGRATED) {
    for (const file of sources(join(root, 'packages', pkg, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](KSP-[A-Z]+-\d{3})['"`]/g)) {
        if (!known.has(m[1])) unknown.push(`${file.slice(root.length + 1)}: ${m[1]}`);
      }
    }
  }
  assert.deepEqual(unknown, []);
});
