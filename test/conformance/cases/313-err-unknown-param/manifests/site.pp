class known($a = 1) {}
class { 'known': a => 2, b => 3 }
