class app($port = 'eighty') {
  validate_legacy(Stdlib::Port, 'validate_integer', $port)
}
include app
