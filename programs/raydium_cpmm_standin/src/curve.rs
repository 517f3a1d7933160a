//! The constant-product swap with Raydium's fee rules (no creator fee, no Token-2022
//! transfer fee), in u128.

/// Result of a `swap_base_input`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapResult {
    pub trade_fee: u64,
    pub protocol_fee: u64,
    pub fund_fee: u64,
    pub amount_out: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurveError {
    ZeroTradingTokens,
    Overflow,
    ZeroOutput,
    Invariant,
}

fn ceil_div(a: u128, b: u128) -> Option<u128> {
    if b == 0 {
        return None;
    }
    a.checked_add(b - 1)?.checked_div(b)
}

/// `amount_in` of the input token against reserves `x` (input) and `y` (output).
/// Fee = ⌈a·t/R⌉ (the rounded-up trade fee stays in the pool), protocol and fund
/// shares ⌊fee·p/R⌋ and ⌊fee·f/R⌋, out = ⌊a'·y/(x + a')⌋.
pub fn swap_base_input(
    amount_in: u64,
    x: u64,
    y: u64,
    trade_fee_rate: u64,
    protocol_fee_rate: u64,
    fund_fee_rate: u64,
) -> Result<SwapResult, CurveError> {
    let r = super::layout::FEE_RATE_DENOMINATOR as u128;
    if trade_fee_rate == 0 {
        // t + c = 0 on the input side divides by zero in Raydium.
        return Err(CurveError::ZeroTradingTokens);
    }
    let a = amount_in as u128;
    let fee = ceil_div(a * trade_fee_rate as u128, r).ok_or(CurveError::Overflow)?;
    let a_net = a.checked_sub(fee).ok_or(CurveError::Overflow)?;
    let protocol = fee * protocol_fee_rate as u128 / r;
    let fund = fee * fund_fee_rate as u128 / r;
    let (x, y) = (x as u128, y as u128);
    let denom = x.checked_add(a_net).ok_or(CurveError::Overflow)?;
    if denom == 0 {
        return Err(CurveError::ZeroOutput);
    }
    let out = a_net.checked_mul(y).ok_or(CurveError::Overflow)? / denom;
    if out == 0 {
        return Err(CurveError::ZeroOutput);
    }
    // (x + a')(y − s) ≥ x·y
    let lhs = denom.checked_mul(y - out).ok_or(CurveError::Overflow)?;
    if lhs < x * y {
        return Err(CurveError::Invariant);
    }
    Ok(SwapResult {
        trade_fee: fee as u64,
        protocol_fee: protocol as u64,
        fund_fee: fund as u64,
        amount_out: out as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_interface_vector() {
        // X = 1e9, Y = 2e9, t = 2500, p = 120000, f = 40000, a = 1,000,000.
        let r = swap_base_input(
            1_000_000,
            1_000_000_000,
            2_000_000_000,
            2_500,
            120_000,
            40_000,
        )
        .unwrap();
        assert_eq!(
            r,
            SwapResult {
                trade_fee: 2_500,
                protocol_fee: 300,
                fund_fee: 100,
                amount_out: 1_993_011,
            }
        );
    }

    #[test]
    fn zero_fee_rate_is_refused() {
        assert_eq!(
            swap_base_input(1_000, 1_000, 1_000, 0, 0, 0),
            Err(CurveError::ZeroTradingTokens)
        );
    }
}
