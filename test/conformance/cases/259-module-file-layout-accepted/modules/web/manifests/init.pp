class web {
  class inner { notify { 'inner': } }
  include web::inner
  include web::vhost::ssl
  web::vhostx { 'a': }
}
