notify { 'grüße': message => 'Größe – ✓ – 日本語' }
notify { 'long': message => Integer[1, 50].map |$i| { "x${i}" }.join('') }
notify { 'upcase-unicode': message => upcase('straße é') }
