# The questions a PuppetDB client asks, through Debian's python3-pypuppetdb: nodes with their
# latest report status, facts, fact contents, inventory, resources, catalogs, reports, events of
# the last report, environments, paging and PQL. Prints one JSON document of answers.
#
# The same script runs against a real PuppetDB (regenerate.sh writes the answers as the golden
# file) and against the Kasper master (pypuppetdb.test.ts compares). What the server decides by
# its own clock (when it received something) and the PuppetDB version are masked; lists whose
# order PuppetDB leaves unspecified are sorted here, and so are resource tags (a set in PuppetDB).
#
#   python3 queries.py --host H --port P [--cert C --key K --ca CA]
import argparse
import datetime
import json
import sys

from pypuppetdb import connect

MASK = '<masked>'

parser = argparse.ArgumentParser()
parser.add_argument('--host', default='127.0.0.1')
parser.add_argument('--port', type=int, required=True)
parser.add_argument('--cert')
parser.add_argument('--key')
parser.add_argument('--ca')
args = parser.parse_args()

if args.cert:
    db = connect(host=args.host, port=args.port, ssl_cert=args.cert, ssl_key=args.key, ssl_verify=args.ca, protocol='https', timeout=60)
else:
    db = connect(host=args.host, port=args.port, protocol='http', timeout=60)


def plain(value):
    """pypuppetdb's objects and datetimes as JSON data."""
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): sorted(v) if k == 'tags' and isinstance(v, list) else plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, '__dict__'):
        return plain({k: v for k, v in vars(value).items() if not k.startswith('_') and k not in ('relationships',)})
    return value


def masked(d, *keys):
    for k in keys:
        if d.get(k) is not None:
            d[k] = MASK
    return d


def key(*fields):
    return lambda d: tuple(json.dumps(d.get(f), sort_keys=True) for f in fields)


answers = {}


def answer(name, fn):
    try:
        answers[name] = fn()
    except Exception as e:  # an error is an answer too
        answers[name] = {'error': type(e).__name__, 'status': getattr(getattr(e, 'response', None), 'status_code', None)}


def node_dict(n):
    d = plain(n)
    return masked(d, 'catalog_timestamp', 'facts_timestamp', 'unreported_time')


def sorted_by(items, *fields):
    return sorted(items, key=key(*fields))


# Nodes, with the latest report's status and event counts (Puppetboard's overview).
answer('nodes_with_status', lambda: sorted_by([node_dict(n) for n in db.nodes(with_status=True)], 'name'))
answer('nodes_without_event_numbers', lambda: sorted_by([node_dict(n) for n in db.nodes(with_status=True, with_event_numbers=False)], 'name'))
answer('node_web01', lambda: node_dict(db.node('web01.example.com')))
answer('node_unknown', lambda: node_dict(db.node('nosuch.example.com')))
answer('nodes_any_state', lambda: sorted_by([node_dict(n) for n in db.nodes(query='["=", "node_state", "any"]')], 'name'))
answer('nodes_inactive', lambda: sorted_by([node_dict(n) for n in db.nodes(query='["=", "node_state", "inactive"]')], 'name'))
answer('nodes_by_fact', lambda: sorted(n.name for n in db.nodes(query='["=", ["fact", "role"], "web"]')))
answer('nodes_by_fact_number', lambda: sorted(n.name for n in db.nodes(query='[">", ["fact", "uptime_seconds"], 3600]')))
answer('nodes_failed', lambda: sorted(n.name for n in db.nodes(query='["=", "latest_report_status", "failed"]')))
answer('nodes_report_before', lambda: sorted(n.name for n in db.nodes(query='["<", "report_timestamp", "2025-03-10T10:10:00Z"]')))

