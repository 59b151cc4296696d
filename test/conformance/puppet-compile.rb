#!/usr/bin/ruby
# frozen_string_literal: true
#
# Compiles one conformance case with the installed Puppet, the way
# `puppet catalog compile` does, in a throwaway configuration.
#
#   ruby puppet-compile.rb CASE_DIR WORK_DIR
#
# CASE_DIR holds case.json, facts.yaml and the environment's files (manifests/,
# modules/, data/, hiera.yaml, environment.conf). WORK_DIR must be an empty
# directory; this script makes the confdir, vardir, codedir and fact cache there
# and copies CASE_DIR to WORK_DIR/code/environments/<environment>, so the case
# directory *is* the environment (environment-level Hiera works, file paths in
# the catalog start with that directory). Nothing outside WORK_DIR is read
# except Puppet itself and whatever absolute modulepath an environment.conf
# names (the module corpus uses /usr/share/puppet/modules).
#
# Two things differ from a plain `puppet catalog compile NODE`, both stated in
# README.md:
#  - $trusted is what a puppetserver gives an agent with a certificate:
#    {authenticated => 'remote', certname => NODE, extensions => {}, external => {}},
#    overridden key by key by case.json's "trusted" (so cases can set extensions).
#    Stock `puppet catalog compile` uses 'local' trust with an empty certname.
#  - The catalog keeps exported resources (marked "exported": true), as the
#    copy sent to PuppetDB does; Puppet's agent-facing filter removes them.
#    Virtual resources that were never realized are dropped either way.
#    With KASPER_AGENT_VIEW=1 in the environment, Puppet's own filter runs:
#    the catalog is the one an agent receives (and `puppet catalog compile` prints).
#
# stdout is the catalog JSON, stderr Puppet's log; the exit status is Puppet's.

require 'json'
require 'yaml'
require 'fileutils'

case_dir, work = ARGV
unless case_dir && work && File.directory?(case_dir) && File.directory?(work)
  warn 'usage: ruby puppet-compile.rb CASE_DIR WORK_DIR'
  exit 2
end
case_dir = File.expand_path(case_dir)
work = File.expand_path(work)

meta = JSON.parse(File.read(File.join(case_dir, 'case.json')))
node = meta.fetch('node')
environment = meta['environment'] || 'production'
facts = YAML.safe_load(File.read(File.join(case_dir, 'facts.yaml'))) || {}

code = File.join(work, 'code')
envdir = File.join(code, 'environments', environment)
yamldir = File.join(work, 'yaml')
%w[conf var log run public code/modules yaml/facts].each { |d| FileUtils.mkdir_p(File.join(work, d)) }
FileUtils.mkdir_p(File.dirname(envdir))
FileUtils.cp_r(case_dir, envdir)
%w[case.json facts.yaml expected.json expected-error.json expected-agent.json].each { |f| FileUtils.rm_f(File.join(envdir, f)) }

# The yaml facts terminus wants a serialized Puppet::Node::Facts.
File.write(File.join(yamldir, 'facts', "#{node}.yaml"),
           "--- !ruby/object:Puppet::Node::Facts\n" +
           YAML.dump({ 'name' => node, 'values' => facts }).sub(/\A---\s*\n/, ''))

hiera_config = meta['hiera_config'] ? File.join(envdir, meta['hiera_config']) : File.join(work, 'conf', 'hiera.yaml')

args = [
  'catalog', 'compile', node,
  '--environmentpath', File.join(code, 'environments'),
  '--environment', environment,
  '--confdir', File.join(work, 'conf'),
  '--vardir', File.join(work, 'var'),
  '--codedir', code,
  '--logdir', File.join(work, 'log'),
  '--rundir', File.join(work, 'run'),
  '--publicdir', File.join(work, 'public'),
  '--basemodulepath', File.join(code, 'modules'),
  '--hiera_config', hiera_config,
  '--facts_terminus', 'yaml',
  '--yamldir', yamldir,
  '--render-as', meta['render_as'] || 'json',
  '--color', 'false',
]

require 'puppet'
require 'puppet/util/command_line'
require 'puppet/indirector/catalog/compiler'

unless ENV['KASPER_AGENT_VIEW'] == '1'
  class Puppet::Resource::Catalog::Compiler
    # Puppet's version is `catalog.filter { |r| r.virtual? }`, which also drops
    # exported resources; Catalog#filter alone drops only unrealized virtual ones.
    def filter(catalog)
      catalog.filter
    end
  end
end

# Notices go to stdout by default; keep stdout for the catalog alone.
Puppet::Util::Log::DestConsole.prepend(Module.new do
  def handle(msg)
    out = $stdout
    $stdout = $stderr
    super
  ensure
    $stdout = out
  end
end)

trusted = { 'authenticated' => 'remote', 'certname' => node, 'extensions' => {}, 'external' => {} }
trusted.merge!(meta['trusted'] || {})
Puppet.push_context(
  { trusted_information: Puppet::Context::TrustedInformation.new(
    trusted['authenticated'], trusted['certname'], trusted['extensions'], trusted['external']
  ) },
  'conformance trusted information'
)

Dir.chdir(work)
Puppet::Util::CommandLine.new('puppet', args).execute
