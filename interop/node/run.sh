#!/usr/bin/env bash
# node-soap (JavaScript): reads the WSDL at run time; soap is pinned in package.json.
set -euo pipefail
cd "$(dirname "$0")"
# soap 1.13.0 declares engines.node >= 20.19.
if ! command -v npm >/dev/null ||
  ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "SKIP: Node.js 20.19+ with npm is missing; install: sudo apt-get install nodejs npm (Debian 13+, or NodeSource's nodejs on Debian 12)"
  exit 77
fi
[ -d node_modules ] || npm install --no-audit --no-fund
exec node scenario.js
