type myalias = Integer
