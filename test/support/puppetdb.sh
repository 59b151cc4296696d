# Sourced by the regenerate scripts that ask a real PuppetDB for golden answers: Debian's
# puppetdb 7.12 on a PostgreSQL of its own in a temporary folder, plain HTTP on loopback.
# Before sourcing, set `extra_packages` (Debian packages the caller needs besides these).
# Afterwards: $pdbport is the running PuppetDB's port, $work its folder (removed on exit).
# Needs root (apt-get, and PostgreSQL runs as the postgres user).

missing="${extra_packages:-}"
[ -f /usr/share/puppetdb/puppetdb.jar ] || missing="$missing puppetdb"
[ -f /usr/lib/ruby/vendor_ruby/puppet/reports/puppetdb.rb ] || missing="$missing puppet-terminus-puppetdb"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
if [ -n "$missing" ]; then
  echo "installing$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/kasper-puppetdb-XXXXXX)
chown postgres "$work"
pgport=$((25000 + $$ % 5000))
pdbport=$((30000 + $$ % 5000))
pdb_pid=""
cleanup() {
  [ -n "$pdb_pid" ] && kill "$pdb_pid" 2>/dev/null && wait "$pdb_pid" 2>/dev/null || true
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -w -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# PostgreSQL, C locale so its ordering does not depend on the machine.
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -U postgres --locale=C -E UTF8 --no-sync >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
  -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
psql -q -h 127.0.0.1 -p "$pgport" -U postgres -c "CREATE ROLE puppetdb LOGIN PASSWORD 'puppetdb'" -c "CREATE DATABASE puppetdb OWNER puppetdb"
psql -q -h 127.0.0.1 -p "$pgport" -U postgres -d puppetdb -c "CREATE EXTENSION pg_trgm"

# PuppetDB: plain HTTP on loopback; garbage collection off, so the fixed 2025 timestamps of the
# fixtures are neither expired nor dropped as older than report-ttl.
mkdir -p "$work/conf" "$work/var"
cp /etc/puppetdb/conf.d/auth.conf "$work/conf/"
cat > "$work/conf/puppetdb.ini" <<EOF
[global]
vardir = $work/var
logging-config = $work/logback.xml

[database]
subname = //127.0.0.1:$pgport/puppetdb
username = puppetdb
password = puppetdb
gc-interval = 0
report-ttl = 3650d
node-ttl = 0s
node-purge-ttl = 0s

[jetty]
host = 127.0.0.1
port = $pdbport

[puppetdb]
disable-update-checking = true
EOF
cat > "$work/logback.xml" <<EOF
<configuration>
  <appender name="F" class="ch.qos.logback.core.FileAppender">
    <file>$work/puppetdb.log</file>
    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>
  </appender>
  <root level="info"><appender-ref ref="F" /></root>
</configuration>
EOF
java -Xmx512m -cp /usr/share/puppetdb/puppetdb.jar clojure.main -m puppetlabs.puppetdb.core services \
  --config "$work/conf" --bootstrap-config /etc/puppetdb/bootstrap.cfg >"$work/puppetdb.out" 2>&1 &
pdb_pid=$!
version=""
for _ in $(seq 1 "${pdb_wait:-180}"); do
  version=$(curl -sf "http://127.0.0.1:$pdbport/pdb/meta/v1/version" || true)
  [ -n "$version" ] && break
  kill -0 "$pdb_pid" 2>/dev/null || { cat "$work/puppetdb.out"; exit 1; }
  sleep 1
done
[ -n "$version" ] || { echo "PuppetDB did not start"; tail -50 "$work/puppetdb.out"; exit 1; }
echo "PuppetDB $version"

