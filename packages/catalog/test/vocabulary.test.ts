// The contract's vocabulary has one owner: the providers' types declare the namevar the
// catalog's table gives for every type both know, and the relationship metaparameters are
// metaparameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// Only this test looks across: the providers import the catalog, never the other way round.
import { MODULE_TYPES, Registry } from '@kasper/providers';
import { BUILTIN_NAMEVARS, BUILTIN_RESOURCE_TYPES, METAPARAMETERS, RELATIONSHIP_PARAMETERS, isRelationshipParameter, namevarOf } from '../src/index.ts';

test("the providers' types declare the namevars the catalog's table gives", () => {
  const registry = new Registry();
  const both = registry.typeNames().filter((t) => BUILTIN_RESOURCE_TYPES.has(t));
  assert.ok(both.length >= 9, `types both know: ${both.join(', ')}`);
  assert.deepEqual(registry.typeNames().filter((t) => !BUILTIN_RESOURCE_TYPES.has(t) && !(t in MODULE_TYPES)), [], 'every type Kasper manages is a built-in one or a known module\'s');
  for (const t of both) assert.equal(registry.type(t)!.definition.namevar, BUILTIN_NAMEVARS[t], t);
});

test('namevars, types and metaparameters', () => {
  assert.equal(namevarOf('File'), 'path');
  assert.equal(namevarOf('exec'), 'command');
  assert.equal(namevarOf('apt::source'), 'name');
  assert.equal(namevarOf('toString'), 'name', 'not a type: no inherited property');
  for (const p of RELATIONSHIP_PARAMETERS) assert.ok(METAPARAMETERS.has(p) && isRelationshipParameter(p), p);
  assert.equal(isRelationshipParameter('alias'), false);
});
