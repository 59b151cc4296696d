type Net::Proto = Enum['tcp', 'udp']
