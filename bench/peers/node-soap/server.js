// The benchmark's peer: node-soap serving this service's WSDL (wsdl/UserService.wsdl) at
// /api/soap/, answering every getbalance with a constant: no credential check, no database.
// A cluster of as many workers as asked (default 2).  node server.js PORT [WORKERS]
"use strict";
const cluster = require("node:cluster");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const soap = require("soap");

const port = Number(process.argv[2] || 8080);
const workers = Number(process.argv[3] || 2);

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers)) worker.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const wsdlPath = path.join(__dirname, "..", "..", "..", "wsdl", "UserService.wsdl");
  const wsdl = fs
    .readFileSync(wsdlPath, "utf8")
    .replace(/location="[^"]*"/, `location="http://127.0.0.1:${port}/api/soap/"`);
  const service = {
    UserService: {
      UserService: {
        getbalance: () => ({ balance: "10.00" }),
      },
    },
  };
  const server = http.createServer((request, response) => {
    response.statusCode = 404;
    response.end();
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, "127.0.0.1", () => {
    soap.listen(server, "/api/soap/", service, wsdl);
  });
}
