// Puppet's type system: types are values (`Integer[1, 10]`, `Optional[String]`), tested against
// values (`=~`, typed parameters) and against each other (`<=`). One class per type family.
// Messages and string forms follow Puppet's so users recognise them.
//
// base.ts ← scalars.ts, collections.ts, catalog.ts ← describe.ts ← parameterize.ts: each file
// imports only those before it.
export { PType, Any, Undef, Default, Unit, Numeric, ScalarData, Scalar, Data, RichData, Iterator, Timespan, Timestamp, TimeType, SemVer, SemVerRange, Binary, Runtime, ObjectT, TypeSet, Error_, URI, Init, OptionalType, NotUndefType, VariantType, SensitiveType, DeferredType, DEFERRED_NAME, TypeType, CallableType, TypeAliasType } from './base.ts';
export { Iterable, BooleanType, BooleanT, IntegerType, FloatType, StringType, EnumType, PatternType, RegexpType } from './scalars.ts';
export { CollectionType, ArrayType, HashType, TupleType, type StructEntry, StructType } from './collections.ts';
export { CatalogEntry, ResourceType, ClassType } from './catalog.ts';
export { inferType, generalize, typeNameOf, describeArgumentMismatch, describeMismatch, describe, formatValue, formatDeferred } from './describe.ts';
export { typeByName, parameterize, resourceType, classType } from './parameterize.ts';
