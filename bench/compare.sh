#!/bin/bash
# bench/compare.sh - starling-bench against Starling and (when installed)
# Janus's VideoRoom, at several sizes, each target alone in a private
# network namespace (unshare -n) with a fresh server per run, each run
# followed by bench/floor at its fan-out (participants - 1). Prints one
# summary table ("x floor" = the target's CPU per forwarded packet over
# the median GCM floor of all runs at the same fan-out); the JSON and
# text of every run go to the output directory (default
# $TMPDIR/starling-compare).
#
#   bench/compare.sh [--targets "starling janus"] [--sizes "1x3 1x6 4x6 8x6"]
#                    [--seconds S] [--out DIR]
#
# Janus: Debian's janus package (apt-get install janus), configured here
# from /etc/janus into a temporary folder: only the VideoRoom plugin and
# the WebSocket transport (port 8188), ICE on the loopback only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
targets="starling janus"
sizes="1x3 1x6 4x6 8x6"
seconds=10
out=${TMPDIR:-/tmp}/starling-compare
while [ $# -gt 0 ]; do
	case $1 in
	--targets) targets=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--inner) inner=$2; shift 2 ;;
	*) sed -n '2,17p' "$0" >&2; exit 2 ;;
	esac
done
STARLING=${STARLING:-$top/src/starling}
BENCH=${BENCH:-$top/bench/starling-bench}
FLOOR=${FLOOR:-$top/bench/floor}
JANUS=${JANUS:-$(command -v janus || true)}

# A Janus configuration folder for the loopback: $1 = folder.
janus_config() {
	local dir=$1 plugins transports
	mkdir -p "$dir"
	cp /etc/janus/janus.jcfg /etc/janus/janus.plugin.videoroom.jcfg \
		/etc/janus/janus.transport.websockets.jcfg "$dir/"
	plugins=$(cd /usr/lib/x86_64-linux-gnu/janus/plugins && ls *.so |
		grep -v '^libjanus_videoroom.so$' | paste -sd, -)
	transports=$(cd /usr/lib/x86_64-linux-gnu/janus/transports && ls *.so |
		grep -v '^libjanus_websockets.so$' | paste -sd, -)
	sed -i \
		-e "s|^\(\s*\)configs_folder = .*|\1configs_folder = \"$dir\"|" \
		-e 's|^\(\s*\)debug_level = .*|\1debug_level = 3|' \
		-e "s|^\(\s*\)#disable = \"libjanus_voicemail.so,libjanus_recordplay.so\"|\1disable = \"$plugins\"|" \
		-e "s|^\(\s*\)#disable = \"libjanus_rabbitmq.so\"|\1disable = \"$transports\"|" \
		-e 's|^\(\s*\)#disable = "libjanus_jsonlog.so"|\1disable = "libjanus_jsonlog.so"|' \
		-e 's|^\(\s*\)nice_debug = false|\1nice_debug = false\n\1ice_enforce_list = "v0"|' \
		"$dir/janus.jcfg"
}

