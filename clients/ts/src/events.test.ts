import { describe, expect, it } from "vitest";
import { BN, BorshCoder, utils } from "@coral-xyz/anchor";
import { Keypair, PublicKey } from "@solana/web3.js";
import { IDL_JSON, PROGRAM_ID } from "./idl";
import { decodeEvents, eventsFromInner } from "./events";
import { customErrorCode, programErrorMessage } from "./errors";

const EVENT_TAG = [0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d];

/** A `Deposited` event as emit_cpi! writes it: the event tag, the event's discriminator,
 *  then its fields. */
function depositedIx() {
  const def = IDL_JSON.events!.find((e) => e.name === "Deposited")!;
  const fields = new BorshCoder(IDL_JSON).types.encode("Deposited", {
    vault: Keypair.generate().publicKey,
    lp: Keypair.generate().publicKey,
    amount: new BN(5),
    shares: new BN(7),
    nav_before: new BN(1),
    supply_before: new BN(2),
    quote_assets_after: new BN(3),
  });
  return utils.bytes.bs58.encode(Buffer.concat([Buffer.from(EVENT_TAG), Buffer.from(def.discriminator), fields]));
}

describe("events", () => {
  it("are read from inner instructions, partially decoded or compiled", () => {
    const data = depositedIx();
    const [a] = eventsFromInner([{ instructions: [{ programId: PROGRAM_ID, data }] }], []);
    expect(a.name).toBe("Deposited");
    expect(String(a.data.shares)).toBe("7");
    const [b] = eventsFromInner([{ instructions: [{ programIdIndex: 1, data }] }], [PublicKey.default, PROGRAM_ID]);
    expect(b.name).toBe("Deposited");
    expect(decodeEvents([{ programId: PROGRAM_ID, data }])).toHaveLength(1);
  });

  it("ignore other programs and data that is not an event", () => {
    const other = new PublicKey("11111111111111111111111111111111");
    const inner = [{ instructions: [{ programId: other, data: depositedIx() }, { programId: PROGRAM_ID, data: "1" }] }];
    expect(eventsFromInner(inner, [])).toEqual([]);
    expect(eventsFromInner(null, [])).toEqual([]);
  });
});

describe("program errors", () => {
  const zero = IDL_JSON.errors!.find((e) => e.name === "ZeroAmount")!;

  it("are found in each shape a refusal arrives in", () => {
    expect(customErrorCode({ InstructionError: [0, { Custom: zero.code }] })).toBe(zero.code);
    expect(customErrorCode(new Error(`failed: custom program error: 0x${zero.code.toString(16)}`))).toBe(zero.code);
    expect(customErrorCode({ error: { errorCode: { number: zero.code } } })).toBe(zero.code);
    const logs = [`Program log: AnchorError occurred. Error Code: ZeroAmount. Error Number: ${zero.code}. Error Message: x.`];
    expect(customErrorCode(Object.assign(new Error("Simulation failed"), { logs }))).toBe(zero.code);
  });

  it("read as the IDL's message", () => {
    expect(programErrorMessage({ InstructionError: [1, { Custom: zero.code }] })).toBe(zero.msg);
  });

  it("are not invented for other failures", () => {
    expect(programErrorMessage(new Error("failed to fetch"))).toBeNull();
    expect(programErrorMessage({ InstructionError: [0, { Custom: 1 }] })).toBeNull();
  });
});
