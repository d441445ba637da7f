#!/bin/bash
# bench/compare.sh - starling-bench against Starling and (when installed)
# Janus's VideoRoom, at several sizes, each target alone in a private
# network namespace (unshare -n) with a fresh server per run, each run
# followed by bench/floor at its fan-out (participants - 1). With
# --rounds N the whole matrix runs N times over, interleaved, because the
# machine's speed drifts from minute to minute. Prints one summary table,
# medians over the rounds: CPU per forwarded packet, "x floor" (each
# run's CPU per packet over the GCM floor measured right after it) and
# "/janus" (Starling's over Janus's of the same round and size); the JSON
# and text of every run go to the output directory (default
# $TMPDIR/starling-compare).
#
#   bench/compare.sh [--targets "starling janus"] [--sizes "1x3 1x6 4x6 8x6"]
#                    [--seconds S] [--rounds N] [--out DIR]
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
rounds=1
out=${TMPDIR:-/tmp}/starling-compare
while [ $# -gt 0 ]; do
	case $1 in
	--targets) targets=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--inner) inner=$2; shift 2 ;;
	*) sed -n '2,21p' "$0" >&2; exit 2 ;;
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

# ---- one run, inside the namespace: $inner = target:size:round ----
if [ -n "${inner:-}" ]; then
	IFS=: read -r target size round <<<"$inner"
	rooms=${size%x*}
	parts=${size#*x}
	ip link set lo up
	run=$out/$target-$size-r$round
	log=$run.server.log
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
		--ice-ip "$ice_ip" --server-pid "$srv" --json "$run.json" \
		--floor-seconds 0 "${extra[@]}" >"$run.txt" 2>&1 || rc=$?
	exit $rc
fi

mkdir -p "$out"
# a reused folder's older runs would join this table
rm -f "$out"/floor_*.json "$out"/*-*x*.json "$out"/*-*x*.txt \
	"$out"/*-*x*.server.log
if [[ " $targets " == *" janus "* ]] && [ -z "$JANUS" ]; then
	echo "compare: janus is not installed (apt-get install janus); skipped" >&2
	targets=${targets//janus/}
fi
for round in $(seq "$rounds"); do
	for size in $sizes; do
		for target in $targets; do
			echo "compare: $target $size ($seconds s, round $round of $rounds)" >&2
			unshare -n bash "$0" --inner "$target:$size:$round" \
				--seconds "$seconds" --out "$out" ||
				echo "compare: $target $size failed (exit $?)" >&2
			sed -n '/^forwarded/,$p' "$out/$target-$size-r$round.txt" >&2 || true
			# the floor moves by +-20 % from one run to the next on
			# a shared VM: measure it beside every run
			"$FLOOR" --subscribers $((${size#*x} - 1)) --seconds 2 \
				--json "$out/floor_${target}_$size-r$round.json" >&2
		done
	done
done

python3 - "$out" <<'EOF'
import glob, json, os, re, sys
out = sys.argv[1]
def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2 if v else 0
def rng(v):
    return "%.2f-%.2f" % (min(v), max(v)) if len(v) > 1 else ""
runs, floor_of = {}, {}
for path in glob.glob(os.path.join(out, "*-*x*-r*.json")):
    target, size, rnd = re.match(r"(.*)-(\d+x\d+)-r(\d+)\.json$",
                                 os.path.basename(path)).groups()
    runs.setdefault((target, size), {})[int(rnd)] = json.load(open(path))
    fpath = os.path.join(out, "floor_%s_%s-r%s.json" % (target, size, rnd))
    if os.path.exists(fpath):
        floor_of[(target, size, int(rnd))] = {
            f["profile"]: f["cpu_us_per_forwarded"] for f in json.load(open(fpath))}
def cpu(d):
    return (d.get("server") or {}).get("cpu_us_per_forwarded_packet", 0)
print("%-9s %-5s %6s %9s %11s %10s %7s %6s %7s %8s %8s %8s %8s %8s %7s" % (
    "target", "size", "rounds", "pkts/s", "cpu us/pkt", "(range)", "x floor",
    "/janus", "loss %", "p50 us", "p99 us", "srv p99", "1st A ms", "1st V ms",
    "RSS MB"))
for (target, size), by_round in sorted(runs.items()):
    ds = list(by_round.values())
    us = [cpu(d) for d in ds]
    ratios = [cpu(d) / floor_of[(target, size, r)]["SRTP_AEAD_AES_128_GCM"]
              for r, d in by_round.items()
              if floor_of.get((target, size, r), {}).get("SRTP_AEAD_AES_128_GCM")]
    vs = [cpu(d) / cpu(runs[("janus", size)][r]) for r, d in by_round.items()
          if target != "janus" and r in runs.get(("janus", size), {})
          and cpu(runs[("janus", size)][r])]
    srv = [(d.get("server") or {}).get("forward_delay_us", {}).get("p99")
           for d in ds]
    srv = [v for v in srv if v is not None]
    bad = [d["failure"] for d in ds if not d["ok"]]
    print("%-9s %-5s %6d %9.0f %11.2f %10s %7.2f %6s %7.3f %8.0f %8.0f %8s %8.0f %8.0f %7.1f%s" % (
        target, size, len(ds), median([d["totals"]["forwarded_packets_per_s"] for d in ds]),
        median(us), rng(us), median(ratios), "%.2f" % median(vs) if vs else "-",
        max(d["totals"]["loss_percent"] for d in ds),
        median([d["latency_us"]["p50"] for d in ds]),
        median([d["latency_us"]["p99"] for d in ds]),
        "%.0f" % median(srv) if srv else "-",
        max(d["join_to_first_ms"]["audio"]["max"] for d in ds),
        max(d["join_to_first_ms"]["video"]["max"] for d in ds),
        median([(d.get("server") or {}).get("rss_kb", 0) for d in ds]) / 1024,
        "  FAILED: " + bad[0] if bad else ""))
print("medians over the rounds; x floor: of each run over the GCM floor measured "
      "right after it; /janus: Starling over Janus in the same round; loss: the "
      "worst run; 1st A/V: the slowest join-to-first-packet of any run")
print("srv p99 = the server's own forward delay (kernel receive to its sends "
      "done, admin API); p50/p99: one-way through it, bench included")
others = [d.get("machine", {}).get("others_percent_of_one_core", -1)
          for r in runs.values() for d in r.values()]
print("unrelated processes used %.0f%% of a core at most during a window; srtp: %s" % (
    max(others) if others else -1, ", ".join(sorted({d.get("srtp", "?")
    for r in runs.values() for d in r.values()}))))
floors = {}
for (target, size, r), f in floor_of.items():
    for k, v in f.items():
        floors.setdefault((int(size.split("x")[1]) - 1, k), []).append(v)
for (n, k), v in sorted(floors.items()):
    print("floor (%d subscribers, %d runs): %s median %.2f us/pkt (%s)" % (
        n, len(v), k, median(v), rng(v)))
EOF
