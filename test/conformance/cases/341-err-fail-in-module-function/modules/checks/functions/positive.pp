function checks::positive(Integer $n) >> Integer {
  if $n < 0 {
    fail("negative: ${n}")
  }
  $n
}
