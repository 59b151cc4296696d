notify { 'double': message => "tab:\t nl:\n backslash:\\ quote:\" dollar:\$ unicode:\u{1F600} \u00e9 space:\s end" }
notify { 'single': message => 'tab:\t quote:\' backslash:\\ dollar:$ unicode:\u00e9' }
notify { 'unknown-escape': message => "keep \q and \d" }
