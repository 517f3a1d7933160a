import { describe, expect, it } from "vitest";
import { decodeOracle } from "./chain";

describe("oracle accounts", () => {
  it("decodes a legacy Pyth price account", () => {
    const b = Buffer.alloc(3312);
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeInt32LE(-8, 20);
    b.writeBigInt64LE(1_767_225_600n, 96);
    b.writeBigInt64LE(10_012_345_678n, 208);
    b.writeBigUInt64LE(5_000_000n, 216);
    expect(decodeOracle(b)).toEqual({
      price: 10_012_345_678n,
      conf: 5_000_000n,
      expo: -8,
      publishTime: 1_767_225_600,
    });
  });

  it.each([
    ["fully verified", [1]],
    ["partially verified", [0, 5]],
  ])("decodes a PriceUpdateV2 account (%s)", (_, level) => {
    const head = Buffer.alloc(40);
    const msg = Buffer.alloc(32 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 8);
    msg.writeBigInt64LE(-2_500n, 32);
    msg.writeBigUInt64LE(7n, 40);
    msg.writeInt32LE(-2, 48);
    msg.writeBigInt64LE(42n, 52);
    const data = Buffer.concat([head, Buffer.from(level), msg]);
    expect(decodeOracle(data)).toEqual({ price: -2_500n, conf: 7n, expo: -2, publishTime: 42 });
  });

  it("refuses what is neither", () => {
    expect(decodeOracle(Buffer.alloc(10))).toBeNull();
  });
});
