#!/usr/bin/env bash
# The terminal UI at 100,000 protocols: builds a store, then
#  1. launches the real binary in tmux and times launch → first frame, and reads its memory
#     (VmHWM) after the first frame and after a few keys;
#  2. runs the in-process criterion benchmarks (benches/tui.rs) on the same store.
# Usage: benches/tui-100k.sh [PROTOCOLS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --quiet
work=$(mktemp -d)
trap 'tmux -L tvang-bench kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
# The import is measured, not the day's automatic backup a new store gets after it.
printf '[backup]\nkeep = 0\n' > "$work/no-backup.toml"
export TVANG_CONFIG="$work/no-backup.toml"
target/release/tvang generate --protocols "$n" --seed 42 --years 2022-2024 --out "$work/gen" >/dev/null
CI=true target/release/tvang --db "$work/db" import "$work/gen" | grep -E "^Protokoller|^Klager"
wait_for() { # TEXT → the screen shows it within 10 s
  for _ in $(seq 1 1000); do
    tmux -L tvang-bench capture-pane -p -t b 2>/dev/null | grep -qF "$1" && return 0
    sleep 0.01
  done
  return 1
}
for run in 1 2 3; do
  start=$(date +%s%N)
  # An absolute path: a new tmux server does not start its shell in this directory.
  tmux -L tvang-bench new-session -d -s b -x 120 -y 40 "exec $PWD/target/release/tvang --db $work/db"
  shown=""
  for _ in $(seq 1 2000); do
    tmux -L tvang-bench capture-pane -p -t b 2>/dev/null | grep -q "Protokoller: $n" && { shown=yes; break; }
    sleep 0.005
  done
  end=$(date +%s%N)
  if [ -z "$shown" ]; then
    echo "run $run: no first frame showing «Protokoller: $n» appeared; the screen shows:"
    tmux -L tvang-bench capture-pane -p -t b 2>/dev/null | head -5
    exit 1
  fi
  pid=$(tmux -L tvang-bench list-panes -t b -F '#{pane_pid}')
  [ -n "$pid" ] || { echo "tvang did not start"; exit 1; }
  first=$(grep VmHWM /proc/"$pid"/status | awk '{print $2}')
  # Move, open and close a protocol, go to the bottom, then filter with the filter key (f),
  # not the search line, and wait until the filtered queue is drawn.
  # Escape is sent on its own and waited for: straight after it, a key would read as Alt+key.
  for k in j j j Enter; do tmux -L tvang-bench send-keys -t b "$k"; done
  wait_for "Statsforvalter:" || { echo "run $run: the detail did not open"; exit 1; }
  tmux -L tvang-bench send-keys -t b Escape
  wait_for "Dato↓" || { echo "run $run: the queue did not come back"; exit 1; }
  for k in G f; do tmux -L tvang-bench send-keys -t b "$k"; done
  tmux -L tvang-bench send-keys -t b -l "provision=10-7 flag=injury"
  tmux -L tvang-bench send-keys -t b Enter
  filtered=""
  for _ in $(seq 1 1000); do
    tmux -L tvang-bench capture-pane -p -t b 2>/dev/null | grep -q "\[hjemmel: 10-7\]" && { filtered=yes; break; }
    sleep 0.01
  done
  [ -n "$filtered" ] || { echo "run $run: the filter was not shown"; tmux -L tvang-bench capture-pane -p -t b | head -5; exit 1; }
  after=$(grep VmHWM /proc/"$pid"/status | awk '{print $2}')
  tmux -L tvang-bench send-keys -t b q
  sleep 0.3
  tmux -L tvang-bench kill-server 2>/dev/null || true
  echo "run $run: launch → first frame $(( (end - start) / 1000000 )) ms (tmux polling included); peak RSS $((first / 1024)) MB at first frame, $((after / 1024)) MB after moving, opening and filtering"
done
TVANG_BENCH_DB="$work/db" cargo bench --bench tui 2>&1 | grep -E "^tui/|time:|queue:"
