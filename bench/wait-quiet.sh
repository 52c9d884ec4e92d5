#!/usr/bin/env bash
# Waits until the machine is quiet enough to benchmark: CPU idle >= QUIET_IDLE % (default 85)
# over a 3-second sample, checked for up to QUIET_TIMEOUT seconds (default 300; 0 = don't wait).
# Prints what it saw; never fails (a busy machine is reported, not hidden). Sourced or run.
quiet_idle="${QUIET_IDLE:-85}"
quiet_timeout="${QUIET_TIMEOUT:-300}"

cpu_idle_pct() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 3
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  local idle=$(( (b[4] - a[4]) + (b[5] - a[5]) ))
  echo $(( total > 0 ? 100 * idle / total : 100 ))
}

waited=0
while true; do
  idle=$(cpu_idle_pct)
  if (( idle >= quiet_idle )); then
    echo "== machine quiet: ${idle}% CPU idle (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    break
  fi
  if (( waited >= quiet_timeout )); then
    echo "!! machine still busy after ${waited}s: only ${idle}% CPU idle (load average $(cut -d' ' -f1-3 /proc/loadavg)); figures below are pessimistic"
    ps -eo pcpu,comm --sort=-pcpu | sed -n '2,5p' | sed 's/^/!!   /'
    break
  fi
  sleep 7
  waited=$((waited + 10))
done
