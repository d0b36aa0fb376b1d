#!/usr/bin/env bash
# metrics-bench.sh - procintrod's /metrics against node_exporter restricted to the same
# sources: same machine, same run, loopback only, bounded time (about 2 minutes by default).
#
#   bash bench/metrics-bench.sh [--procintrod PATH] [--duration S] [--rounds N]
#                               [--connections N] [--threads N] [--nice N] [--out DIR]
#
# --nice N runs the three daemons and wrk at niceness N (e.g. -10, as root): on a shared
# machine it shields the comparison from unrelated load; all targets get the same priority.
#
# Targets (each started by this script on a free 127.0.0.1 port, stopped by PID at exit):
#   ne        prometheus-node-exporter --collector.disable-defaults
#             --web.disable-exporter-metrics --collector.{cpu,stat,buddyinfo,zoneinfo,
#             schedstat,pressure,loadavg} --collector.stat.softirq
#             (reads /proc at every scrape)
#   pi        procintrod --procfs-root DIR, DIR holding symlinks to the same /proc files only
#             (stat buddyinfo zoneinfo schedstat loadavg pressure/{cpu,memory,io})
#   pi_all    procintrod on /proc itself: every source, kallsyms and iomem included
#             (informative: more work and more series than node_exporter)
#
# Measured per target, rounds interleaved (ne, pi, pi_all, ne, ...):
#   wrk -t THREADS -c CONNECTIONS -d DURATION --latency http://127.0.0.1:PORT/metrics
#   (plain text, no compression), median round of req/s and of p50/p99 latency; then one
#   round with "Accept-Encoding: gzip" (what Prometheus sends); RSS (VmRSS) and VmHWM of the
#   daemon after all rounds; response size; samples.
# Goals (issue "export to monitoring"): pi >= 10x ne's req/s, lower p99, RSS <= ne / 2.
# Needs: prometheus-node-exporter wrk curl python3 (apt-get install prometheus-node-exporter
# wrk); a built procintrod (ninja -C build). Run as root to let both read what root reads.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PI=$here/../build/daemon/procintrod
DUR=10
ROUNDS=3
CONNS=16
THREADS=2
NICE=0
OUT=
while [ $# -gt 0 ]; do
	case "$1" in
	--procintrod) PI=$2; shift ;;
	--duration) DUR=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--connections) CONNS=$2; shift ;;
	--threads) THREADS=$2; shift ;;
	--nice) NICE=$2; shift ;;
	--out) OUT=$2; shift ;;
	-h | --help) awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
for t in wrk curl python3; do
	command -v "$t" >/dev/null || { echo "missing $t (apt-get install wrk curl python3)" >&2; exit 2; }
done
[ -n "$NE" ] || { echo "missing prometheus-node-exporter (apt-get install prometheus-node-exporter)" >&2; exit 2; }
[ -x "$PI" ] || { echo "no procintrod at $PI (ninja -C build, or --procintrod PATH)" >&2; exit 2; }

work=$(mktemp -d /tmp/metrics-bench.XXXXXX)
OUT=${OUT:-$work/out}
mkdir -p "$OUT"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work/root"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() { # url
	for _ in $(seq 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
	echo "no answer from $1" >&2
	return 1
}

# procfs root restricted to node_exporter's sources
mkdir -p "$work/root/pressure"
for f in stat buddyinfo zoneinfo schedstat loadavg pressure/cpu pressure/memory pressure/io; do
	[ -e /proc/$f ] && ln -s /proc/$f "$work/root/$f"
done

declare -A URL PID
p=$(free_port)
nice -n "$NICE" "$NE" --web.listen-address=127.0.0.1:$p --collector.disable-defaults --web.disable-exporter-metrics \
	--collector.cpu --collector.stat --collector.stat.softirq --collector.buddyinfo \
	--collector.zoneinfo --collector.schedstat --collector.pressure --collector.loadavg \
	>"$OUT/ne.log" 2>&1 &
