notify { 'math': message => [
  round(2.5), round(-2.5), round(2.4),
  floor(2.7), floor(-2.7),
  ceiling(2.1), ceiling(-2.1),
  Integer(-3.7), Float(-3),
] }
