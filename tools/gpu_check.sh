#!/usr/bin/env bash
# The GPU checks of issue 15 as one prepared script, for a session that is lent a GPU machine
# (the `device` tool; `status` says whether this task has one). Device time is short (15 minutes
# a session, machine start included), so everything runs in one call:
#
#   here:    bash tools/gpu_check.sh --prepare
#   there:   run(command="bash tools/gpu_check.sh", carry=[".gpu-data"], timeout_s=540)
#   here:    bash tools/gpu_check.sh --restore
#
# --prepare copies the four data files (31 MB) into .gpu-data/ (ignored). The tracked tree is
# about 56 MB, 51 of them the reference runs' weights, and what travels may not pass 64 MiB:
# so it also leaves results/reference-runs/ out of the working tree with a sparse checkout (the
# files stay committed and tracked; `git status` stays clean and `git commit -a` does not delete
# them; neither check reads them). --restore brings them back. Not yet tried with the device
# tool itself (no GPU was lent when this was written): if a call fails on the missing files,
# move the folder away instead and `git checkout -- results/reference-runs` afterwards.
#
# There, `python3` is the image's own (it holds torch; the rest of what training imports, pandas
# and tqdm, is there too). It writes to $OUT: nvidia-smi.txt, test_cuda.log (tests/test_cuda.py),
# paper_time_gpu.md and paper_time.log (the paper's seven models, seed 0, one at a time).
# Here, without a GPU, `DEVICE=cpu BUDGET=smoke PYTHON=.venv/bin/python bash tools/gpu_check.sh`
# runs the same steps on the CPU (the CUDA tests skip) to check the script itself.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
PREPARED=.gpu-data  # what --prepare fills, carried to the GPU machine
DATA_COPY=${GPU_CHECK_DATA:-$PREPARED}  # another folder with the four files: CI's check of this

if [[ "${1:-}" == "--prepare" ]]; then
  "${PYTHON:-.venv/bin/python}" - "$PREPARED" <<'EOF' || exit 1
import shutil, sys
from pathlib import Path
from fmnist_lib.data import locate

source, target = locate(download=False), Path(sys.argv[1])
target.mkdir(exist_ok=True)
for path in source.files.values():
    shutil.copy(path, target)
print(f"{target}/: the four Fashion-MNIST files from {source.directory} ({source.origin})")
EOF
  exclude=$(git rev-parse --git-path info/exclude) || exit 1
  grep -qx "/$PREPARED/" "$exclude" 2>/dev/null || echo "/$PREPARED/" >>"$exclude"
  git diff --quiet HEAD -- results/reference-runs || {
    echo "results/reference-runs/ has changes: commit them first"; exit 2; }
  patterns=$'/*\n!/results/reference-runs/'
  if [[ "$(git config --bool core.sparseCheckout)" == true ]]; then
    [[ "$(git sparse-checkout list 2>/dev/null)" == "$patterns" ]] && {
      echo "prepared already: results/reference-runs/ is out"; exit 0; }
    echo "a sparse checkout of your own is set: --restore would undo it; move the folder by hand"
    exit 2
  fi
  git sparse-checkout set --no-cone '/*' '!/results/reference-runs/' || exit 1
  echo "results/reference-runs/ left out of the working tree; 'bash $0 --restore' afterwards"
  exit 0
fi
if [[ "${1:-}" == "--restore" ]]; then
  git sparse-checkout disable && echo "results/reference-runs/ is back"
  exit
fi

PYTHON=${PYTHON:-python3} DEVICE=${DEVICE:-cuda} BUDGET=${BUDGET:-full}
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
[[ -d $DATA_COPY ]] || { echo "no $DATA_COPY/: run 'bash tools/gpu_check.sh --prepare' here" \
  "and name it in carry"; exit 2; }
FMNIST_DATA=$(realpath "$DATA_COPY")
export FMNIST_DATA FMNIST_PROGRESS=0 PYTHONUNBUFFERED=1
(nvidia-smi || echo "no nvidia-smi here") >"$OUT/nvidia-smi.txt" 2>&1
"$PYTHON" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
"$PYTHON" -m pytest tests/test_cuda.py -p no:cacheprovider -q -rs 2>&1 | tee "$OUT/test_cuda.log"
tests=$?
FMNIST_DEVICE=$DEVICE "$PYTHON" benchmarks/paper_time.py --budget "$BUDGET" --jobs 1 \
  --runs-dir "$(mktemp -d)" --out "$OUT/paper_time_gpu.md" 2>&1 | tee "$OUT/paper_time.log"
paper=$?
echo "tests/test_cuda.py: exit $tests; paper_time.py: exit $paper"
exit $((tests || paper))
