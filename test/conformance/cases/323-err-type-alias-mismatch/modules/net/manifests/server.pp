class net::server(Net::Port $port) {}
