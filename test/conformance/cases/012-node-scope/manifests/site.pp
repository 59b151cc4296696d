$tier = 'top'
class uses_tier {
  notify { 'tier-in-class': message => "tier=${tier} top=${::tier}" }
}
node default {
  $tier = 'node'
  include uses_tier
  notify { 'tier-in-node': message => $tier }
}
