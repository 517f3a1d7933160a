//! The math core's evaluations as `extern "C" fn(input, output)` functions, for the
//! compute meter (`../shared/sbf-cu`): `build.sh` compiles every `cu_*` function for BPF
//! with SBF's conventions and `sbf-run` counts the instructions each call executes. The
//! host runner (`host/`) calls the very same functions natively, and `scripts/cu.sh`
//! requires both outputs to be bit-identical.
//!
//! Input record of the option functions (`OPTION_INPUT_LEN` bytes, little-endian):
//!
//! | offset | field |
//! |---:|---|
//! | 0 | kind: u64, 0 call, 1 put |
//! | 8 | spot mantissa: i64 |
//! | 16 | spot expo: i32 |
//! | 20 | strike expo: i32 |
//! | 24 | strike mantissa: i64 |
//! | 32 | vol, rate, div_yield, time_s: four `Fx` bit patterns (i128) |
//! | 96 | size in underlying atoms: u64 (series functions) |
//! | 104 | quote decimals, underlying decimals: u8, u8 |
//!
//! Every output starts with a status word: 0 = ok, else 1 + the `MathError`'s index.
#![no_std]

use hedge_math::bsm::{BsmInputs, Evaluation, OptionKind};
use hedge_math::cpmm;
use hedge_math::marks::{self, Aggregates, MarkRequest, MarkValues, Reference};
use hedge_math::money::{quote_for_underlying, Rounding};
use hedge_math::transcendental::{cdf, exp, ln, pdf, sqrt};
use hedge_math::{DecimalPrice, Fx, MathError, MathResult, ScaledFx};

pub const OPTION_INPUT_LEN: usize = 112;
pub const SCALAR_INPUT_LEN: usize = 16;

/// The functions and their output lengths, for the host runner and the batch.
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("cu_greeks", 8 + 4 * 24 + 16),
    ("cu_delta_gamma", 8 + 32),
    ("cu_price", 8 + 24),
    ("cu_delta", 8 + 16),
    ("cu_series_value", 8 + 8),
    ("cu_series_risk", 8 + 32),
    ("cu_ln", 8 + 16),
    ("cu_exp", 8 + 16),
    ("cu_cdf", 8 + 16),
    ("cu_pdf", 8 + 16),
    ("cu_sqrt", 8 + 16),
    ("cu_mark", 8 + 10 * 16),
    ("cu_mark_share", 8 + 16 * 16),
    ("cu_liabilities", 8 + 2 * 16),
    ("cu_share", 8 + 16 * 16),
    ("cu_recenter", 8 + 16 * 16),
    ("cu_buy_at_limit", 8 + 8),
    ("cu_sell_at_limit", 8 + 8),
];

/// `cu_buy_at_limit`/`cu_sell_at_limit`'s input: cap, limit, x, y, fee rate, unit (six
/// u64), the arguments of `cpmm::max_buy_at_limit`/`max_sell_at_limit` in order.
pub const SIZER_INPUT_LEN: usize = 6 * 8;

/// One series in `cu_share`/`cu_recenter`'s input: its mark (ten `Fx`: spot, value,
/// delta, Γ·S, vega, theta, bound up, bound down, stress down, stress up), IV (`Fx`),
/// open interest (u64, underlying atoms, 9 decimals) and mark time (i64).
pub const SHARE_RECORD_LEN: usize = 10 * 16 + 16 + 8 + 8;
/// `cu_share`/`cu_recenter`'s input header: the reference spot (`Fx`) and time (i64).
pub const SHARE_HEADER_LEN: usize = 16 + 8;
/// Series in a `cu_recenter` input: a full book.
pub const RECENTER_SERIES: usize = 32;

