#!/usr/bin/env bash
# Makes rootful podman usable on machines like CI's (idempotent; a setting already present is left alone):
# - the default ulimits of containers cannot be applied there: `default_ulimits = []` under [containers];
# - cgroups are in hybrid mode with a controller (hugetlb) on the cgroup v2 side, which crun refuses
#   ("cgroups in hybrid mode not supported"): `runtime = "runc"` under [engine] (Debian's runc package).
set -euo pipefail

conf=${CONTAINERS_CONF:-/etc/containers/containers.conf}
unified=${CGROUP_UNIFIED_CONTROLLERS:-/sys/fs/cgroup/unified/cgroup.controllers}

# set_default <section> <key> <value>: adds `key = value` under [section] unless the key is set anywhere.
set_default() {
  local section=$1 key=$2 value=$3
  if grep -Eq "^[[:space:]]*$key[[:space:]]*=" "$conf" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$(dirname "$conf")"
  if grep -Eq "^[[:space:]]*\\[$section\\]" "$conf" 2>/dev/null; then
    sed -i -E "0,/^[[:space:]]*\\[$section\\]/s//&\\n$key = $value/" "$conf"
  else
    printf '[%s]\n%s = %s\n' "$section" "$key" "$value" >>"$conf"
  fi
  echo "podman: set $key = $value under [$section] in $conf" >&2
}

set_default containers default_ulimits '[]'
if grep -q . "$unified" 2>/dev/null; then
  command -v runc >/dev/null || {
    echo "error: cgroups are hybrid with controllers on the v2 side; crun cannot run containers here. Install runc (apt-get install runc)" >&2
    exit 1
  }
  set_default engine runtime '"runc"'
fi
