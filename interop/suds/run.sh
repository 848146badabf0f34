#!/usr/bin/env bash
# suds (Python): reads the WSDL at run time, nothing to generate.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
# suds-community reads a soap12 binding and parses SOAP 1.2 replies, but always sends a
# SOAP 1.1 envelope (text/xml + SOAPAction), with no option to change it; the 1.2
# endpoint refuses that (HTTP 400, MALFORMED_REQUEST).
if [ "${INTEROP_SOAP:-1.1}" = 1.2 ]; then
  echo "SKIP: suds cannot send SOAP 1.2 (its envelope is always SOAP 1.1)"
  exit 77
fi
if ! "$PYTHON" -c 'import suds' 2>/dev/null; then
  echo "SKIP: suds is not importable by $PYTHON; install: $PYTHON -m pip install suds-community"
  exit 77
fi
exec "$PYTHON" scenario.py