/// Encodes one series for `cu_share`/`cu_recenter`.
pub fn encode_share(
    m: &MarkValues,
    vol: Fx,
    open_interest: u64,
    time: i64,
    out: &mut [u8; SHARE_RECORD_LEN],
) {
    let fields = [
        m.spot,
        m.value,
        m.delta,
        m.gamma_spot,
        m.vega,
        m.theta,
        m.bound_up,
        m.bound_down,
        m.stress_down,
        m.stress_up,
        vol,
    ];
    for (k, v) in fields.iter().enumerate() {
        out[16 * k..16 * k + 16].copy_from_slice(&v.to_bits().to_le_bytes());
    }
    out[176..184].copy_from_slice(&open_interest.to_le_bytes());
    out[184..192].copy_from_slice(&time.to_le_bytes());
}

/// Length of `cu_liabilities`' input: 16 aggregates, x_lo, x_hi (`Fx` bits), now (i64),
/// the reference spot (`Fx`) and time (i64).
pub const LIABILITIES_INPUT_LEN: usize = 16 * 16 + 2 * 16 + 8 + 16 + 8;

/// The mark the meter measures: the option record's series at its spot as the mid, a
/// ±3% window, ±20% stress with +20 vol points (the default risk parameters), a 300-s
/// life, and the record's time truncated to whole seconds.
pub fn mark_request(r: &OptionRecord) -> MarkRequest {
    let i = &r.inputs;
    MarkRequest {
        kind: i.kind,
        strike: i.strike,
        vol: i.vol,
        vol_shock: Fx::from_ppm(200_000).unwrap_or(Fx::ZERO),
        rate: i.rate,
        div_yield: i.div_yield,
        time_s: i.time_s.floor_int(),
        life_s: 300,
        mid: i.spot,
        window_bps: 300,
        spot_shock_bps: 2_000,
        quote_decimals: r.quote_decimals,
    }
}

/// The reference a share is measured against in the meter: 1% above the mark's spot.
pub fn share_reference(m: &MarkValues) -> Reference {
    Reference {
        spot: m
            .spot
            .mul_int_(101)
            .and_then(|v| v.div_int_(100))
            .unwrap_or(m.spot),
        time: 1_000,
    }
}

/// The aggregates' fields in their stored order.
pub fn aggregate_fields(a: &Aggregates) -> [Fx; 16] {
    [
        a.p,
        a.q,
        a.c,
        a.bound_up,
        a.bound_down,
        a.theta,
        a.theta_t,
        a.theta_abs,
        a.theta_abs_t,
        a.delta0,
        a.delta1,
        a.gamma_spot,
        a.gamma_vol,
        a.vega,
        a.stress_down,
        a.stress_up,
    ]
}

fn aggregates_from(f: &[Fx; 16]) -> Aggregates {
    Aggregates {
        p: f[0],
        q: f[1],
        c: f[2],
        bound_up: f[3],
        bound_down: f[4],
        theta: f[5],
        theta_t: f[6],
        theta_abs: f[7],
        theta_abs_t: f[8],
        delta0: f[9],
        delta1: f[10],
        gamma_spot: f[11],
        gamma_vol: f[12],
        vega: f[13],
        stress_down: f[14],
        stress_up: f[15],
    }
}

/// The index of a math error in the status word (0 is success).
pub fn error_code(e: MathError) -> u64 {
    1 + match e {
        MathError::Overflow => 0,
        MathError::DivideByZero => 1,
        MathError::ArgumentOutOfDomain => 2,
        MathError::SpotOutOfRange => 3,
        MathError::StrikeOutOfRange => 4,
        MathError::MoneynessOutOfRange => 5,
        MathError::VolOutOfRange => 6,
        MathError::TimeOutOfRange => 7,
        MathError::RateOutOfRange => 8,
        MathError::DivYieldOutOfRange => 9,
    }
}

/// The option record: inputs, size and decimals.
pub struct OptionRecord {
    pub inputs: BsmInputs,
    pub size: u64,
    pub quote_decimals: u8,
    pub underlying_decimals: u8,
}