# ---- one run, inside the namespace: $inner = target:size ----
if [ -n "${inner:-}" ]; then
	target=${inner%%:*}
	size=${inner#*:}
	rooms=${size%x*}
	parts=${size#*x}
	ip link set lo up
	log=$out/$target-$size.server.log
	case $target in
	starling)
		"$STARLING" -o http.port=18080 -o media.ips=127.0.0.1 \
			-o admin.secret=x -l warn 2>"$log" &
		url=ws://127.0.0.1:18080/ws port=18080 ice_ip=127.0.0.1
		extra=(--admin http://127.0.0.1:8081 --admin-secret x) ;;
	janus)
		# Janus gathers no candidates on a loopback interface: give it
		# a veth end with a local address (traffic between local
		# addresses still goes through the loopback device).
		ip link add v0 type veth peer name v1
		ip addr add 10.99.0.1/24 dev v0
		ip link set v1 up
		ip link set v0 up
		ice_ip=10.99.0.1
		cfg=$(mktemp -d)
		janus_config "$cfg"
		"$JANUS" -C "$cfg/janus.jcfg" -F "$cfg" -o >"$log" 2>&1 &
		url=ws://127.0.0.1:8188/ port=8188 extra=() ;;
	esac
	srv=$!
	trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null || true' EXIT
	for _ in $(seq 150); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	rc=0
	timeout $((seconds + 120)) "$BENCH" --target "$target" --url "$url" \
		--rooms "$rooms" --participants "$parts" --seconds "$seconds" \
		--ice-ip "$ice_ip" --server-pid "$srv" --json "$out/$target-$size.json" \
		--floor-seconds 0 "${extra[@]}" >"$out/$target-$size.txt" 2>&1 || rc=$?
	exit $rc
fi

mkdir -p "$out"
# a reused folder's older runs would join this table
rm -f "$out"/floor_*.json "$out"/*-*x*.json "$out"/*-*x*.txt \
	"$out"/*-*x*.server.log
for target in $targets; do
	if [ "$target" = janus ] && [ -z "$JANUS" ]; then
		echo "compare: janus is not installed (apt-get install janus); skipped" >&2
		continue
	fi
	for size in $sizes; do
		echo "compare: $target $size ($seconds s)" >&2
		unshare -n bash "$0" --inner "$target:$size" --seconds "$seconds" \
			--out "$out" || echo "compare: $target $size failed (exit $?)" >&2
		sed -n '/^forwarded/,$p' "$out/$target-$size.txt" >&2 || true
		# the floor moves by +-20 % from one run to the next on a
		# shared VM: measure it beside every run, use the median
		"$FLOOR" --subscribers $((${size#*x} - 1)) --seconds 2 \
			--json "$out/floor_${target}_$size.json" >&2
	done
done

python3 - "$out" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(out, "floor_*.json")):
    for f in json.load(open(path)):
        runs.setdefault(f["subscribers"], {}).setdefault(
            f["profile"], []).append(f["cpu_us_per_forwarded"])
def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2
floors = {n: {k: median(v) for k, v in p.items()} for n, p in runs.items()}
print("%-9s %-5s %9s %11s %7s %7s %8s %8s %8s %8s %8s %7s %7s" % (
    "target", "size", "pkts/s", "cpu us/pkt", "x floor", "loss %",
    "p50 us", "p99 us", "srv p99", "1st A ms", "1st V ms", "RSS MB", "others%"))
for path in sorted(glob.glob(os.path.join(out, "*-*x*.json"))):
    d = json.load(open(path))
    t, s = d["totals"], d.get("server") or {}
    us = s.get("cpu_us_per_forwarded_packet", 0)
    gcm = floors.get(d["participants"] - 1, {}).get("SRTP_AEAD_AES_128_GCM", 0)
    fd = s.get("forward_delay_us")
    print("%-9s %-5s %9.0f %11.2f %7.1f %7.3f %8d %8d %8s %8d %8d %7.1f %7.0f%s" % (
        d["target"], "%dx%d" % (d["rooms"], d["participants"]),
        t["forwarded_packets_per_s"], us, us / gcm if gcm else 0,
        t["loss_percent"], d["latency_us"]["p50"], d["latency_us"]["p99"],
        "%.0f" % fd["p99"] if fd else "-",
        d["join_to_first_ms"]["audio"]["max"], d["join_to_first_ms"]["video"]["max"],
        s.get("rss_kb", 0) / 1024,
        d.get("machine", {}).get("others_percent_of_one_core", -1),
        "" if d["ok"] else "  FAILED: " + d["failure"]))
print("srv p99 = the server's own forward delay (kernel receive to its "
      "sends done, admin API); p50/p99: one-way through it, bench included")
print("others% = CPU used by unrelated processes during the window, in % of "
      "one core; srtp: " + ", ".join(sorted({json.load(open(p)).get("srtp", "?")
      for p in glob.glob(os.path.join(out, "*-*x*.json"))})))
for n in sorted(floors):
    print("floor (%d subscribers, median of %d runs): " % (
        n, len(next(iter(runs[n].values())))) + ", ".join(
        "%s %.2f us/pkt (%.2f-%.2f)" % (k, floors[n][k], min(v), max(v))
        for k, v in sorted(runs[n].items())))
EOF
