define app_conf { notify { "conf-${title}": } }
class app_base { notify { 'base': } }
include app_base
app_conf { 'main': }
notify { 'user': require => [App_conf['main'], Class['app_base']] }
