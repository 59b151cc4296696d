notify { 'strip': message => [
  strip("  both  "),
  lstrip("  left  "),
  rstrip("  right  "),
  strip("\t\ttabs and newlines\n\n"),
  strip(['  a ', ' b']),
  '   '.strip,
] }
