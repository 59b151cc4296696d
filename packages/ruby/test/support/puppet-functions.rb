# Calls module functions with Puppet 7's own Ruby, for expected answers:
#   ruby puppet-functions.rb MODULEPATH < cases.json > answers.json
# A case is {"name": "fn", "api": "legacy"|"modern", "args": [...]}: legacy functions are called
# as Puppet 3 functions are (scope.function_NAME(args)), modern ones through Puppet's loaders
# (scope.call_function). The node has the facts given in FACTS below. Answers are
# {"value": v, "class": "..."} or {"error": message, "class": "..."}; values that JSON cannot
# hold come as {"to_s": ...}.
require 'json'
require 'tmpdir'
modulepath = ARGV.shift
require 'puppet'
dir = Dir.mktmpdir
Puppet.initialize_settings(['--confdir', dir, '--vardir', dir, '--codedir', dir, '--modulepath', modulepath, '--basemodulepath', modulepath])
Puppet[:strict] = :off
Puppet[:code] = ' '
FACTS = { 'fqdn' => 'node.example.com', 'hostname' => 'node', 'os' => { 'family' => 'Debian', 'name' => 'Debian', 'release' => { 'major' => '12', 'full' => '12.5' } }, 'kernel' => 'Linux', 'networking' => { 'fqdn' => 'node.example.com' } }.freeze
env = Puppet::Node::Environment.create(:production, [modulepath])
node = Puppet::Node.new('node.example.com', environment: env, facts: Puppet::Node::Facts.new('node.example.com', FACTS.dup))
node.merge(FACTS)
compiler = Puppet::Parser::Compiler.new(node)
compiler.compile

def plain(v)
  case v
  when nil, true, false, Integer, Float, String then v
  when Symbol then v.to_s
  when Array then v.map { |x| plain(x) }
  when Hash then { '__hash__' => v.map { |k, x| [plain(k), plain(x)] } }
  else { 'to_s' => v.to_s }
  end
end

cases = JSON.parse($stdin.read)
answers = Puppet.override(current_environment: env, loaders: compiler.loaders, global_scope: compiler.topscope) do
  scope = compiler.topscope
  cases.map do |c|
    args = c['args']
    value = c['api'] == 'legacy' ? scope.send("function_#{c['name']}", args) : scope.call_function(c['name'], args)
    { 'value' => plain(value) }
  rescue Exception => e
    { 'error' => e.message, 'class' => e.class.name }
  end
end
puts JSON.generate(answers)
