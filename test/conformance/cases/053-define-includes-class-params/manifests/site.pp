class registry { $url = 'https://registry.example.com' }
define image($version = 'latest') {
  include registry
  notify { "image-${title}": message => "${registry::url}/${title}:${version}" }
}
image { 'nginx': }
image { 'redis': version => '7' }
