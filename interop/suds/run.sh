#!/usr/bin/env bash
# suds (Python): reads the WSDL at run time, nothing to generate.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import suds' 2>/dev/null; then
  echo "SKIP: suds is not importable by $PYTHON; install: $PYTHON -m pip install suds-community"
  exit 77
fi
exec "$PYTHON" scenario.py
