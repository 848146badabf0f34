#!/usr/bin/env bash
# PHP SoapClient (ext-soap): reads the WSDL at run time, nothing to generate.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v php >/dev/null || ! php -r 'exit(class_exists("SoapClient") ? 0 : 1);' 2>/dev/null; then
  echo "SKIP: PHP with ext-soap is missing; install: sudo apt-get install php-cli php-soap"
  exit 77
fi
exec php scenario.php
