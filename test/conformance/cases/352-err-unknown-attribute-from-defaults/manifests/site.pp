Package { bogus_option => true }
@package { 'vim': ensure => installed }
