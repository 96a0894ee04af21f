# shellcheck shell=bash
# Sourced by the end-to-end scripts that start servers of their own (fault_injection.sh,
# registry_hostile.sh, probe_downloads_end_to_end.sh, registry_end_to_end.sh): one work
# directory, `fail`, and an exit trap that stops every server they started by its PID (never
# by name: other suites may run the same server at the same time) and removes the directory.

fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
server_pids=()
stop_servers_and_clean() {
  local pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop_servers_and_clean EXIT

# start_server NAME LOG PORT_FILE COMMAND...: COMMAND in the background (its stderr into LOG),
# its PID kept for the exit trap; waits up to 10 s for it to write the port it listens on to
# PORT_FILE (the servers write it to a temporary name and rename it, so it is never half
# written). Sets $server_port.
start_server() {
  local name=$1 log=$2 port_file=$3
  shift 3
  "$@" 2>"$log" &
  server_pids+=($!)
  for _ in $(seq 100); do [ -f "$port_file" ] && break; sleep 0.1; done
  [ -f "$port_file" ] || fail "$name did not start: $(cat "$log")"
  # shellcheck disable=SC2034  # read by the scripts that source this file
  server_port=$(cat "$port_file")
}

now() { date +%s.%N; }
# within START LIMIT: true when less than LIMIT seconds have passed since START (from `now`).
within() { python3 -c "import sys; sys.exit(0 if $(now) - $1 < $2 else 1)"; }
# seconds_since START: the time since START, to one decimal, for a message.
seconds_since() { python3 -c "print(round($(now) - $1, 1))"; }
