// The IDL, read from the repository (never copied), and the paths around it.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Idl } from "@coral-xyz/anchor";

/** tests/interop/ts */
export const HERE = join(dirname(fileURLToPath(import.meta.url)), "..");
export const IDL_PATH = join(HERE, "..", "..", "..", "idl", "amplify.json");
export const rawIdl: Idl = JSON.parse(readFileSync(IDL_PATH, "utf8"));
