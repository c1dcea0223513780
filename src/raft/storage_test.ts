import { MemoryStorage } from "./storage.ts";
import { storageConformance } from "./storage_conformance.ts";

storageConformance("MemoryStorage", () => new MemoryStorage(), Deno.test);
