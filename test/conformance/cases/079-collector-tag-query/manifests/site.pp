class webstuff {
  @notify { 'web-auto': }
  @notify { 'web-explicit': tag => 'frontend' }
}
@notify { 'top-explicit': tag => ['frontend', 'extra'] }
@notify { 'top-none': }
include webstuff
Notify <| tag == 'webstuff' |>
Notify <| tag == 'frontend' |>
