// The type system: instances and assignability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Any, IntegerType, StringType, TypeType, ArrayType, parameterize, typeByName } from '../src/types/index.ts';

test('Any and Type take every type', () => {
  const type = typeByName('Type')!;
  assert.equal(type.isInstance(new IntegerType()), true);
  assert.equal(new TypeType(Any).isInstance(new StringType()), true);
  assert.equal(Any.isAssignable(new ArrayType(new StringType())), true);
  assert.equal(new ArrayType(Any).isAssignable(new ArrayType(new StringType())), true);
});

test('Type[T] takes the types assignable to T', () => {
  const typeOfInteger = parameterize(typeByName('Type')!, [new IntegerType()]) as TypeType;
  assert.equal(typeOfInteger.isInstance(new IntegerType(1n, 5n)), true);
  assert.equal(typeOfInteger.isInstance(new StringType()), false);
  assert.equal(typeOfInteger.isInstance('Integer'), false);
});
