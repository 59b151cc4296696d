function text::greet(String $who, Boolean $shout = false) >> String {
  $base = "hello, ${text::wrap($who)}"
  $shout ? { true => upcase($base), default => $base }
}
