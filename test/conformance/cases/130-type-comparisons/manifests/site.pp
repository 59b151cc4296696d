notify { 'cmp': message => [
  Integer == Integer,
  Integer[1, 2] == Integer[1, 2],
  Integer < Numeric,
  Numeric < Integer,
  Integer <= Integer,
  String[1] < String,
  Array[Integer] < Array[Numeric],
  Optional[String] == Variant[String, Undef],
  Integer > Integer[1, 5],
] }
