include web::vhost
