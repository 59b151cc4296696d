@package { 'vim': ensure => installed }
realize(Package['vim'])
realize(Package['vim'], Package['vim'])
Package <| title == 'vim' |>
class again { realize(Package['vim']) }
include again
