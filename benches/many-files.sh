#!/usr/bin/env bash
# Many small files (issue 18): N generated protocols written one per JSON file into a folder,
# and the same protocols as one JSON Lines file; each imported into a new store, alternately,
# RUNS times. Prints the median wall time and the store's size for each. Batches span files,
# so the folder should cost little more than the one file.
#   benches/many-files.sh [N] [RUNS]      (default 20000 3)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
runs=${2:-3}
cargo build --release --locked -q
bin=target/release/tvang
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The import is measured, not the day's automatic backup a new store gets after it.
printf '[backup]\nkeep = 0\n' > "$work/no-backup.toml"
export TVANG_CONFIG="$work/no-backup.toml"
"$bin" generate --protocols "$n" --seed 7 --format jsonl --out "$work/gen" >/dev/null
mkdir "$work/many"
awk -v dir="$work/many" '{ f = sprintf("%s/p%06d.json", dir, NR); print > f; close(f) }' \
  "$work/gen/protokoller.jsonl"
cp "$work/gen/protokoller.jsonl" "$work/one.jsonl"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for i in $(seq "$runs"); do
  for which in many one; do
    rm -rf "$work/db-$which"
    input="$work/many"; [ "$which" = one ] && input="$work/one.jsonl"
    start=$(date +%s%N)
    "$bin" --db "$work/db-$which" import "$input" >/dev/null
    echo "scale=3; ($(date +%s%N) - start) / 1000000000" | sed "s/start/$start/" | bc >> "$work/$which.times"
    du -sm "$work/db-$which" | cut -f1 > "$work/$which.size"
  done
done
printf '%-28s %10s %10s\n' "import of $n protocols" "median s" "store MB"
printf '%-28s %10s %10s\n' "$n files, one each" "$(median < "$work/many.times")" "$(cat "$work/many.size")"
printf '%-28s %10s %10s\n' "one JSON Lines file" "$(median < "$work/one.times")" "$(cat "$work/one.size")"
