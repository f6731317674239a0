#!/usr/bin/env bash
# Train full-budget runs one after another, niced, into the library's default runs folder (at the
# full budget: results/reference-runs). Resumable: a finished run is reloaded in seconds, an
# interrupted one resumes from its checkpoint, so the same queue can simply be started again.
#
#   tools/train_queue.sh QUEUE_FILE [LOG]     # QUEUE_FILE: one "experiment seed" per line,
#                                             # e.g. tools/queues/issue11.txt
set -uo pipefail
cd "$(dirname "$0")/.."
queue=${1:?usage: tools/train_queue.sh QUEUE_FILE [LOG]}
log=${2:-runs/queue.log}
mkdir -p "$(dirname "$log")"
while read -r name seed; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  echo "$(date '+%F %T') start $name seed $seed" >> "$log"
  if FMNIST_PROGRESS=0 nice -n 10 .venv/bin/python -m fmnist_lib train "$name" --seed "$seed" \
      --budget full >> "$log" 2>&1; then
    echo "$(date '+%F %T') done  $name seed $seed" >> "$log"
  else
    echo "$(date '+%F %T') FAILED $name seed $seed (exit $?)" >> "$log"
  fi
done < "$queue"
echo "$(date '+%F %T') queue finished" >> "$log"
