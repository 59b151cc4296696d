class app::install { notify { 'install': } }
class app::config { notify { 'config': } }
class app::service { notify { 'service': } }
class app {
  contain app::install
  contain app::config
  include app::service
  Class['app::install'] -> Class['app::config'] ~> Class['app::service']
}
include app
