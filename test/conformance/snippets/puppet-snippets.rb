#!/usr/bin/ruby
# frozen_string_literal: true
#
# Compiles many small Puppet programs ("snippets") with the installed Puppet in one Ruby
# process, and prints what Puppet made of each as one JSON object per line.
#
#   ruby puppet-snippets.rb FILE.snippets...
#
# A snippets file holds programs separated by lines `=== NAME`. Each program is compiled as the
# whole site manifest (Puppet[:code], as `puppet apply -e` does) of a fresh environment for the
# node `snippet.example.com`, with a few fixed facts, Debian's modules (stdlib) on the modulepath. For each, stdout gets
#   {"file": FILE, "name": NAME, "notices": [...], "warnings": [...], "resources": [...]}
# or, when the compile fails, {"file", "name", "notices", "error": MESSAGE, "line", "column"}.
# `resources` lists the catalog's resources other than Stage[main], Class[Settings],
# Class[main] and Node[...], in catalog order, as Puppet's catalog JSON writes them
# (type, title, parameters, sensitive_parameters, exported).
require 'json'
require 'fileutils'
require 'tmpdir'
require 'timeout'

work = Dir.mktmpdir('kasper-snippets')
at_exit { FileUtils.rm_rf(work) }
%w[conf var code/environments/production/manifests code/modules].each { |d| FileUtils.mkdir_p(File.join(work, d)) }

require 'puppet'
Puppet.initialize_settings([
  '--confdir', File.join(work, 'conf'), '--vardir', File.join(work, 'var'),
  '--codedir', File.join(work, 'code'), '--environmentpath', File.join(work, 'code', 'environments'),
  '--basemodulepath', File.join(work, 'code', 'modules'),
  '--hiera_config', File.join(work, 'conf', 'hiera.yaml'), '--color', 'false'
])
Puppet[:strict] = :warning

NODE = 'snippet.example.com'
FACTS = {
  'networking' => { 'fqdn' => NODE, 'hostname' => 'snippet', 'domain' => 'example.com' },
  'os' => { 'family' => 'Debian', 'name' => 'Debian', 'release' => { 'major' => '12', 'full' => '12.5' } },
  'kernel' => 'Linux',
}.freeze

$logs = []
Puppet::Util::Log.newdesttype :snippets do
  def handle(msg)
    $logs << msg
  end
end
Puppet::Util::Log.newdestination(:snippets)
Puppet::Util::Log.level = :notice

STANDARD = /\A(Stage\[main\]|Class\[Settings\]|Class\[main\]|Node\[.*\])\z/i.freeze

def compile(code)
  Puppet[:code] = code
  env = Puppet::Node::Environment.create(:production, MODULEPATH)
  Puppet.override(current_environment: env, loaders: nil) do
    node = Puppet::Node.new(NODE, facts: Puppet::Node::Facts.new(NODE, FACTS.dup), environment: env)
    node.merge(FACTS.dup)
    Puppet::Parser::Compiler.compile(node)
  end
end
ARGV_WORK = work
# Debian's stdlib (and the other packaged modules) are on the modulepath, as Kasper has stdlib's
# functions built in: a snippet calling merge() or to_json() compares the same functions.
DEBIAN_MODULES = '/usr/share/puppet/modules'
abort "puppet-snippets.rb: #{DEBIAN_MODULES} is missing (apt-get install puppet-module-puppetlabs-stdlib)" unless File.directory?(File.join(DEBIAN_MODULES, 'stdlib'))
MODULEPATH = [File.join(work, 'code', 'modules'), DEBIAN_MODULES].freeze

ARGV.each do |file|
  text = File.read(file, encoding: 'UTF-8')
  text.split(/^=== /).drop(1).each do |chunk|
    name, code = chunk.split("\n", 2)
    name = name.strip
    code ||= ''
    $logs.clear
    out = { 'file' => File.basename(file), 'name' => name }
    begin
      catalog = Timeout.timeout(20) { compile(code) }
      data = catalog.to_data_hash
      out['resources'] = (data['resources'] || []).reject { |r| STANDARD.match?("#{r['type']}[#{r['title']}]") }
        .map { |r| r.slice('type', 'title', 'parameters', 'sensitive_parameters', 'exported').reject { |k, v| k == 'exported' && !v } }
    rescue Exception => e # rubocop:disable Lint/RescueException -- stack overflows and timeouts are answers too
      msg = e.message.to_s
      out['error'] = msg.sub(/ \(file: [^)]*\)\z/, '').sub(/ on node \S+\z/, '').sub(/ \(line: \d+(, column: \d+)?\)\z/, '')
      m = /line: (\d+)(?:, column: (\d+))?/.match(msg)
      out['line'] = m && m[1].to_i
      out['column'] = m && m[2] && m[2].to_i
      out['class'] = e.class.name unless e.is_a?(Puppet::Error)
    end
    out['notices'] = $logs.select { |l| l.level == :notice }.map { |l| l.message.to_s }
    out['warnings'] = $logs.select { |l| l.level == :warning }.map { |l| l.message.to_s }
    puts JSON.generate(out)
    $stdout.flush
  end
end
