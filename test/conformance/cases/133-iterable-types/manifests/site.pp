notify { 'range': message => Integer[1, 5].map |$x| { $x * $x } }
notify { 'times': message => 3.map |$i| { "i${i}" } }
notify { 'reverse': message => Integer[1, 4].reverse_each.map |$x| { $x } }
notify { 'step': message => Integer[0, 10].step(3).map |$x| { $x } }
