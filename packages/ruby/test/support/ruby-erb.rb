# Renders ERB cases as Puppet 7's template() does (ERB.new(text, trim_mode: '-'), the variables
# as instance variables of the object the template runs on, `scope` answering [] and lookupvar),
# with the Ruby that Debian's puppet package runs on. Reads JSON on stdin:
#   [{"template": "...", "vars": {...}, "file": "x.erb"?}, ...]
# and writes JSON: [{"out": "..."} | {"error": "...", "class": "...", "line": N}, ...].
require 'erb'
require 'json'
require 'yaml' # loaded in every Puppet process: templates call to_yaml without requiring it

class FakeScope
  def initialize(vars)
    @vars = vars
  end

  def [](name) = @vars[name]
  def lookupvar(name) = @vars[name]
end

class Wrapper
  def initialize(vars)
    @__scope__ = FakeScope.new(vars)
    vars.each { |k, v| instance_variable_set("@#{k}", v) }
  end

  def scope = @__scope__

  def render(text, file)
    erb = ERB.new(text, trim_mode: '-')
    erb.filename = file
    erb.result(binding)
  end
end

cases = JSON.parse($stdin.read)
out = cases.map do |c|
  file = c['file'] || '(erb)'
  { 'out' => Wrapper.new(c['vars'] || {}).render(c['template'], file) }
rescue Exception => e
  line = (e.backtrace || []).find { |l| l.start_with?("#{file}:") }
  { 'error' => e.message, 'class' => e.class.name, 'line' => line && line.split(':')[1].to_i }
end
puts JSON.generate(out)
