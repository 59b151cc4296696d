function environment::tagline(String $s) >> String {
  "env-${s}-${environment}"
}
