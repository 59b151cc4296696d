notify { 'versioncmp': message => [
  versioncmp('1.2.3', '1.2.10'),
  versioncmp('2.0', '2.0'),
  versioncmp('10.0', '9.9'),
  versioncmp('1.0.0-rc1', '1.0.0'),
  versioncmp('1.01', '1.1'),
  versioncmp('1.a', '1.b'),
  versioncmp('12', '12.5'),
] }
