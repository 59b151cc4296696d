notify { ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n']: }
package { 'vim': tag => 'editor' }
# The OpenStack pattern: two ends with whatever packages carry the tag in between.
Notify['a'] -> Package <| tag == 'nomatch' |> -> Notify['b']
Notify['c'] -> Package <| tag == 'editor' |> -> Notify['d']
Notify['e'] ~> Package <| tag == 'nomatch' |> ~> Notify['f']
Notify['g'] -> Package <| tag == 'nomatch' |> -> Service <| tag == 'nomatch' |> -> Notify['h']
Notify['i'] -> [] -> Notify['j']
Notify['k'] <- Package <| tag == 'nomatch' |> <- Notify['l']
[Notify['m'], Notify['m']] -> Notify['n']
class anchors {
  notify { 'x::begin': } -> File <| tag == 'x-config' |> -> notify { 'x::end': }
}
include anchors
