//! The record a generated project carries in `.skillforge/`, committed with it.
//!
//! `origin.toml` says what the project was made from (written by `new`, read by every
//! practice command); `progress.toml` what the learner asked of skillforge since (hints
//! revealed, tasks given up). Both are plain TOML a teacher can read in the repository.
//! The last check's `results.json` is not a record but the check's output, git-ignored and
//! rewritten on every run: it lives with the checking, in `practice::results`.

pub mod origin;
pub mod progress;

/// `date` as the records write a day: `YYYY-MM-DD`.
pub fn day_text(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The day `text` names, written as `day_text` writes it.
pub fn parse_day(text: &str) -> Option<time::Date> {
    let mut parts = text.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_back_as_written() {
        let day = time::Date::from_calendar_date(2026, time::Month::March, 7).unwrap();
        assert_eq!(day_text(day), "2026-03-07");
        assert_eq!(parse_day("2026-03-07"), Some(day));
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("yesterday"), None);
    }
}