/// Writes an option record (the host builds its batch with this).
pub fn encode_option(r: &OptionRecord, out: &mut [u8; OPTION_INPUT_LEN]) {
    let i = &r.inputs;
    let kind: u64 = match i.kind {
        OptionKind::Call => 0,
        OptionKind::Put => 1,
    };
    out[0..8].copy_from_slice(&kind.to_le_bytes());
    out[8..16].copy_from_slice(&i.spot.mantissa.to_le_bytes());
    out[16..20].copy_from_slice(&i.spot.expo.to_le_bytes());
    out[20..24].copy_from_slice(&i.strike.expo.to_le_bytes());
    out[24..32].copy_from_slice(&i.strike.mantissa.to_le_bytes());
    for (k, v) in [i.vol, i.rate, i.div_yield, i.time_s].iter().enumerate() {
        out[32 + 16 * k..48 + 16 * k].copy_from_slice(&v.to_bits().to_le_bytes());
    }
    out[96..104].copy_from_slice(&r.size.to_le_bytes());
    out[104] = r.quote_decimals;
    out[105] = r.underlying_decimals;
}

fn rd<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[at..at + N]);
    a
}

/// Reads an option record.
pub fn decode_option(b: &[u8; OPTION_INPUT_LEN]) -> OptionRecord {
    let fx = |at: usize| Fx::from_bits(i128::from_le_bytes(rd(b, at)));
    OptionRecord {
        inputs: BsmInputs {
            kind: if u64::from_le_bytes(rd(b, 0)) == 0 {
                OptionKind::Call
            } else {
                OptionKind::Put
            },
            spot: DecimalPrice::new(i64::from_le_bytes(rd(b, 8)), i32::from_le_bytes(rd(b, 16))),
            strike: DecimalPrice::new(i64::from_le_bytes(rd(b, 24)), i32::from_le_bytes(rd(b, 20))),
            vol: fx(32),
            rate: fx(48),
            div_yield: fx(64),
            time_s: fx(80),
        },
        size: u64::from_le_bytes(rd(b, 96)),
        quote_decimals: b[104],
        underlying_decimals: b[105],
    }
}

/// Output writer: a status word, then values in order.
struct Out<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Out<'_> {
    fn fx(&mut self, v: Fx) {
        self.buf[self.at..self.at + 16].copy_from_slice(&v.to_bits().to_le_bytes());
        self.at += 16;
    }
    fn scaled(&mut self, v: ScaledFx) {
        self.fx(v.value);
        self.buf[self.at..self.at + 8].copy_from_slice(&(v.expo as i64).to_le_bytes());
        self.at += 8;
    }
    fn u64(&mut self, v: u64) {
        self.buf[self.at..self.at + 8].copy_from_slice(&v.to_le_bytes());
        self.at += 8;
    }
}

/// Runs `f` on the decoded record and writes the status and what `f` wrote.
///
/// # Safety
/// `input` must point to `OPTION_INPUT_LEN` readable bytes and `output` to `len`
/// writable ones.
unsafe fn run_option(
    input: *const u8,
    output: *mut u8,
    len: usize,
    f: impl FnOnce(&OptionRecord, &mut Out) -> MathResult<()>,
) {
    let record = decode_option(&*(input as *const [u8; OPTION_INPUT_LEN]));
    let buf = core::slice::from_raw_parts_mut(output, len);
    let mut out = Out { buf, at: 8 };
    let status = match f(&record, &mut out) {
        Ok(()) => 0,
        Err(e) => error_code(e),
    };
    out.buf[0..8].copy_from_slice(&status.to_le_bytes());
}

/// # Safety
/// `input` must point to `SCALAR_INPUT_LEN` readable bytes and `output` to 24 writable ones.
unsafe fn run_scalar(input: *const u8, output: *mut u8, f: impl FnOnce(Fx) -> MathResult<Fx>) {
    let x = Fx::from_bits(i128::from_le_bytes(*(input as *const [u8; 16])));
    let buf = core::slice::from_raw_parts_mut(output, 24);
    let mut out = Out { buf, at: 8 };
    let status = match f(x) {
        Ok(v) => {
            out.fx(v);
            0
        }
        Err(e) => error_code(e),
    };
    out.buf[0..8].copy_from_slice(&status.to_le_bytes());
}

