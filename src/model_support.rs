//! Generic pieces the generated `Deserialize` impls call; nothing here knows a model.
//!
//! The impls are written by `src/build_support/model_passes/deserialize.rs`; they read a
//! map's keys as [`Key`] (borrowed from the input when possible) and date-time fields
//! through [`OptionalDateTime`] / [`RequiredDateTime`], which accept what Norce's .NET
//! backend writes.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};

/// A map key, borrowed from the input when the deserializer can lend it, so matching a
/// known property allocates nothing; only an unknown one is copied into the bag.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    pub(crate) fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

const EXPECTED_DATE_TIME: &str = "an RFC 3339 date-time (without an offset it is read as UTC)";

/// Parses an RFC 3339 date-time with any offset and up to 9 fractional digits (further
/// digits are truncated, as chrono does), accepting everything chrono's own `Deserialize`
/// accepted before, so any value chrono writes reads back. A value without an offset
/// (`2026-01-12T08:21:29.1234567`, what .NET writes for a `DateTime` of unspecified kind)
/// is read as UTC: Norce stores UTC.
pub fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(with_offset) = text.parse::<DateTime<FixedOffset>>() {
        return Some(with_offset.to_utc());
    }
    text.parse::<NaiveDateTime>()
        .ok()
        .map(|naive| naive.and_utc())
}

struct DateTimeVisitor;

impl Visitor<'_> for DateTimeVisitor {
    type Value = DateTime<Utc>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_DATE_TIME)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
        parse_date_time(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// A non-required date-time property: `null` or absent is `None`.
pub(crate) struct OptionalDateTime(pub(crate) Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for OptionalDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor;
        impl<'de> Visitor<'de> for OptionVisitor {
            type Value = OptionalDateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED_DATE_TIME)
            }
            fn visit_none<E: de::Error>(self) -> Result<OptionalDateTime, E> {
                Ok(OptionalDateTime(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OptionalDateTime, E> {
                Ok(OptionalDateTime(None))
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<OptionalDateTime, D::Error> {
                deserializer
                    .deserialize_str(DateTimeVisitor)
                    .map(|value| OptionalDateTime(Some(value)))
            }
        }
        deserializer.deserialize_option(OptionVisitor)
    }
}

/// A required date-time property (none in the vendored spec today; the pass emits it for one).
#[allow(dead_code)]
pub(crate) struct RequiredDateTime(pub(crate) DateTime<Utc>);

impl<'de> Deserialize<'de> for RequiredDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(DateTimeVisitor)
            .map(RequiredDateTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn date_times_with_any_offset_and_up_to_nine_digits() {
        assert_eq!(
            parse_date_time("2026-01-12T10:21:29+02:00"),
            Some(utc("2026-01-12T08:21:29Z"))
        );
        assert_eq!(
            parse_date_time("2026-01-12T08:21:29.123456789Z"),
            Some(utc("2026-01-12T08:21:29.123456789Z"))
        );
        assert_eq!(
            parse_date_time("2026-01-12T08:21:29.5-01:30"),
            Some(utc("2026-01-12T09:51:29.5Z"))
        );
    }

    #[test]
    fn what_chrono_writes_reads_back() {
        for text in ["-0001-12-31T23:00:00Z", "+10000-01-01T00:59:59Z"] {
            let value = parse_date_time(text).unwrap();
            let written = serde_json::to_value(value).unwrap();
            assert_eq!(written, serde_json::json!(text));
        }
        // Beyond nanoseconds, digits are truncated rather than refused.
        assert_eq!(
            parse_date_time("2026-01-12T08:21:29.1234567891"),
            Some(utc("2026-01-12T08:21:29.123456789Z"))
        );
    }

    #[test]
    fn offset_less_date_times_are_utc() {
        assert_eq!(
            parse_date_time("2026-01-12T08:21:29"),
            Some(utc("2026-01-12T08:21:29Z"))
        );
        assert_eq!(
            parse_date_time("2026-01-12T08:21:29.1234567"),
            Some(utc("2026-01-12T08:21:29.1234567Z"))
        );
    }

    #[test]
    fn non_date_times_are_rejected() {
        for text in [
            "",
            "yesterday",
            "2026-01-12",
            "2026-13-12T08:21:29",
            "2026-01-12T08:21",
            "2026-01-12T08:21:29.Z",
            "2026-01-12T08:21:29+25:00",
        ] {
            assert_eq!(parse_date_time(text), None, "{text}");
        }
    }

    #[test]
    fn optional_date_time_reads_null_as_none_and_names_bad_values() {
        let none: OptionalDateTime = serde_json::from_str("null").unwrap();
        assert_eq!(none.0, None);
        let some: OptionalDateTime = serde_json::from_str("\"2026-01-12T08:21:29\"").unwrap();
        assert_eq!(some.0, Some(utc("2026-01-12T08:21:29Z")));
        let error = serde_json::from_str::<OptionalDateTime>("\"soon\"")
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.starts_with("invalid value: string \"soon\", expected an RFC 3339 date-time"),
            "{error}"
        );
        assert!(serde_json::from_str::<OptionalDateTime>("42").is_err());
        assert!(serde_json::from_str::<RequiredDateTime>("null").is_err());
    }

    #[test]
    fn keys_borrow_from_a_slice_and_copy_escaped_ones() {
        let keys: Vec<Key<'_>> = serde_json::from_str(r#"["plain", "esc\u0061ped"]"#).unwrap();
        assert!(matches!(keys[0], Key::Borrowed("plain")));
        assert!(matches!(&keys[1], Key::Owned(key) if key == "escaped"));
        assert_eq!(keys[1].as_str(), "escaped");
    }
}
