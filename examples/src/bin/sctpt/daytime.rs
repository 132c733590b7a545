//! The daytime service's message (RFC 867): the time of day as one line of text.

/// The time of day as RFC 867 suggests, in UTC: `Weekday, Month Day, Year HH:MM:SS-UTC`.
pub fn daytime() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WD: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MO: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let wd = WD.get(days.rem_euclid(7) as usize).copied().unwrap_or("");
    let mo = MO.get((month - 1) as usize).copied().unwrap_or("");
    format!(
        "{wd}, {mo} {day}, {year} {:02}:{:02}:{:02}-UTC\n",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
