$name_var = 'world'
$plain = @(END)
  Line one, no interpolation: ${name_var}
    indented
  END
$trimmed = @(END)
    margin removed
      keeps relative indent
    | END
$interp = @("END")
  Hello ${name_var}!
  Sum: ${1 + 2}
  |- END
notify { 'plain': message => $plain }
notify { 'trimmed': message => $trimmed }
notify { 'interp': message => $interp }
