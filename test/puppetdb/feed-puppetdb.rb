# Feeds fixtures/fleet.json to a running PuppetDB the way puppetserver does: each document goes
# through the PuppetDB terminus of Debian's puppet-terminus-puppetdb (the code puppetserver runs),
# and the command it builds is posted to PuppetDB's command API, waiting until it is stored.
#
#   ruby feed-puppetdb.rb FLEET_JSON http://127.0.0.1:PORT
require 'json'
require 'net/http'
require 'tmpdir'
require 'time'
require 'uri'
require 'puppet'
require 'puppet/util/puppetdb'
require 'puppet/indirector/catalog/puppetdb'

fleet = JSON.parse(File.read(ARGV.fetch(0)))
base = URI(ARGV.fetch(1))

Dir.mktmpdir do |dir|
  Puppet.initialize_settings(['--confdir', dir, '--vardir', dir, '--codedir', dir])
end
# The producer: the master that submits every command.
Puppet[:node_name_value] = fleet['master']
Puppet[:certname] = fleet['master']

def post(base, command, version, certname, payload)
  uri = URI.join(base.to_s, '/pdb/cmd/v1')
  uri.query = URI.encode_www_form(command: command, version: version, certname: certname, secondsToWaitForCompletion: 60)
  req = Net::HTTP::Post.new(uri, 'Content-Type' => 'application/json')
  req.body = JSON.generate(payload)
  res = Net::HTTP.start(uri.host, uri.port, read_timeout: 120) { |http| http.request(req) }
  raise "#{command} for #{certname}: HTTP #{res.code} #{res.body}" unless res.code == '200'
  body = JSON.parse(res.body)
  raise "#{command} for #{certname} was not processed: #{res.body}" unless body['processed'] == true
end

report_processor = Puppet::Reports.report(:puppetdb)
catalog_terminus = Puppet::Resource::Catalog::Puppetdb.new

fleet['nodes'].each do |node|
  certname = node['certname']
  env = node['environment']

  # Facts: what the facts terminus sends (the trusted data as the `trusted` fact).
  facts = node['facts']
  post(base, 'replace_facts', 5, certname, {
    'certname' => certname,
    'values' => facts['values'].merge('trusted' => node['trusted']),
    'environment' => env,
    'producer_timestamp' => facts['producer_timestamp'],
    'producer' => fleet['master'],
  })

  if (c = node['catalog'])
    catalog = Puppet::Resource::Catalog.from_data_hash(c['catalog'])
    data, _inputs = catalog_terminus.munge_catalog(catalog, Time.parse(c['producer_timestamp']),
                                                   transaction_uuid: c['transaction_uuid'], job_id: nil, environment: env)
    # Reading a catalog back from JSON capitalizes Class[main]'s title; in the catalog puppetserver
    # compiles, that title is the symbol :main and goes out as "main" (Puppet::Resource.type_and_title).
    main = ->(h) { h['title'] = 'main' if h['type'] == 'Class' && h['title'] == 'Main' }
    data['resources'].each(&main)
    data['edges'].each { |e| main.(e['source']); main.(e['target']) }
    post(base, 'replace_catalog', 9, certname, data)
  end

  node['reports'].each do |r|
    report = Puppet::Transaction::Report.from_data_hash(r['report'])
    report.extend(report_processor)
    post(base, 'store_report', 8, certname, report.report_to_hash(Time.parse(r['producer_timestamp'])))
  end

  if (at = node['deactivated'])
    post(base, 'deactivate_node', 3, certname, { 'certname' => certname, 'producer_timestamp' => at })
  end
end
puts "fed #{fleet['nodes'].length} nodes"
