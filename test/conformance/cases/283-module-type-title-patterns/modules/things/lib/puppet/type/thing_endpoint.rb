Puppet::Type.newtype(:thing_endpoint) do
  @doc = 'An endpoint named region/name::kind, as keystone_endpoint is.'

  ensurable

  newparam(:name, namevar: true)

  newparam(:region, namevar: true)

  newparam(:kind, namevar: true)

  newproperty(:url)

  def self.title_patterns
    region = Regexp.new(/[^\/]+/)
    name = Regexp.new(/.+?/)
    [
      [/^(#{region})\/(#{name})::(.+)$/, [[:region], [:name], [:kind]]],
      [/^(#{name})::(.+)$/, [[:name], [:kind]]],
      [/^(.+)$/, [[:name]]],
    ]
  end
end
