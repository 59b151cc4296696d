$x = 5
notify { 'shift': message => [1 << 10, 1024 >> 3, -16 >> 2, -$x, -(-$x), - $x + 1, !!$x] }
