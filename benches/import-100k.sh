#!/usr/bin/env bash
# End-to-end import benchmark of the real binary: 100,000 generated protocols as JSON Lines
# into a new store, five runs. Prints wall time, protocols/s, peak memory, and the store's size
# against the input's. Usage: benches/import-100k.sh [PROTOCOLS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
runs=${2:-5}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The import is measured, not the day's automatic backup a new store gets after it.
printf '[backup]\nkeep = 0\n' > "$work/no-backup.toml"
export TVANG_CONFIG="$work/no-backup.toml"
target/release/tvang generate --protocols "$n" --seed 42 --years 2022-2023 --out "$work/gen" >/dev/null
input=$(du -sb "$work/gen" | cut -f1)
echo "input: $n protocols, $(ls "$work/gen" | tr '\n' ' '), $input bytes"
for i in $(seq "$runs"); do
  rm -rf "$work/db"
  sync
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$work/rss" target/release/tvang --db "$work/db" import "$work/gen" >/dev/null
  else
    echo "" > "$work/rss" # GNU time not installed: peak RSS not measured
    target/release/tvang --db "$work/db" import "$work/gen" >/dev/null
  fi
  end=$(date +%s.%N)
  size=$(du -sb "$work/db" | cut -f1)
  awk -v s="$start" -v e="$end" -v n="$n" -v rss="$(cat "$work/rss")" -v size="$size" -v input="$input" -v i="$i" \
    'BEGIN { t = e - s; memory = rss == "" ? "peak RSS not measured (GNU time is not installed)" : sprintf("peak RSS %.0f MB", rss / 1024);
      printf "run %d: %.2f s, %.0f protocols/s, %s, store %.0f MB = %.2f x input\n", i, t, n / t, memory, size / 1e6, size / input }'
done
