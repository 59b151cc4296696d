class chain {
  notify { 'safe-ok': message => chain::safe_check('abc') }
  notify { 'safe-rescued': message => chain::safe_check('') }
  notify { 'safe-mismatch': message => chain::safe_check(42) }
  notify { 'legacy-ok': message => legacy_outer('x') }
  notify { 'legacy-rescued': message => legacy_outer('') }
  notify { 'break': message => String(chain::first_big([1, 5, 7, 9])) }
  notify { 'throw': message => chain::first_big([1, 2]) }
  notify { 'through-puppet': message => chain::via_puppet(['a', 'b']) }
  validate_legacy(String, 'validate_re', 'abc', ['^a'])
  validate_legacy(String, 'validate_re', 'abc', ['^b', '^c'])
  validate_legacy('Optional[String]', 'validate_string', undef)
  notify { 'validated': }
}
