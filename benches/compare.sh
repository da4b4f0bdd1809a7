#!/usr/bin/env bash
# Two builds of tvang side by side in one run, on the same generated data: import, launch until
# the queue's first frame (the queue load), `tvang stats`, and `tvang search`. For a change that
# must not move the figures (a refactoring), run it with the binary from before and after:
#   git worktree add /tmp/before <commit> && (cd /tmp/before && cargo build --release)
#   benches/compare.sh /tmp/before/target/release/tvang target/release/tvang [PROTOCOLS] [RUNS]
# The two alternate run by run, so a busy host slows both alike. Medians are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1")
after=$(realpath "$2")
n=${3:-100000}
runs=${4:-3}
command -v tmux >/dev/null || { echo "SKIPPED: tmux is not installed"; exit 0; }
work=$(mktemp -d)
trap 'tmux -L tvang-compare kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
"$after" generate --protocols "$n" --seed 42 --years 2022-2024 --out "$work/gen" >/dev/null

elapsed() { # START_NS → seconds since
  echo "scale=3; ($(date +%s%N) - $1) / 1000000000" | bc
}

timed() { # WHICH MEASURE COMMAND… → appends the wall seconds; stops the script on failure
  local which=$1 measure=$2 start
  shift 2
  start=$(date +%s%N)
  "$@" >/dev/null || { echo "$which $measure failed: $*" >&2; exit 1; }
  echo "$which $measure $(elapsed "$start")" >> "$work/times"
}

first_frame() { # WHICH BIN DB → appends seconds from launch until the queue shows
  local start shown=""
  rm -f "$work/exited"
  start=$(date +%s%N)
  tmux -L tvang-compare new-session -d -s c -x 120 -y 40 "$2 --db $3; touch $work/exited"
  for _ in $(seq 1 3000); do
    if tmux -L tvang-compare capture-pane -p -t c 2>/dev/null | grep -q "Protokoller: $n"; then
      shown=yes
      echo "$1 first-frame $(elapsed "$start")" >> "$work/times"
      break
    fi
    sleep 0.005
  done
  [ -n "$shown" ] || { echo "no first frame from $2" >&2; exit 1; }
  # Quit and wait until the store is closed: the next command opens it.
  tmux -L tvang-compare send-keys -t c q
  for _ in $(seq 1 500); do [ -f "$work/exited" ] && break; sleep 0.01; done
  [ -f "$work/exited" ] || { echo "$2 did not quit" >&2; exit 1; }
  tmux -L tvang-compare kill-server 2>/dev/null || true
}

export CI=true # no progress bars
# The import is measured, not the day's automatic backup a new store gets after it; a build
# from before automatic backups refuses the setting, and has none to turn off.
printf '[backup]\nkeep = 0\n' > "$work/no-backup.toml"
for run in $(seq "$runs"); do
  for which in before after; do
    bin=${!which}
    db="$work/db-$which"
    rm -rf "$db"
    if "$bin" --config "$work/no-backup.toml" --db "$work/probe-$which" list >/dev/null 2>&1; then
      export TVANG_CONFIG="$work/no-backup.toml"
    else
      unset TVANG_CONFIG
    fi
    sync
    timed "$which" import "$bin" --db "$db" import "$work/gen"
    first_frame "$which" "$bin" "$db"
    timed "$which" stats "$bin" --db "$db" stats --by institution
    timed "$which" search "$bin" --db "$db" search solbakken lagt --limit 20
  done
  echo "run $run done"
done

echo "medians of $runs runs, $n protocols (seconds):"
printf "%-12s %10s %10s %8s\n" measure before after ratio
for measure in import first-frame stats search; do
  median() { grep "^$1 $measure " "$work/times" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  b=$(median before)
  a=$(median after)
  printf "%-12s %10s %10s %8s\n" "$measure" "$b" "$a" "$(echo "scale=2; $a / $b" | bc)"
done
