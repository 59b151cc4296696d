Notify <| tag == 'late' |>
class later { @notify { 'declared-after-collector': tag => 'late' } }
include later