/// Price and all four greeks from one core (what a mark of a series needs).
///
/// # Safety
/// See the crate docs: an option record in, 120 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_greeks(input: *const u8, output: *mut u8) {
    run_option(input, output, 120, |r, out| {
        let g = Evaluation::new(&r.inputs)?.greeks()?;
        out.scaled(g.price);
        out.fx(g.delta);
        out.scaled(g.gamma);
        out.scaled(g.vega);
        out.scaled(g.theta);
        Ok(())
    })
}

/// Delta and Γ·S from one core (what hedging needs of a series).
///
/// # Safety
/// An option record in, 40 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_delta_gamma(input: *const u8, output: *mut u8) {
    run_option(input, output, 40, |r, out| {
        let e = Evaluation::new(&r.inputs)?;
        out.fx(e.delta()?);
        out.fx(e.gamma_spot()?);
        Ok(())
    })
}

/// The price alone.
///
/// # Safety
/// An option record in, 32 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_price(input: *const u8, output: *mut u8) {
    run_option(input, output, 32, |r, out| {
        out.scaled(Evaluation::new(&r.inputs)?.price()?);
        Ok(())
    })
}

/// Delta alone.
///
/// # Safety
/// An option record in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_delta(input: *const u8, output: *mut u8) {
    run_option(input, output, 24, |r, out| {
        out.fx(Evaluation::new(&r.inputs)?.delta()?);
        Ok(())
    })
}

/// One series' liability in quote atoms: price × size, rounded up (as NAV counts it).
///
/// # Safety
/// An option record in, 16 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_series_value(input: *const u8, output: *mut u8) {
    run_option(input, output, 16, |r, out| {
        let price = Evaluation::new(&r.inputs)?.price()?;
        out.u64(quote_for_underlying(
            price,
            r.size,
            r.quote_decimals,
            r.underlying_decimals,
            Rounding::Up,
        )?);
        Ok(())
    })
}

/// One series' delta and Γ·S times its size (as the book's risk sums them).
///
/// # Safety
/// An option record in, 40 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_series_risk(input: *const u8, output: *mut u8) {
    run_option(input, output, 40, |r, out| {
        let e = Evaluation::new(&r.inputs)?;
        let size = Fx::from_u64(r.size)?;
        out.fx(e.delta()?.mul_(size)?);
        out.fx(e.gamma_spot()?.mul_(size)?);
        Ok(())
    })
}

/// # Safety
/// 16 bytes (an `Fx`) in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_ln(input: *const u8, output: *mut u8) {
    run_scalar(input, output, ln)
}

/// # Safety
/// 16 bytes (an `Fx`) in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_exp(input: *const u8, output: *mut u8) {
    run_scalar(input, output, exp)
}

/// # Safety
/// 16 bytes (an `Fx`) in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_cdf(input: *const u8, output: *mut u8) {
    run_scalar(input, output, |x| Ok(cdf(x)))
}

/// # Safety
/// 16 bytes (an `Fx`) in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_pdf(input: *const u8, output: *mut u8) {
    run_scalar(input, output, |x| Ok(pdf(x)))
}

/// # Safety
/// 16 bytes (an `Fx`) in, 24 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_sqrt(input: *const u8, output: *mut u8) {
    run_scalar(input, output, sqrt)
}

