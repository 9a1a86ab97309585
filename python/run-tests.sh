#!/usr/bin/env bash
# The Python tests: a virtual environment (python/.venv, or $SCRATCHNET_VENV) with the pinned requirements,
# scratchnet installed from this folder carrying the jar `mvn package` built, then pytest twice: the classic
# session's tests, then the Spark Connect ones (a Connect client and a classic session cannot share a process).
# Arguments go to both pytest runs (e.g. -k digits).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
JAR="$ROOT/target/scratchnet.jar"

if [[ ! -f "$JAR" || -n "$(cd "$ROOT" && find src pom.xml -newer "$JAR" -print -quit)" ]]; then
  echo "run-tests.sh: building scratchnet (mvn -B -q package -DskipTests): the jar is missing or older than the sources" >&2
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

VENV="${SCRATCHNET_VENV:-$HERE/.venv}"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$HERE/requirements-test.txt" "$VENV/requirements-test.txt"; then
  echo "run-tests.sh: making $VENV from requirements-test.txt" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/requirements-test.txt"
  cp "$HERE/requirements-test.txt" "$VENV/requirements-test.txt"
fi
# The package as a user installs it (the jar inside), replacing the last run's.
"$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall "$HERE"
rm -rf "$HERE/build"

cd "$HERE"
status=0
"$VENV/bin/pytest" -m "not connect" "$@" || status=$?
connect=0
"$VENV/bin/pytest" -m connect "$@" || connect=$?
# 5: no test selected (an argument such as -k chose tests of the other run only).
[[ $status == 5 && $# -gt 0 ]] && status=0
[[ $connect == 5 && $# -gt 0 ]] && connect=0
[[ $status == 0 && $connect == 0 ]]