pids+=($!); PID[ne]=$!; URL[ne]=http://127.0.0.1:$p/metrics
p=$(free_port)
nice -n "$NICE" "$PI" --procfs-root "$work/root" --listen 127.0.0.1:$p >"$OUT/pi.log" 2>&1 &
pids+=($!); PID[pi]=$!; URL[pi]=http://127.0.0.1:$p/metrics
p=$(free_port)
nice -n "$NICE" "$PI" --listen 127.0.0.1:$p >"$OUT/pi_all.log" 2>&1 &
pids+=($!); PID[pi_all]=$!; URL[pi_all]=http://127.0.0.1:$p/metrics
targets=(ne pi pi_all)
for t in "${targets[@]}"; do
	wait_http "${URL[$t]}"
	for _ in $(seq 20); do curl -s -o /dev/null "${URL[$t]}"; done # warm up
	curl -s "${URL[$t]}" >"$OUT/$t.prom"
	curl -s -H 'Accept-Encoding: gzip' "${URL[$t]}" >"$OUT/$t.prom.gz"
done

# wrk output -> "req/s p50_ms p99_ms"
wrk_parse() {
	awk '
	function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
	                 if (v ~ /s$/) return v * 1000; return v }
	/Requests\/sec:/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	END { printf "%s %.3f %.3f\n", rps, p50, p99 }' "$1"
}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "# metrics-bench $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg); wrk -t$THREADS -c$CONNS -d${DUR}s x $ROUNDS rounds, nice $NICE" | tee "$OUT/summary.txt"
for r in $(seq "$ROUNDS"); do
	for t in "${targets[@]}"; do
		nice -n "$NICE" wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency "${URL[$t]}" >"$OUT/wrk-$t-$r.txt"
	done
done
for t in "${targets[@]}"; do
	nice -n "$NICE" wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency -H 'Accept-Encoding: gzip' "${URL[$t]}" >"$OUT/wrk-$t-gzip.txt"
done

printf '%-8s %10s %9s %9s %12s %9s %9s %10s %10s %9s %8s\n' target req/s p50_ms p99_ms gzip_req/s gz_p99_ms RSS_kB HWM_kB bytes gz_bytes samples | tee -a "$OUT/summary.txt"
declare -A RPS P99 RSS
for t in "${targets[@]}"; do
	for r in $(seq "$ROUNDS"); do wrk_parse "$OUT/wrk-$t-$r.txt"; done >"$OUT/rounds-$t.txt"
	RPS[$t]=$(awk '{print $1}' "$OUT/rounds-$t.txt" | median)
	p50=$(awk '{print $2}' "$OUT/rounds-$t.txt" | median)
	P99[$t]=$(awk '{print $3}' "$OUT/rounds-$t.txt" | median)
	read -r grps _ gp99 < <(wrk_parse "$OUT/wrk-$t-gzip.txt")
	RSS[$t]=$(awk '/^VmRSS/ {print $2}' /proc/${PID[$t]}/status)
	hwm=$(awk '/^VmHWM/ {print $2}' /proc/${PID[$t]}/status)
	printf '%-8s %10s %9s %9s %12s %9s %9s %10s %10s %9s %8s\n' "$t" "${RPS[$t]}" "$p50" "${P99[$t]}" \
		"$grps" "$gp99" "${RSS[$t]}" "$hwm" "$(wc -c <"$OUT/$t.prom")" "$(wc -c <"$OUT/$t.prom.gz")" \
		"$(grep -vc '^#' "$OUT/$t.prom")" | tee -a "$OUT/summary.txt"
done
awk -v a="${RPS[pi]}" -v b="${RPS[ne]}" -v c="${P99[pi]}" -v d="${P99[ne]}" -v e="${RSS[pi]}" -v f="${RSS[ne]}" 'BEGIN {
	printf "pi vs ne: %.1fx the request rate (goal >= 10x), p99 %.2f vs %.2f ms (goal lower), RSS %.2f of ne'"'"'s (goal <= 0.5)\n", a / b, c, d, e / f }' |
	tee -a "$OUT/summary.txt"
echo "raw outputs: $OUT"
