class settings { $port = 8443 $proto = 'https' }
class client(Integer $port = $settings::port, String $url = "${settings::proto}://example.com:${port}/") {
  notify { 'client': message => $url }
}
include settings
include client
