function tplfn::label(String $s) >> String { "[${s.upcase}]" }