# Facts.
answer('facts_os', lambda: sorted_by([plain(f) for f in db.facts('os')], 'node'))
answer('facts_role_web', lambda: sorted_by([plain(f) for f in db.facts('role', 'web')], 'node'))
answer('facts_node_web01', lambda: sorted_by([plain(f) for f in db.node('web01.example.com').facts()], 'name'))
answer('facts_uptime_over_hour', lambda: sorted_by([plain(f) for f in db.facts(query='["and", ["=", "name", "uptime_seconds"], [">", "value", 3600]]')], 'node'))
answer('facts_regex_value', lambda: sorted_by([plain(f) for f in db.facts(query='["and", ["=", "name", "datacenter"], ["~", "value", "^fra"]]')], 'node'))
answer('facts_in_array', lambda: sorted_by([plain(f) for f in db.facts(query='["and", ["in", "name", ["array", ["kernel", "role"]]], ["=", "certname", "db01.example.com"]]')], 'name'))
answer('facts_paged', lambda: [plain(f) for f in db.facts('hostname', limit=2, offset=1, order_by='[{"field": "certname", "order": "desc"}]')])
answer('facts_paged_total', lambda: (list(db.facts('hostname', limit=1, include_total=True)) and None) or db.total)
answer('facts_count_by_value', lambda: sorted_by(db._query('facts', query='["extract", [["function", "count"], "value"], ["=", "name", "role"], ["group_by", "value"]]'), 'value'))
answer('facts_count', lambda: db._query('facts', query='["extract", [["function", "count"]], ["=", "name", "kernel"]]'))
answer('facts_extract', lambda: sorted_by(db._query('facts', query='["extract", ["certname", "value"], ["=", "name", "ssh_port"]]'), 'certname'))
answer('facts_subquery_fact_contents', lambda: sorted_by([plain(f) for f in db.facts(query='["and", ["=", "name", "networking"], ["subquery", "fact_contents", ["and", ["~>", "path", ["networking", "interfaces", ".*", "mac"]], ["=", "value", "aa:bb:cc:dd:ee:02"]]]]')], 'node'))
answer('fact_contents_macs', lambda: sorted_by(db.fact_contents(query='["~>", "path", ["networking", "interfaces", ".*", "mac"]]'), 'certname', 'path'))
answer('fact_contents_first_model', lambda: sorted_by(db.fact_contents(query='["=", "path", ["processors", "models", 0]]'), 'certname'))
answer('fact_contents_load', lambda: sorted_by(db.fact_contents(query='["and", ["=", "name", "load_averages"], [">", "value", 0.4]]'), 'certname', 'path'))
answer('inventory_debian', lambda: sorted_by([masked(plain(i), 'time') for i in db.inventory(query='["=", "facts.os.family", "Debian"]')], 'node'))
answer('inventory_extract', lambda: sorted_by(db._query('inventory', query='["extract", ["certname", "facts.os.release.major", "trusted.extensions"], [">", "facts.uptime_seconds", 1000]]'), 'certname'))

# Resources and catalogs.
answer('resources_file', lambda: sorted_by([plain(r) for r in db.resources('file')], 'node', 'name'))
answer('resources_service_nginx', lambda: sorted_by([plain(r) for r in db.resources('service', 'nginx')], 'node'))
answer('resources_tagged_package', lambda: sorted_by([plain(r) for r in db.resources(query='["and", ["=", "type", "Package"], ["=", "tag", "WEB"]]')], 'node', 'name'))
answer('resources_parameter', lambda: sorted_by([plain(r) for r in db.resources(query='["=", ["parameter", "ensure"], "running"]')], 'node', 'name'))
answer('resources_dotted_parameter', lambda: sorted_by([plain(r) for r in db.resources(query='["=", "parameters.uid", 1001]')], 'node', 'name'))
answer('resources_exported', lambda: sorted_by([plain(r) for r in db.resources(query='["=", "exported", true]')], 'node', 'name'))
answer('resources_node_db01', lambda: sorted_by([plain(r) for r in db.node('db01.example.com').resources()], 'type_', 'name'))
answer('resources_line_range', lambda: sorted_by(db._query('resources', query='["extract", ["certname", "type", "title", "line"], ["and", [">=", "line", 9], ["<", "line", 15]]]'), 'certname', 'type', 'title'))
answer('resources_count_by_type', lambda: sorted_by(db._query('resources', query='["extract", [["function", "count"], "type"], ["group_by", "type"]]'), 'type'))


def catalog_dict(c):
    return {
        'node': c.node, 'version': c.version, 'transaction_uuid': c.transaction_uuid, 'environment': c.environment,
        'code_id': c.code_id, 'catalog_uuid': c.catalog_uuid,
        'resources': sorted_by([plain(r) for r in c.get_resources()], 'type_', 'name'),
        'edges': sorted_by([{'source': str(e.source), 'target': str(e.target), 'relationship': e.relationship} for e in c.get_edges()], 'source', 'target', 'relationship'),
    }


answer('catalog_web01', lambda: catalog_dict(db.catalog('web01.example.com')))
answer('catalogs_staging', lambda: [catalog_dict(c) for c in db.catalogs(query='["=", "environment", "staging"]')])
answer('catalogs_extract', lambda: sorted_by(db._query('catalogs', query='["extract", ["certname", "version", "transaction_uuid", "producer_timestamp", "producer", "code_id", "catalog_uuid", "environment"]]'), 'certname'))

