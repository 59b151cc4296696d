function web::port() >> Integer { 443 }
