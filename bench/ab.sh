#!/bin/bash
# bench/ab.sh - interleaved before/after runs of starling-bench against
# several builds of Starling, for a machine whose speed drifts: each
# round runs every build once, in turn, each in its own private network
# namespace with a fresh server; compare builds within a round.
#
#   bench/ab.sh SIZE SECONDS ROUNDS NAME...
#
# NAME is a build tree under ${AB_DIR:-/tmp/ab} (for example a
# `git worktree add /tmp/ab/before COMMIT`, configured and built with
# `make src/starling bench/starling-bench bench/floor`). Run it from the
# top of a checkout (the server serves html/ from there). Text and JSON
# of every run go to $AB_DIR/NAME-SIZE-ROUND.{txt,json}; one line per run
# is printed: CPU us per forwarded packet, the GCM floor measured right
# after it, loss, and latency.
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
size=$1 secs=$2 rounds=$3
shift 3
dir=${AB_DIR:-/tmp/ab}
rooms=${size%x*} parts=${size#*x}
for r in $(seq "$rounds"); do
	for v in "$@"; do
		d=$dir/$v out=$dir/$v-$size-$r
		unshare -n bash -c '
			ip link set lo up
			"$1/src/starling" -o http.port=18080 -o media.ips=127.0.0.1 \
				-o admin.secret=x -l warn 2>"$2.server.log" &
			spid=$!
			sleep 1
			"$1/bench/starling-bench" --url ws://127.0.0.1:18080/ws \
				--rooms "$3" --participants "$4" --seconds "$5" \
				--server-pid $spid --admin http://127.0.0.1:8081 \
				--admin-secret x --json "$2.json" >"$2.txt" 2>&1 || true
			kill -INT $spid; wait' _ "$d" "$out" "$rooms" "$parts" "$secs"
		printf '%-10s round %d: %s us/pkt, floor %s, %s, %s\n' "$v" "$r" \
			"$(grep -o '[0-9.]* us per forwarded packet, RSS' "$out.txt" | awk '{print $1}')" \
			"$(grep -o 'GCM, [0-9]* subscribers: [0-9.]*' "$out.txt" | awk '{print $4}')" \
			"$(grep -o 'lost [0-9]* ([0-9.%]*)' "$out.txt" | head -1)" \
			"$(grep -o 'p50 [0-9]* us, p99 [0-9]* us' "$out.txt")"
	done
done
