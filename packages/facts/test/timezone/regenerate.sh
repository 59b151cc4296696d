#!/bin/sh
# Records what Facter's `timezone` fact would say — Ruby's Time#strftime('%Z') on the C library's
# local time, Facter 4's own resolver — for each TZ value and moment in cases.txt, into
# expected.json. Needs ruby (Debian's, as puppet/facter bring it) and tzdata; CI only reads the file.
set -eu
cd "$(dirname "$0")"
{
  echo '['
  first=1
  while IFS='|' read -r tz seconds; do
    case "$tz" in '#'*|'') continue ;; esac
    zone=$(TZ="$tz" ruby -e "print Time.at($seconds).localtime.strftime('%Z')")
    [ $first = 1 ] || echo ','
    first=0
    ruby -rjson -e 'print JSON.generate({ "tz" => ARGV[0], "seconds" => ARGV[1].to_i, "zone" => ARGV[2] })' "$tz" "$seconds" "$zone"
  done < cases.txt
  echo
  echo ']'
} > expected.json
