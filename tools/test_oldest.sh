#!/usr/bin/env bash
# The oldest-dependencies check: install the oldest versions pyproject.toml declares
# (constraints-oldest.txt) into .venv-oldest, check that they are what got installed and that
# they are pyproject.toml's lower bounds, then run chapters 1 and 4 under nbval at the smoke budget.
# Re-runnable: the environment is rebuilt only when constraints-oldest.txt, the [project] table of
# pyproject.toml, the extras or the Python change (a stamp holds their hash).
# Usage: tools/test_oldest.sh [PYTEST ARGS]: the arguments replace the two chapters, e.g.
#   tools/test_oldest.sh tests -m "not slow and not artifacts"
# Environment: PYTHON (default python3), OLDEST_VENV (default .venv-oldest).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${OLDEST_VENV:-.venv-oldest}
CONSTRAINTS=constraints-oldest.txt
EXTRAS=test,lab  # test: pytest and nbval; lab: ipykernel (nbval's kernel) and ipywidgets (ch. 4)
WHAT=(notebooks/01_data.ipynb notebooks/04_classifiers.ipynb)
(($# == 0)) || WHAT=("$@")
STAMP=$VENV/.oldest-stamp
LOG=$VENV/install.log

fail() {
  echo "test_oldest: $*" >&2
  exit 1
}

[ -f "$CONSTRAINTS" ] || fail "$CONSTRAINTS is missing"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2> /dev/null ||
  fail "$PYTHON is not Python >= 3.11 (set PYTHON=...)"

# What the environment is made from: the pins, the declared dependencies, the extras, the Python.
want=$("$PYTHON" - "$CONSTRAINTS" "$EXTRAS" << 'PY'
import hashlib, json, sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
parts = [open(sys.argv[1]).read(), json.dumps(project, sort_keys=True), sys.argv[2], sys.version]
print(hashlib.sha256("\n".join(parts).encode()).hexdigest())
PY
)

if [ "$(cat "$STAMP" 2> /dev/null)" = "$want" ]; then
  echo "test_oldest: $VENV is up to date with $CONSTRAINTS (delete it to reinstall)"
else
  echo "test_oldest: installing $CONSTRAINTS into $VENV (minutes: torch and its CUDA libraries)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV" || fail "could not create $VENV with $PYTHON -m venv"
  echo '*' > "$VENV/.gitignore"  # out of git even where .gitignore does not name it
  start=$SECONDS
  # A constraint file in pip's configuration (this machine caps torch at its local wheels) applies
  # too: the pins here lie below such caps.
  if ! "$VENV/bin/python" -m pip install --no-input -c "$CONSTRAINTS" -e ".[$EXTRAS]" \
    > "$LOG" 2>&1; then
    why=$(grep -m1 -oP 'The user requested \(constraint\) \K.*' "$LOG" || :)
    why=${why:+no resolution with $why}
    why=${why:-$(grep -m1 -E '^ERROR' "$LOG" || tail -n1 "$LOG")}
    fail "pip could not install $CONSTRAINTS: ${why#ERROR: } (why: $LOG)"
  fi
  echo "test_oldest: installed in $((SECONDS - start)) s"
  echo "$want" > "$STAMP"
fi

# Installed == pinned, and pinned == pyproject.toml's lower bound, for every declared dependency.
verify=$(cat << 'PY'
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pins = {}
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, _, pinned = line.partition("==")
        pins[canonicalize_name(name)] = Version(pinned)
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
declared = list(project["dependencies"])
for extra in sys.argv[2].split(","):
    declared += project["optional-dependencies"][extra]

problems = []
print(f"{'package':<16}{'declared':<22}{'pinned':<10}installed")
for text in declared:
    req = Requirement(text)
    name = canonicalize_name(req.name)
    lower = [Version(s.version) for s in req.specifier if s.operator in (">=", "==", "~=")]
    try:
        installed = Version(version(name))
    except PackageNotFoundError:
        installed = None
    pinned = pins.get(name)
    print(f"{name:<16}{str(req.specifier):<22}{str(pinned):<10}{installed}")
    if pinned is None:
        problems.append(f"{name}: no pin in {sys.argv[1]}")
    elif not lower or pinned != max(lower):
        problems.append(f"{name}: pinned {pinned}, but pyproject.toml declares {req.specifier}")
    if installed != pinned:
        problems.append(f"{name}: installed {installed}, pinned {pinned}")
for name in pins.keys() - {canonicalize_name(Requirement(t).name) for t in declared}:
    problems.append(f"{name}: pinned in {sys.argv[1]} but not declared in pyproject.toml")
for p in problems:
    print("MISMATCH", p)
sys.exit(bool(problems))
PY
)
"$VENV/bin/python" -c "$verify" "$CONSTRAINTS" "$EXTRAS" ||
  fail "the installed versions are not the oldest declared ones (MISMATCH lines above)"

"$VENV/bin/python" -m fmnist_lib data > /dev/null 2>&1 ||
  fail "no verified Fashion-MNIST copy (run: $VENV/bin/python -m fmnist_lib data)"

# Fresh runs: the chapters train with these versions, reusing nothing trained by the main .venv.
# --nbval-current-env: the notebooks' kernel is this environment's Python, whatever kernelspecs
# the machine has.
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
start=$SECONDS
status=0
FMNIST_BUDGET=smoke FMNIST_PROGRESS=0 FMNIST_SOLUTIONS=run FMNIST_RUNS=$runs "$VENV/bin/python" -m pytest --nbval-lax \
  --nbval-current-env -p no:cacheprovider "${WHAT[@]}" || status=$?
took=$((SECONDS - start))
((status == 0)) || fail "${WHAT[*]} failed with the oldest declared versions (above; ${took} s)"
echo "test_oldest: ${WHAT[*]} passed with the oldest declared versions in ${took} s"