/// One series' mark: five evaluations and the bounds (what `mark_series` and a trade
/// run per series).
///
/// # Safety
/// An option record in, 168 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_mark(input: *const u8, output: *mut u8) {
    run_option(input, output, 8 + 10 * 16, |r, out| {
        let m = marks::mark(&mark_request(r))?;
        for v in [
            m.spot,
            m.value,
            m.delta,
            m.gamma_spot,
            m.vega,
            m.theta,
            m.bound_up,
            m.bound_down,
            m.stress_down,
            m.stress_up,
        ] {
            out.fx(v);
        }
        Ok(())
    })
}

/// A mark and the series' share of the book's sums (a re-mark's math, whole).
///
/// # Safety
/// An option record in, 264 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_mark_share(input: *const u8, output: *mut u8) {
    run_option(input, output, 8 + 16 * 16, |r, out| {
        let m = marks::mark(&mark_request(r))?;
        let share = marks::contribution(
            &m,
            1_000,
            r.inputs.vol,
            r.size,
            r.underlying_decimals,
            &share_reference(&m),
        )?;
        for v in aggregate_fields(&share) {
            out.fx(v);
        }
        Ok(())
    })
}

/// The book's sums re-expanded around a reference: `n` series' shares (what re-centring
/// costs per open series, and in all for a full book).
///
/// # Safety
/// `SHARE_HEADER_LEN + n × SHARE_RECORD_LEN` bytes in, 264 bytes out.
unsafe fn run_shares(input: *const u8, output: *mut u8, n: usize) {
    let b = core::slice::from_raw_parts(input, SHARE_HEADER_LEN + n * SHARE_RECORD_LEN);
    let fx = |at: usize| Fx::from_bits(i128::from_le_bytes(rd(b, at)));
    let reference = Reference {
        spot: fx(0),
        time: i64::from_le_bytes(rd(b, 16)),
    };
    let buf = core::slice::from_raw_parts_mut(output, 8 + 16 * 16);
    let mut out = Out { buf, at: 8 };
    let mut sums = Aggregates::default();
    let mut status = 0;
    for k in 0..n {
        let at = SHARE_HEADER_LEN + k * SHARE_RECORD_LEN;
        let m = MarkValues {
            spot: fx(at),
            value: fx(at + 16),
            delta: fx(at + 32),
            gamma_spot: fx(at + 48),
            vega: fx(at + 64),
            theta: fx(at + 80),
            bound_up: fx(at + 96),
            bound_down: fx(at + 112),
            stress_down: fx(at + 128),
            stress_up: fx(at + 144),
        };
        let vol = fx(at + 160);
        let oi = u64::from_le_bytes(rd(b, at + 176));
        let time = i64::from_le_bytes(rd(b, at + 184));
        match marks::contribution(&m, time, vol, oi, 9, &reference).and_then(|a| sums.add(&a)) {
            Ok(s) => sums = s,
            Err(e) => {
                status = error_code(e);
                break;
            }
        }
    }
    for v in aggregate_fields(&sums) {
        out.fx(v);
    }
    out.buf[0..8].copy_from_slice(&status.to_le_bytes());
}

/// One series' share of the book's sums around a reference (a re-mark computes two).
///
/// # Safety
/// `SHARE_HEADER_LEN + SHARE_RECORD_LEN` bytes in, 264 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_share(input: *const u8, output: *mut u8) {
    run_shares(input, output, 1)
}

/// Re-centring a full book: `RECENTER_SERIES` shares summed.
///
/// # Safety
/// `SHARE_HEADER_LEN + RECENTER_SERIES × SHARE_RECORD_LEN` bytes in, 264 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_recenter(input: *const u8, output: *mut u8) {
    run_shares(input, output, RECENTER_SERIES)
}

