//! Human input to the program's integers: decimals to atoms or mantissas (exactly, or
//! refused), vols to ppm, dates to unix seconds.

/// `text` (e.g. `97.5`) × 10^`decimals`, exactly; refuses more fractional digits than
/// `decimals`, signs, and values a u64 cannot hold.
pub fn decimal_to_atoms(text: &str, decimals: u32) -> Result<u64, String> {
    if decimals > 30 {
        return Err(format!(
            "`{text}`: {decimals} decimals is more than any token has"
        ));
    }
    let t = text.trim().replace('_', "");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!("`{text}` is not a non-negative decimal number"));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() as u32 > decimals {
        return Err(format!(
            "`{text}` has more than {decimals} decimals (the smallest unit)"
        ));
    }
    let scale = 10u128.pow(decimals);
    let int: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| format!("`{text}` is too large"))?
    };
    let frac_atoms: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u128>().expect("digits") * 10u128.pow(decimals - frac.len() as u32)
    };
    int.checked_mul(scale)
        .and_then(|v| v.checked_add(frac_atoms))
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// An implied vol as `85%`, `85.5%` or `0.855`, in parts per million. A bare number
/// must be below 1 (is `4` 4% or 400%?): larger vols are written with `%`.
pub fn vol_to_ppm(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || format!("`{text}` is not a vol (write 85% or 0.85)");
    match t.strip_suffix('%') {
        Some(pct) => decimal_to_atoms(pct.trim(), 4).map_err(|_| bad()),
        None => {
            let ppm = decimal_to_atoms(t, 6).map_err(|_| bad())?;
            if ppm >= 1_000_000 {
                return Err(format!(
                    "`{text}` is ambiguous: write a vol of 100% or more with % (e.g. `{text}%`)"
                ));
            }
            Ok(ppm)
        }
    }
}

/// An expiry as unix seconds, `YYYY-MM-DDTHH:MM:SSZ` (UTC), or relative to `now`:
/// `+7d`, `+12h`, `+90m`, `+600s`.
pub fn parse_time(text: &str, now: i64) -> Result<i64, String> {
    let t = text.trim();
    if let Some(rel) = t.strip_prefix('+') {
        let cut = rel.char_indices().last().map_or(0, |(i, _)| i);
        let (num, unit) = rel.split_at(cut);
        let n: i64 = num
            .parse()
            .map_err(|_| format!("`{text}`: write +7d, +12h, +90m or +600s"))?;
        let secs = match unit {
            "d" => 86_400,
            "h" => 3_600,
            "m" => 60,
            "s" => 1,
            _ => return Err(format!("`{text}`: the unit is d, h, m or s")),
        };
        return n
            .checked_mul(secs)
            .and_then(|d| now.checked_add(d))
            .ok_or_else(|| format!("`{text}` is too far"));
    }
    if let Ok(unix) = t.parse::<i64>() {
        return Ok(unix);
    }
    parse_utc(t).ok_or_else(|| {
        format!("`{text}` is not a time: unix seconds, 2027-01-29T08:00:00Z, or +7d")
    })
}

fn parse_utc(t: &str) -> Option<i64> {
    let t = t.strip_suffix('Z')?;
    let (date, time) = t.split_once('T')?;
    // Digits only: `parse` would take a sign.
    let digits = |p: &str| -> Option<i64> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let d: Vec<i64> = date.split('-').map(digits).collect::<Option<_>>()?;
    let h: Vec<i64> = time.split(':').map(digits).collect::<Option<_>>()?;
    let (&[y, m, day], &[hh, mm, ss]) = (d.as_slice(), h.as_slice()) else {
        return None;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1970..=9999).contains(&y)
        && (1..=12).contains(&m)
        && day >= 1
        && day <= month_days[(m - 1) as usize]
        && hh <= 23
        && mm <= 59
        && ss <= 59;
    valid.then(|| days_from_civil(y, m, day) * 86_400 + hh * 3_600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// A duration as `2d 3h`, `4h 5m`, `6m 7s` or `8s`.
pub fn format_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m {sec}s")
    } else {
        format!("{sec}s")
    }
}

/// `atoms` / 10^`decimals` as a decimal string without trailing zeros.
pub fn atoms_to_decimal(atoms: u128, decimals: u32) -> String {
    let scale = 10u128.pow(decimals);
    let (int, frac) = (atoms / scale, atoms % scale);
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:0width$}", width = decimals as usize);
    format!("{int}.{}", f.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_or_refused() {
        assert_eq!(decimal_to_atoms("97.5", 8), Ok(9_750_000_000));
        assert_eq!(decimal_to_atoms("1_000", 9), Ok(1_000_000_000_000));
        assert_eq!(decimal_to_atoms("0.000000001", 9), Ok(1));
        assert!(decimal_to_atoms("0.0000000001", 9).is_err());
        assert!(decimal_to_atoms("-1", 6).is_err());
        assert!(decimal_to_atoms("1e3", 6).is_err());
        assert!(decimal_to_atoms("99999999999999999999", 6).is_err());
        assert_eq!(atoms_to_decimal(9_750_000_000, 8), "97.5");
    }

    #[test]
    fn vols_and_times() {
        assert_eq!(vol_to_ppm("85%"), Ok(850_000));
        assert_eq!(vol_to_ppm("0.855"), Ok(855_000));
        assert!(vol_to_ppm("fast").is_err());
        assert_eq!(parse_time("+7d", 100), Ok(100 + 7 * 86_400));
        assert_eq!(parse_time("1800000000", 0), Ok(1_800_000_000));
        assert_eq!(parse_time("2027-01-29T08:00:00Z", 0), Ok(1_801_209_600));
        assert_eq!(format_utc(1_801_209_600), "2027-01-29 08:00:00 UTC");
        assert!(parse_time("next friday", 0).is_err());
        assert!(parse_time("2027-02-31T00:00:00Z", 0).is_err());
        assert!(parse_time("2028-02-29T00:00:00Z", 0).is_ok());
        assert!(parse_time("2027-01-29T-1:00:00Z", 0).is_err());
        assert!(parse_time("99999999-01-01T00:00:00Z", 0).is_err());
        assert!(vol_to_ppm("4").is_err(), "4% or 400%?");
        assert!(decimal_to_atoms("1", 40).is_err());
        assert_eq!(format_duration(90_061), "1d 1h");
        assert_eq!(format_duration(61), "1m 1s");
    }
}
