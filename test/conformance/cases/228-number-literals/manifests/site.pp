notify { 'literals': message => [0x1F, 0XFF, 017, 0, 1e2, 1.5e-1, 0.5, 10.0] }
