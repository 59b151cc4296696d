@notify { 'n1': }
@notify { 'n2': }
@user { 'u1': }
Notify <| |>
