// Puppet's type system: types are values (`Integer[1, 10]`, `Optional[String]`), tested against
// values (`=~`, typed parameters) and against each other (`<=`). One class per type family.
// Messages and string forms follow Puppet's so users recognise them.
//
// base.ts ← scalars.ts, collections.ts, catalog.ts ← rich.ts, objects.ts ← describe.ts ←
// parameterize.ts: each file imports only those before it (semver.ts, uri.ts and time.ts hold
// the values and import none of them).
export { PType, Any, Undef, Default, Unit, Numeric, ScalarData, Scalar, Data, RichData, Timespan, Timestamp, TimeType, TypeSet, OptionalType, NotUndefType, VariantType, SensitiveType, DeferredType, DEFERRED_NAME, TypeType, CallableType, TypeAliasType } from './base.ts';
export { BooleanType, BooleanT, IntegerType, FloatType, StringType, EnumType, PatternType, RegexpType } from './scalars.ts';
export { CollectionType, ArrayType, HashType, TupleType, type StructEntry, StructType } from './collections.ts';
export { CatalogEntry, ResourceType, ClassType } from './catalog.ts';
export { SemVerType, SemVerRange, Binary, URIType, InitType, IterableType, Iterable, IteratorType, Iterator, RuntimeType, Runtime } from './rich.ts';
export { ObjectType, ERROR_TYPE, ErrorParamType, newObject, shownAttributes } from './objects.ts';
export { inferType, generalize, typeNameOf, describeArgumentMismatch, describeMismatch, describe, formatValue, formatDeferred } from './describe.ts';
export { typeByName, parameterize, resourceType, classType } from './parameterize.ts';
