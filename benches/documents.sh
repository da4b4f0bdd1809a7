#!/usr/bin/env bash
# Document intake benchmark of the real binary: N generated Word protocols (and the complaint
# letters that come with them), the same documents printed to PDF by LibreOffice, each folder
# imported into a new store; beside it, in the same run, `pdftotext -layout` (poppler-utils) on
# the same PDFs, one process per file as an office script would run it. Prints documents/s,
# milliseconds per document and peak memory; medians of RUNS.
# Needs soffice (libreoffice-writer-nogui), pdftotext (poppler-utils) and GNU time.
# Usage: benches/documents.sh [DOCUMENTS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${2:-3}
for tool in soffice pdftotext /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed"; exit 0; }
done
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The import is measured, not the day's automatic backup a new store gets after it.
printf '[backup]\nkeep = 0\n' > "$work/no-backup.toml"
export TVANG_CONFIG="$work/no-backup.toml"
target/release/tvang generate --protocols "$n" --seed 7 --years 2025-2025 --format docx --out "$work/docx" >/dev/null
docs=$(ls "$work/docx"/*.docx | wc -l)
echo "input: $docs Word documents ($n protocols and their complaint letters), $(du -sb "$work/docx" | cut -f1) bytes"
start=$(date +%s.%N)
# One LibreOffice process for all files (its start-up is seconds), in batches for the command line.
(cd "$work/docx" && ls ./*.docx | xargs -n 200 soffice --headless --convert-to pdf --outdir "$work/pdf" >/dev/null 2>&1)
end=$(date +%s.%N)
pdfs=$(ls "$work/pdf"/*.pdf | wc -l)
pages=$(for f in "$work"/pdf/*.pdf; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}'; done | awk '{s += $1} END {print s}')
awk -v s="$start" -v e="$end" -v n="$pdfs" -v p="$pages" \
  'BEGIN { printf "printed %d PDFs (%d pages) with LibreOffice in %.1f s\n", n, p, e - s }'

# One timed run: wall seconds and peak RSS (kB) of a command, written to $work/t.
timed() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" -v rss="$(cat "$work/rss")" 'BEGIN { printf "%.3f %d\n", e - s, rss }' > "$work/t"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

pdftotext_all() {
  for f in "$1"/*.pdf; do pdftotext -layout "$f" /dev/null; done
}

: > "$work/docx.times"; : > "$work/pdf.times"; : > "$work/poppler.times"
: > "$work/docx.rss"; : > "$work/pdf.rss"
for i in $(seq "$runs"); do
  rm -rf "$work/db"; sync
  CI=true timed target/release/tvang --db "$work/db" import "$work/docx"
  read -r t rss < "$work/t"; echo "$t" >> "$work/docx.times"; echo "$rss" >> "$work/docx.rss"
  rm -rf "$work/db"; sync
  CI=true timed target/release/tvang --db "$work/db" import "$work/pdf"
  read -r t rss < "$work/t"; echo "$t" >> "$work/pdf.times"; echo "$rss" >> "$work/pdf.rss"
  export -f pdftotext_all
  timed bash -c "pdftotext_all '$work/pdf'"
  read -r t _ < "$work/t"; echo "$t" >> "$work/poppler.times"
  echo "run $i: docx $(sed -n "${i}p" "$work/docx.times") s, pdf $(sed -n "${i}p" "$work/pdf.times") s, pdftotext $t s"
done
# The same protocols from Word and from the PDFs printed from them must be the same records.
rm -rf "$work/db"
CI=true target/release/tvang --db "$work/db" import "$work/docx" >/dev/null || true
echo "PDFs after their Word files, same store: $(CI=true target/release/tvang --db "$work/db" import "$work/pdf" | grep -E '^Protokoller' || true)"
# What tvang made of the documents, read afresh: files read, records, rejects, what to check.
for kind in docx pdf; do
  rm -rf "$work/db"
  echo "$kind:"
  CI=true target/release/tvang --db "$work/db" import "$work/$kind" \
    | grep -E "^(Filer lest|Protokoller|Klager|Avviste|Til kontroll)" | sed 's/^/  /' || true
done

d=$(median < "$work/docx.times"); p=$(median < "$work/pdf.times"); q=$(median < "$work/poppler.times")
awk -v d="$d" -v p="$p" -v q="$q" -v nd="$docs" -v np="$pdfs" \
  -v rd="$(median < "$work/docx.rss")" -v rp="$(median < "$work/pdf.rss")" 'BEGIN {
  printf "tvang import, Word: %d documents in %.2f s = %.0f documents/s (%.2f ms each), peak RSS %.0f MB\n", nd, d, nd / d, 1000 * d / nd, rd / 1024
  printf "tvang import, PDF:  %d documents in %.2f s = %.0f documents/s (%.2f ms each), peak RSS %.0f MB\n", np, p, np / p, 1000 * p / np, rp / 1024
  printf "pdftotext -layout:  %d documents in %.2f s = %.0f documents/s (%.2f ms each, text only)\n", np, q, np / q, 1000 * q / np
  printf "tvang PDF / pdftotext: %.2f x the time per document\n", p / q
}'
