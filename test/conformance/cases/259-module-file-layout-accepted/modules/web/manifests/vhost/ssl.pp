class web::vhost::ssl (Web::Port $port = web::port()) { notify { "ssl ${port}": } }
