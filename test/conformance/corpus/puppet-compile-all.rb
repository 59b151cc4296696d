#!/usr/bin/ruby
# frozen_string_literal: true
#
# Compiles every target of the Debian module corpus with the installed Puppet, in ONE Ruby
# process (Puppet's start-up costs seconds; a compile a fraction of one).
#
#   ruby puppet-compile-all.rb FACTS.json MODULEPATH WORK_DIR [TARGET...] > RESULTS.jsonl
#
# Targets (all of them when none is named):
#   class:NAME              a site manifest `include NAME`, for every class of every module
#                           (top-level `class` in a module's manifests/, not private()/assert_private())
#   example:MODULE/PATH.pp  the module's examples/PATH.pp as the site manifest
#
# Each target is compiled as `puppet catalog compile` compiles a node (the catalog indirection's
# compiler terminus), with a fresh environment `production` whose modulepath is MODULEPATH and
# whose manifest is the target's, the node's facts from FACTS.json, fixed server facts, and
# $trusted as a puppetserver gives an agent with a certificate (see ../puppet-compile.rb).
# Exported resources are kept. One JSON line per target on stdout:
#   {"id", "module", "site", "catalog": "<Puppet's catalog JSON>"}  or  {…, "log": "Error: <message>"}
# (`site` is the folder of the class targets' site.pp, to be made relative).
# Progress goes to stderr. WORK_DIR must be an empty directory (confdir, vardir, site files).

require 'json'
require 'fileutils'
require 'timeout'

facts_file, modulepath, work, *only = ARGV
unless facts_file && modulepath && work && File.directory?(work) && File.directory?(modulepath)
  warn 'usage: ruby puppet-compile-all.rb FACTS.json MODULEPATH WORK_DIR [TARGET...]'
  exit 2
end
work = File.expand_path(work)
facts = JSON.parse(File.read(facts_file))
node_name = facts.fetch('clientcert')

# What a server adds for every node ($server_facts and the top-scope $servername etc.); fixed
# values so that the golden files do not depend on the machine that made them.
SERVER_FACTS = { 'serverversion' => '7.23.0', 'servername' => 'puppet.example.com', 'serverip' => '10.0.0.1' }.freeze

# Every target, in a stable order.
def targets(modulepath)
  out = []
  Dir.children(modulepath).sort.each do |mod|
    dir = File.join(modulepath, mod)
    Dir.glob(File.join(dir, 'manifests', '**', '*.pp')).sort.each do |file|
      text = File.read(file, encoding: 'UTF-8')
      next if text =~ /^\s*(assert_)?private\s*\(/ || text =~ /\b(assert_)?private\s*\(/
      text.scan(/^class\s+(::)?([a-z][a-z0-9_]*(?:::[a-z][a-z0-9_]*)*)/) { |_, name| out << ["class:#{name}", mod] }
    end
    Dir.glob(File.join(dir, 'examples', '**', '*.pp')).sort.each do |file|
      out << ["example:#{mod}/#{file.delete_prefix(File.join(dir, 'examples') + '/')}", mod]
    end
  end
  out.uniq { |id, _| id }
end

%w[conf var log run public code/environments/production code/modules sites].each { |d| FileUtils.mkdir_p(File.join(work, d)) }

require 'puppet'
Puppet.initialize_settings([
  '--confdir', File.join(work, 'conf'),
  '--vardir', File.join(work, 'var'),
  '--codedir', File.join(work, 'code'),
  '--logdir', File.join(work, 'log'),
  '--rundir', File.join(work, 'run'),
  '--publicdir', File.join(work, 'public'),
  '--environmentpath', File.join(work, 'code', 'environments'),
  '--basemodulepath', File.join(work, 'code', 'modules'),
  '--hiera_config', File.join(work, 'conf', 'hiera.yaml'),
  '--color', 'false',
])
Puppet.settings.preferred_run_mode = :server
Puppet[:catalog_terminus] = :compiler
require 'puppet/indirector/catalog/compiler'

class Puppet::Resource::Catalog::Compiler
  # Keep exported resources, as ../puppet-compile.rb does.
  def filter(catalog)
    catalog.filter
  end
end

# Warnings and errors are not kept (the error is the exception's message).
Puppet::Util::Log.close_all
Puppet::Util::Log.newdestination(Puppet::Test::LogCollector.new([]))
Puppet::Util::Log.level = :err

trusted = Puppet::Context::TrustedInformation.new(
  'remote', node_name, {}, {}
)
Puppet.push_context({ trusted_information: trusted }, 'corpus trusted information')
Dir.chdir(work)

list = targets(modulepath)
list = list.select { |id, _| only.include?(id) } unless only.empty?
json = Puppet::Network::FormatHandler.format(:json)
$stdout.sync = true
list.each_with_index do |(id, mod), i|
  manifest =
    if id.start_with?('class:')
      site = File.join(work, 'sites', 'site.pp')
      File.write(site, "include #{id.delete_prefix('class:')}\n")
      site
    else
      File.join(modulepath, mod, 'examples', id.delete_prefix("example:#{mod}/"))
    end
  env = Puppet::Node::Environment.create(:production, [modulepath], manifest)
  node = Puppet::Node.new(node_name, environment: env)
  node.fact_merge(Puppet::Node::Facts.new(node_name, facts.dup))
  node.add_server_facts(SERVER_FACTS)
  line = { 'id' => id, 'module' => mod, 'site' => File.join(work, 'sites') }
  started = Time.now
  begin
    catalog = Timeout.timeout(300) do
      Puppet.override(environments: Puppet::Environments::Static.new(env), current_environment: env) do
        Puppet::Resource::Catalog.indirection.find(node_name, use_node: node)
      end
    end
    line['catalog'] = json.render(catalog)
  rescue Exception => e # rubocop:disable Lint/RescueException -- a module's Ruby may raise anything
    raise if e.is_a?(Interrupt)
    # The compiler terminus wraps the error as "MESSAGE (file: F, line: L, column: C) on node N",
    # the first Error: line `puppet catalog compile` prints.
    message = e.message
    message = "#{message} on node #{node_name}" unless message.end_with?(" on node #{node_name}")
    line['log'] = "Error: #{message}\n"
  end
  puts JSON.generate(line)
  warn format('%4d/%d %-60s %s %.1fs', i + 1, list.size, id, line.key?('catalog') ? 'catalog' : 'error', Time.now - started)
end
