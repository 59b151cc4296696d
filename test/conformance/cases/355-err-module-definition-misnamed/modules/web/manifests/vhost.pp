class web::vhost { }

class web::other { }
