type Net::Port = Integer[1, 65535]
