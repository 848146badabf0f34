#!/usr/bin/env bash
# Apache Axis 1.4 (Java, JAX-RPC): WSDL2Java generates stubs from the live WSDL into build/.
set -euo pipefail
cd "$(dirname "$0")"
J=/usr/share/java
CP=$J/axis.jar:$J/axis-jaxrpc.jar:$J/axis-saaj.jar:$J/wsdl4j.jar:$J/commons-discovery.jar:$J/commons-logging.jar:$J/javax.activation.jar:$J/javax.mail.jar
if ! command -v javac >/dev/null || [ ! -f "$J/axis.jar" ]; then
  echo "SKIP: Axis 1.4 or a JDK is missing; install: sudo apt-get install default-jdk-headless libaxis-java"
  exit 77
fi
# Axis 1.x predates the WSDL SOAP 1.2 binding: WSDL2Java knows only soap: (1.1) extensions
# and stops on the first soap12:fault ("Missing <soap:fault> element inFault ...").
if [ "${INTEROP_SOAP:-1.1}" = 1.2 ]; then
  echo "SKIP: Axis 1.4's WSDL2Java cannot read a SOAP 1.2 binding"
  exit 77
fi
: "${INTEROP_WSDL:?is set by interop/run}"
rm -rf build && mkdir -p build/gen build/classes
java -cp "$CP" org.apache.axis.wsdl.WSDL2Java -o build/gen -p interop.axis "$INTEROP_WSDL" >build/wsdl2java.log 2>&1 ||
  { cat build/wsdl2java.log; exit 1; }
# Axis's generated code uses raw types; its unchecked-call notes are not ours to fix.
javac -nowarn -XDsuppressNotes -encoding UTF-8 -cp "$CP" -d build/classes Scenario.java $(find build/gen -name '*.java')
exec java -cp "build/classes:$CP" interop.Scenario
