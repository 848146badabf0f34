#!/usr/bin/env bash
# gSOAP (C++): wsdl2h + soapcpp2 generate the proxy from the live WSDL into build/.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v wsdl2h >/dev/null || ! command -v soapcpp2 >/dev/null || ! command -v g++ >/dev/null ||
  ! pkg-config --exists gsoap++ 2>/dev/null; then
  echo "SKIP: gSOAP or a C++ compiler is missing; install: sudo apt-get install gsoap libgsoap-dev g++ pkg-config"
  exit 77
fi
: "${INTEROP_WSDL:?is set by interop/run}"
rm -rf build && mkdir build
curl -fsS "$INTEROP_WSDL" -o build/service.wsdl
(
  cd build
  # For a soap12 binding wsdl2h adds #import "soap12.h", so soapcpp2 puts the SOAP 1.2
  # envelope namespace in the nsmap, which makes the proxy speak SOAP 1.2: nothing here
  # depends on INTEROP_SOAP.
  wsdl2h -o userservice.h -t /usr/share/gsoap/WS/typemap.dat service.wsdl >wsdl2h.log 2>&1 || { cat wsdl2h.log; exit 1; }
  # -j: C++ proxy class sharing one soap context; -C: client side only.
  soapcpp2 -j -C -I/usr/share/gsoap/import userservice.h >soapcpp2.log 2>&1 || { cat soapcpp2.log; exit 1; }
)
g++ -O0 -Wall -Ibuild -o build/scenario scenario.cpp build/soapC.cpp build/soapUserServiceProxy.cpp \
  $(pkg-config --cflags --libs gsoap++)
exec build/scenario
