# What modules do: choose how to render a parameter by the type of its value's type.
$settings = { 'main' => { 'port' => 80 } }
$kind = type($settings) ? {
  Type[Hash[String, Hash]] => 'sections',
  Type[Hash]               => 'flat',
  default                  => 'other',
}
notify { 'kind': message => $kind }
notify { 'simple': message => [Hash[String, Integer] =~ Type[Hash], Integer =~ Type, Struct[{ a => Integer }] =~ Type[Hash[String, Integer]], Tuple[Integer] =~ Type[Array[Integer]], Tuple[Integer, String] =~ Type[Array[Data]]] }
# Every common type against every other: row i, column j is 1 when types[i] =~ Type[types[j]].
$types = [Any, Data, Scalar, Integer, Integer[1,2], Float, Numeric, String, String[1], Enum['a','b'], Pattern[/a/], Boolean, Undef, Array, Array[String], Array[Integer, 1, 2], Tuple, Tuple[Integer], Tuple[Integer, String, 1, 3], Hash, Hash[String, Integer], Struct, Struct[{a => Integer}], Struct[{Optional[a] => Integer}], Optional[String], Variant[String, Integer], NotUndef, Collection, Collection[1, 3], Type, Type[String], Type[Hash], Callable, Resource, Resource['file'], File, Class, Regexp, Default, ScalarData, RichData, Callable[1,1], Hash[String, Data], Hash[String, Integer, 1, 5], Array[Data], Optional[Hash], Variant[Hash, Array], Type[Struct], Type[Tuple], Type[Integer], Type[Type], Type[Array]]
$types.each |$i, $a| {
  notify { "row ${i}": message => "${a} ${types.map |$b| { if $a =~ Type[$b] { 1 } else { 0 } }.join('')}" }
}
