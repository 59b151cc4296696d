notify { 'abs': message => [abs(-5), abs(5), abs(-2.5)] }
notify { 'min': message => [min(3, 1, 2), min(1.5, 2), min(-1, -1.5)] }
notify { 'max': message => [max(3, 1, 2), max(1.5, 2), max(10, 9.99)] }
notify { 'min-max-array': message => [[4, 7, 1].min, [4, 7, 1].max] }
notify { 'min-strings': message => [min('b', 'a', 'C'), max('b', 'a', 'C')] }
