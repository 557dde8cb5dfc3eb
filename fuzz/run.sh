#!/bin/sh
# Runs the libFuzzer targets built by `make fuzz` (fuzz/README.md).
#   fuzz/run.sh DIR [SECONDS [TARGET...]]  fuzz each target SECONDS (default 600)
#   fuzz/run.sh --check DIR                 replay the seeds once (a regression check)
# DIR is $(BUILD)/fuzz; what fuzzing finds goes to DIR/corpus/<target> and
# crashes to DIR/crashes/<target>/, outside the repository.
set -eu
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
dir=${1:?usage: fuzz/run.sh [--check] BUILD/fuzz [seconds [target...]]}
secs=${2:-600}
[ $# -ge 2 ] && shift 2 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
targets=${*:-$(cd "$dir" && ls fuzz_* | sed 's/^fuzz_//')}
for t in $targets; do
	seeds="$here/corpus/$t"
	[ "$t" = ics ] && seeds="$seeds $here/../tests/data/ics-corpus"
	opts="-rss_limit_mb=2048 -timeout=5"
	[ "$t" = ics ] && opts="$opts -max_len=16384" || opts="$opts -max_len=4096"
	[ "$t" = dav_xml ] && opts="$opts -dict=$here/dav_xml.dict"
	if [ $check = 1 ]; then
		echo "== $t: seeds"
		# shellcheck disable=SC2086
		"$dir/fuzz_$t" $opts -runs=0 $seeds
	else
		mkdir -p "$dir/corpus/$t" "$dir/crashes/$t"
		echo "== $t: ${secs}s"
		# shellcheck disable=SC2086
		"$dir/fuzz_$t" $opts -max_total_time="$secs" -print_final_stats=1 \
			-artifact_prefix="$dir/crashes/$t/" "$dir/corpus/$t" $seeds
	fi
done
