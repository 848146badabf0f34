#!/usr/bin/env bash
# JAX-WS RI (Java): wsimport generates the client from the live WSDL into build/.
set -euo pipefail
cd "$(dirname "$0")"
# jaxws-rt.jar's manifest Class-Path brings in JAXB, SAAJ and the rest.
CP=/usr/share/java/jaxws-rt.jar
if ! command -v wsimport >/dev/null || ! command -v javac >/dev/null || [ ! -f "$CP" ]; then
  echo "SKIP: JAX-WS RI or a JDK is missing; install: sudo apt-get install default-jdk-headless jaxws libjaxws-java"
  exit 77
fi
: "${INTEROP_WSDL:?is set by interop/run}"
rm -rf build && mkdir -p build/gen build/classes
# wsimport counts a soap12 binding as non-standard: without -extension it warns, skips the
# port and still exits 0, leaving no service class. At run time the RI takes the SOAP
# version from the WSDL's binding, so Scenario.java is the same for both.
extension=()
[ "${INTEROP_SOAP:-1.1}" != 1.2 ] || extension=(-extension)
wsimport "${extension[@]}" -quiet -keep -Xnocompile -d build/gen -p interop.gen "$INTEROP_WSDL" >build/wsimport.log 2>&1 ||
  { cat build/wsimport.log; exit 1; }
javac -encoding UTF-8 -cp "$CP" -d build/classes Scenario.java $(find build/gen -name '*.java')
# Naming the SAAJ factory up front stops Debian's saaj-impl (which registers it under a
# deprecated service name) from logging a warning on every call.
exec java -Djavax.xml.soap.SAAJMetaFactory=com.sun.xml.messaging.saaj.soap.SAAJMetaFactoryImpl \
  -cp "build/classes:$CP" interop.Scenario
