notify { 'cmp': message => [
  1 < 2, 2 <= 2, 3 > 2.5, 2.0 >= 2, 5 != 5.0, -1 < 0,
  true and false or true,
  true or false and false,
  !true or !false,
  1 < 2 and 2 < 3,
] }
