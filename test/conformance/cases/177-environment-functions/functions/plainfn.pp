function plainfn(String $s) >> String { "plain ${s}" }
