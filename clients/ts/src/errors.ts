// The program's refusals in words: a custom error code, found in whatever shape a wallet,
// web3.js or Anchor hands back, mapped to the IDL's message.

import { IDL_JSON } from "./idl";

export type ProgramError = { code: number; name: string; msg: string };

/** The program's own errors (6000 and up), from the IDL. */
export const PROGRAM_ERRORS: ProgramError[] = (IDL_JSON.errors ?? []).map((e) => ({
  code: e.code,
  name: e.name,
  msg: e.msg ?? e.name,
}));

/** The program error of `code`, if the program defines it. */
export const programError = (code: number): ProgramError | undefined => PROGRAM_ERRORS.find((e) => e.code === code);

/** The custom error code in `e`: an AnchorError, a SendTransactionError or
 *  `SimulationError` (its message or logs), or a raw `{ InstructionError: [i, { Custom }] }`. */
export function customErrorCode(e: unknown): number | undefined {
  const o = e as { error?: { errorCode?: { number?: unknown } }; code?: unknown; InstructionError?: unknown } | null;
  const n = o?.error?.errorCode?.number;
  if (typeof n === "number") return n;
  if (typeof o?.code === "number" && o.code >= 6000) return o.code;
  const logs = (e as { logs?: unknown; transactionLogs?: unknown } | null)?.logs ?? (e as { transactionLogs?: unknown })?.transactionLogs;
  const text = [
    e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e ?? null),
    ...(Array.isArray(logs) ? logs : []),
  ].join("\n");
  const number = text.match(/Error Number: (\d+)/);
  if (number) return Number(number[1]);
  const hex = text.match(/custom program error: 0x([0-9a-f]+)/i);
  if (hex) return parseInt(hex[1], 16);
  const json = text.match(/"Custom":\s*(\d+)/);
  if (json) return Number(json[1]);
  return undefined;
}

/** The IDL's message for the program error in `e` ("Slippage limit exceeded"), or null
 *  when `e` is not one of the program's own refusals. */
export function programErrorMessage(e: unknown): string | null {
  const code = customErrorCode(e);
  return code === undefined ? null : (programError(code)?.msg ?? null);
}
