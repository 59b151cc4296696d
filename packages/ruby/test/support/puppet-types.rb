# Prints, as JSON, what Puppet 7 itself knows of module types: for each lib/puppet/type/*.rb
# given, the type's parameters, properties, namevars (key attributes) and title patterns.
# Run with the system Ruby that Debian's puppet package uses:
#   ruby puppet-types.rb MODULEPATH FILE...
require 'json'
require 'tmpdir'
modulepath = ARGV.shift
libs = Dir.glob(File.join(modulepath, '*', 'lib')).sort
$LOAD_PATH.unshift(*libs)
require 'puppet'
dir = Dir.mktmpdir
Puppet.initialize_settings(['--confdir', dir, '--vardir', dir, '--codedir', dir, '--modulepath', modulepath, '--basemodulepath', modulepath])
Puppet[:strict] = :off
env = Puppet::Node::Environment.create(:production, [modulepath])
out = {}
Puppet.override(current_environment: env) do
  ARGV.each do |file|
    name = File.basename(file, '.rb')
    begin
      type = Puppet::Type.type(name.to_sym)
      raise "not found" unless type
      patterns = begin
        type.title_patterns.map { |(re, fields)| { 'pattern' => re.source, 'fields' => fields.map { |f| f.first.to_s } } }
      rescue StandardError => e
        { 'error' => e.message }
      end
      out[file] = {
        'name' => type.name.to_s,
        'parameters' => type.parameters.map(&:to_s),
        'properties' => type.validproperties.map(&:to_s),
        'namevars' => type.key_attributes.map(&:to_s),
        'titlePatterns' => patterns,
      }
    rescue Exception => e
      out[file] = { 'error' => "#{e.class}: #{e.message}" }
    end
  end
end
puts JSON.pretty_generate(out)
