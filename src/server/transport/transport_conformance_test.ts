import { createLogger } from "../logger.ts";
import { MemoryNetwork } from "./memory_transport.ts";
import { TcpTransport } from "./tcp_transport.ts";
import { transportConformance, type TransportFixture } from "./transport_conformance.ts";

function memoryFixture(): TransportFixture {
  const network = new MemoryNetwork();
  let started = 0;
  return {
    start(id, handler) {
      const url = `memory://${id.toString(16)}/${++started}`;
      return Promise.resolve({ transport: network.transport(id, handler, url), urls: [url] });
    },
    close: () => network.settle(),
  };
}

function tcpFixture(): TransportFixture {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
  return {
    start(id, handler) {
      const transport = new TcpTransport({
        memberId: id,
        clusterId: 0xc1a5_7e12n,
        listenUrls: ["http://127.0.0.1:0"],
        handler,
        logger,
        limits: { backoffMinMs: 10, backoffMaxMs: 100 },
      });
      return Promise.resolve({ transport, urls: transport.listenUrls });
    },
    close: () => Promise.resolve(),
  };
}

transportConformance("MemoryTransport", memoryFixture, Deno.test);
transportConformance("TcpTransport", tcpFixture, Deno.test);
