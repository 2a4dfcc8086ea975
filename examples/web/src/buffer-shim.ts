// Node's Buffer for the browser: web3.js and Anchor's coders use it.
import { Buffer } from "buffer";

(globalThis as { Buffer?: typeof Buffer }).Buffer ??= Buffer;
export { Buffer };
