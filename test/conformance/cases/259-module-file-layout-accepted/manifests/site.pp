include web
notify { 'site': message => web::port() }
class site_local { notify { 'local': } }
include site_local
