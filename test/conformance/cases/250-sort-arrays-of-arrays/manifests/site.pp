notify { 'pairs': message => sort([[2, 'b'], [1, 'z'], [1, 'a'], [10], [2], [3, 2.5], [3, 2]]) }
notify { 'strings': message => sort([['b'], ['a', 'c'], ['a'], [], ['B']]) }
notify { 'nested': message => sort([[[2], 1], [[1, 3]], [[1]]]) }
notify { 'equal-booleans': message => sort([[true, 1], [true, 0]]) }
