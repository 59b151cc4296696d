function text::wrap(String $s, String $l = '<', String $r = '>') >> String {
  "${l}${s}${r}"
}
