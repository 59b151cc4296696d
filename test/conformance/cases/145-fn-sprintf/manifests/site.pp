notify { 'sprintf': message => [
  sprintf('%s-%s', 'a', 1),
  sprintf('%d items', 42),
  sprintf('%05.2f', 3.14159),
  sprintf('%x %X %o', 255, 255, 8),
  sprintf('[%-6s][%6s]', 'ab', 'cd'),
  sprintf('100%%'),
  sprintf('%b', 5),
  sprintf('%2$s %1$s', 'world', 'hello'),
  sprintf('%s', [1, 'a']),
  sprintf('%.3e', 12345.678),
] }