# Reports and events.


def report_dict(r):
    d = plain(r)
    d = masked(d, 'received')
    d['metrics'] = sorted_by(d['metrics'], 'category', 'name')
    d['events'] = sorted_by([plain(e) for e in r.events()], 'timestamp', 'item')
    return d


answer('reports_web01', lambda: sorted_by([report_dict(r) for r in db.node('web01.example.com').reports()], 'start'))
answer('reports_latest', lambda: sorted_by([report_dict(r) for r in db.reports(query='["=", "latest_report?", true]')], 'node'))
answer('reports_extract', lambda: sorted_by(db._query('reports', query='["extract", ["certname", "hash", "status", "noop", "noop_pending", "start_time", "end_time", "producer_timestamp", "producer", "report_format", "puppet_version", "configuration_version", "transaction_uuid", "catalog_uuid", "cached_catalog_status", "corrective_change", "environment", "code_id", "job_id"], ["~", "certname", "^(web|db)"]]'), 'certname', 'start_time'))
answer('reports_paged', lambda: [r['certname'] for r in db._query('reports', query='["extract", ["certname"]]', order_by='[{"field": "producer_timestamp", "order": "desc"}]', limit=3)])


def last_report_events(n):
    return sorted_by([plain(e) for e in db.events(query=json.dumps(['=', 'report', n.latest_report_hash]))], 'timestamp', 'item')


answer('events_last_report', lambda: {n.name: last_report_events(n) for n in db.nodes(query='["=", "node_state", "any"]') if n.latest_report_hash})
answer('events_latest_failed', lambda: sorted_by([plain(e) for e in db.events(query='["and", ["=", "latest_report?", true], ["=", "status", "failure"]]')], 'node'))
answer('events_raw', lambda: sorted_by([masked(e, 'report_receive_time') for e in db._query('events', query='["=", "certname", "web01.example.com"]')], 'timestamp', 'resource_type', 'resource_title', 'property'))
answer('events_skipped', lambda: sorted_by([masked(e, 'report_receive_time') for e in db._query('events', query='["=", "status", "skipped"]')], 'certname'))
answer('event_counts_latest', lambda: sorted_by(db.event_counts('certname', query='["=", "latest_report?", true]'), 'subject'))
answer('event_counts_resource', lambda: sorted_by(db.event_counts('resource', query='["=", "certname", "web01.example.com"]'), 'subject'))
answer('environments', lambda: sorted_by(db.environments(), 'name'))
answer('fact_names', lambda: db.fact_names())

# PQL.
answer('pql_nodes', lambda: db._query('pql', query='nodes[certname, latest_report_status, report_environment] { facts_environment = "production" order by certname }'))
answer('pql_nodes_subquery', lambda: db._query('pql', query='nodes[certname] { resources { type = "Package" and title = "nginx" } order by certname }'))
answer('pql_facts_group', lambda: sorted_by(db._query('pql', query='facts[name, count()] { name ~ "^(kernel|role)$" group by name }'), 'name'))
answer('pql_resources_in', lambda: db._query('pql', query="resources[certname, type, title] { type = 'Service' and certname in inventory[certname] { facts.role = \"web\" } order by certname }"))
answer('pql_events', lambda: sorted_by(db._query('pql', query='events[certname, status, resource_type, resource_title, property] { latest_report? = true and !(status = "success") }'), 'certname', 'resource_title'))
answer('pql_inventory', lambda: db._query('pql', query='inventory[certname, facts.networking.ip] { facts.os.family = "Debian" and facts.processors.count >= 4 order by certname desc limit 2 }'))
answer('pql_reports_not_null', lambda: sorted(r['certname'] for r in db._query('pql', query='reports[certname] { job_id is null and noop_pending is not null }')))
answer('pql_fact_contents', lambda: sorted_by(db._query('pql', query='fact_contents[certname, path, value] { path ~> ["os", "release", "major"] and certname in ["db01.example.com", "web02.example.com"] }'), 'certname'))
answer('pql_paging', lambda: db._query('pql', query='facts[certname, value] { name = "uptime_seconds" order by value desc, certname limit 2 offset 1 }'))
answer('pql_environments', lambda: sorted_by(db._query('pql', query='environments {}'), 'name'))

json.dump(answers, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write('\n')