/// The book's liabilities bounded over a band, from its sums (what NAV costs, whatever
/// the book's size).
///
/// # Safety
/// `LIABILITIES_INPUT_LEN` bytes in, 40 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_liabilities(input: *const u8, output: *mut u8) {
    let b = core::slice::from_raw_parts(input, LIABILITIES_INPUT_LEN);
    let fx = |at: usize| Fx::from_bits(i128::from_le_bytes(rd(b, at)));
    let mut fields = [Fx::ZERO; 16];
    for (k, f) in fields.iter_mut().enumerate() {
        *f = fx(16 * k);
    }
    let (x_lo, x_hi) = (fx(256), fx(272));
    let now = i64::from_le_bytes(rd(b, 288));
    let reference = Reference {
        spot: fx(296),
        time: i64::from_le_bytes(rd(b, 312)),
    };
    let buf = core::slice::from_raw_parts_mut(output, 40);
    let mut out = Out { buf, at: 8 };
    let status = match aggregates_from(&fields).liabilities(x_lo, x_hi, now, &reference) {
        Ok(l) => {
            out.fx(l.low);
            out.fx(l.high);
            0
        }
        Err(e) => error_code(e),
    };
    out.buf[0..8].copy_from_slice(&status.to_le_bytes());
}

/// Looks a function up by name (the host runner's dispatch).
/// Runs a hedge sizer: status (0, or 1 + the `PoolError`'s index) and the size.
///
/// # Safety
/// `SIZER_INPUT_LEN` bytes in, 16 bytes out.
unsafe fn run_sizer(
    input: *const u8,
    output: *mut u8,
    f: fn(u64, u64, u64, u64, u64, u64) -> cpmm::PoolResult<u64>,
) {
    let b = core::slice::from_raw_parts(input, SIZER_INPUT_LEN);
    let a = |k: usize| u64::from_le_bytes(rd(b, 8 * k));
    let (status, size) = match f(a(0), a(1), a(2), a(3), a(4), a(5)) {
        Ok(v) => (0, v),
        Err(cpmm::PoolError::Overflow) => (1, 0),
        Err(cpmm::PoolError::InvalidPool) => (2, 0),
        Err(cpmm::PoolError::OutExceedsReserve) => (3, 0),
    };
    let buf = core::slice::from_raw_parts_mut(output, 16);
    buf[0..8].copy_from_slice(&(status as u64).to_le_bytes());
    buf[8..16].copy_from_slice(&size.to_le_bytes());
}

/// The hedge buy's size at the slippage limit (`rebalance`, short delta).
///
/// # Safety
/// `SIZER_INPUT_LEN` bytes in, 16 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_buy_at_limit(input: *const u8, output: *mut u8) {
    run_sizer(input, output, cpmm::max_buy_at_limit)
}

/// The hedge or unwind sale's size at the slippage limit (`rebalance`, `liquidate`).
///
/// # Safety
/// `SIZER_INPUT_LEN` bytes in, 16 bytes out.
#[no_mangle]
pub unsafe extern "C" fn cu_sell_at_limit(input: *const u8, output: *mut u8) {
    run_sizer(input, output, cpmm::max_sell_at_limit)
}

pub fn function(name: &str) -> Option<unsafe extern "C" fn(*const u8, *mut u8)> {
    Some(match name {
        "cu_greeks" => cu_greeks,
        "cu_delta_gamma" => cu_delta_gamma,
        "cu_price" => cu_price,
        "cu_delta" => cu_delta,
        "cu_series_value" => cu_series_value,
        "cu_series_risk" => cu_series_risk,
        "cu_ln" => cu_ln,
        "cu_exp" => cu_exp,
        "cu_cdf" => cu_cdf,
        "cu_pdf" => cu_pdf,
        "cu_sqrt" => cu_sqrt,
        "cu_mark" => cu_mark,
        "cu_mark_share" => cu_mark_share,
        "cu_liabilities" => cu_liabilities,
        "cu_share" => cu_share,
        "cu_recenter" => cu_recenter,
        "cu_buy_at_limit" => cu_buy_at_limit,
        "cu_sell_at_limit" => cu_sell_at_limit,
        _ => return None,
    })
}

#[cfg(target_arch = "bpf")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // sbf-run reports a spin here as a panic.
    #[allow(clippy::empty_loop)]
    loop {}
}
