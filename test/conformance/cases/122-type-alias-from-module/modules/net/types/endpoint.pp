type Net::Endpoint = Struct[{ port => Net::Port, proto => Net::Proto }]
