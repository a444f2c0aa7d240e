//! iCalendar (RFC 5545) invitations for a booked meeting, and their cancellations.

use jiff::Timestamp;

use super::Slot;

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS: usize = 75;

/// One meeting, as the organizer sends it to the attendee.
pub struct CalendarEvent<'a> {
    pub uid: &'a str,
    pub stamp: Timestamp,
    pub slot: Slot,
    pub summary: &'a str,
    pub description: &'a str,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
    pub cancelled: bool,
}

/// A valid RFC 5545 VCALENDAR with one VEVENT: a REQUEST, or a CANCEL when `cancelled`.
///
/// Times are UTC, text is escaped, lines end in CRLF and are folded at 75 octets.
pub fn calendar(event: &CalendarEvent<'_>) -> String {
    let (method, status, sequence) = if event.cancelled {
        // RFC 5546 §3.2.5: a CANCEL carries a higher SEQUENCE than the request it cancels,
        // or clients ignore it.
        ("CANCEL", "CANCELLED", "1")
    } else {
        ("REQUEST", "CONFIRMED", "0")
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "PRODID:-//Synaptiq//Synaptiq//EN".to_owned(),
        "VERSION:2.0".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape_text(event.uid)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.slot.starts_at)),
        format!("DTEND:{}", utc(event.slot.ends_at)),
        format!("SEQUENCE:{sequence}"),
        format!("STATUS:{status}"),
        format!("SUMMARY:{}", escape_text(event.summary)),
        format!("DESCRIPTION:{}", escape_text(event.description)),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            param_value(event.organizer_name),
            address(event.organizer_email)
        ),
        format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:mailto:{}",
            param_value(event.attendee_name),
            address(event.attendee_email)
        ),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|line| fold(line)).collect()
}

/// RFC 5545 §3.3.5 form 2: UTC date-time, `YYYYMMDDTHHMMSSZ`.
fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and line breaks escaped.
///
/// Other control characters are not allowed in TEXT, so they are dropped.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' => {
                // CRLF is one line break.
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push('\t'),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// RFC 5545 §3.2 param-value: quoted when it holds `:`, `;` or `,`.
///
/// A quoted string cannot contain DQUOTE or controls, so those are replaced or dropped.
fn param_value(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    if cleaned.contains([':', ';', ',']) {
        format!("\"{cleaned}\"")
    } else {
        cleaned
    }
}

/// An email address for a `mailto:` URI; controls and spaces could break the line or the URI.
fn address(email: &str) -> String {
    email
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// One content line with its CRLF, folded so no physical line exceeds 75 octets.
///
/// Folds only between characters, never inside a multi-byte UTF-8 sequence.
fn fold(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_LINE_OCTETS {
            // The continuation's leading space counts towards its 75 octets.
            folded.push_str("\r\n ");
            used = 1;
        }
        folded.push(c);
        used += c.len_utf8();
    }
    folded.push_str("\r\n");
    folded
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn event<'a>(description: &'a str, cancelled: bool) -> CalendarEvent<'a> {
        CalendarEvent {
            uid: "booking-42@synaptiq",
            stamp: ts("2025-11-28T12:34:56Z"),
            slot: Slot {
                starts_at: ts("2025-12-02T09:00:00Z"),
                ends_at: ts("2025-12-02T09:30:00Z"),
            },
            summary: "Intro call: Acme, Inc.",
            description,
            organizer_name: "Sales; Team",
            organizer_email: "sales@example.com",
            attendee_name: "Jane \"JD\" Doe",
            attendee_email: "jane@example.org",
            cancelled,
        }
    }

    /// Unfolds (RFC 5545 §3.1) and splits each content line into name, parameters, value.
    fn parse(ics: &str) -> Vec<(String, String, String)> {
        let unfolded = ics.replace("\r\n ", "");
        unfolded
            .strip_suffix("\r\n")
            .unwrap()
            .split("\r\n")
            .map(|line| {
                let (head, value) = split_content_line(line);
                let (name, params) = head.split_once(';').unwrap_or((head, ""));
                (name.to_owned(), params.to_owned(), value.to_owned())
            })
            .collect()
    }

    /// The first `:` outside a quoted parameter value separates the value.
    fn split_content_line(line: &str) -> (&str, &str) {
        let mut quoted = false;
        for (at, c) in line.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ':' if !quoted => return (&line[..at], &line[at + 1..]),
                _ => {}
            }
        }
        panic!("no value in {line:?}")
    }

    fn unescape(text: &str) -> String {
        let mut plain = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next().unwrap() {
                    'n' | 'N' => plain.push('\n'),
                    other => plain.push(other),
                }
            } else {
                plain.push(c);
            }
        }
        plain
    }

    fn properties(ics: &str) -> HashMap<String, (String, String)> {
        parse(ics)
            .into_iter()
            .filter(|(name, _, _)| name != "BEGIN" && name != "END")
            .map(|(name, params, value)| (name, (params, value)))
            .collect()
    }

    #[test]
    fn every_line_ends_in_crlf() {
        let ics = calendar(&event("Short.", false));
        assert!(ics.ends_with("\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }

    #[test]
    fn a_request_has_the_required_properties() {
        let props = properties(&calendar(&event("Short.", false)));
        let value = |name: &str| props[name].1.clone();
        assert_eq!(value("PRODID"), "-//Synaptiq//Synaptiq//EN");
        assert_eq!(value("VERSION"), "2.0");
        assert_eq!(value("CALSCALE"), "GREGORIAN");
        assert_eq!(value("METHOD"), "REQUEST");
        assert_eq!(value("UID"), "booking-42@synaptiq");
        assert_eq!(value("STATUS"), "CONFIRMED");
        assert_eq!(props["ORGANIZER"].0, "CN=\"Sales; Team\"");
        assert_eq!(value("ORGANIZER"), "mailto:sales@example.com");
        assert_eq!(props["ATTENDEE"].0, "CN=Jane 'JD' Doe;ROLE=REQ-PARTICIPANT");
        assert_eq!(value("ATTENDEE"), "mailto:jane@example.org");
    }

    #[test]
    fn times_are_utc_basic_format() {
        let props = properties(&calendar(&event("Short.", false)));
        assert_eq!(props["DTSTAMP"].1, "20251128T123456Z");
        assert_eq!(props["DTSTART"].1, "20251202T090000Z");
        assert_eq!(props["DTEND"].1, "20251202T093000Z");
    }

    #[test]
    fn a_cancellation_says_so() {
        let ics = calendar(&event("Short.", true));
        let props = properties(&ics);
        assert_eq!(props["METHOD"].1, "CANCEL");
        assert_eq!(props["STATUS"].1, "CANCELLED");
        assert_eq!(props["SEQUENCE"].1, "1");
        assert!(!ics.contains("REQUEST\r\n"));
    }

    #[test]
    fn text_is_escaped() {
        let ics = calendar(&event("a\\b;c,d\ne\r\nf", false));
        assert!(ics.contains("DESCRIPTION:a\\\\b\\;c\\,d\\ne\\nf\r\n"));
        assert!(ics.contains("SUMMARY:Intro call: Acme\\, Inc.\r\n"));
    }

    #[test]
    fn long_utf8_text_folds_at_75_octets_and_unfolds_intact() {
        let description = "Wir freuen uns auf das Gespräch über Ihre Anforderungen — \
            日本語のテキストも含みます 🚀🚀🚀, and a line\nbreak; plus more words to make it long. "
            .repeat(4);
        let ics = calendar(&event(&description, false));
        for line in ics.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
        }
        let folds = ics.matches("\r\n ").count();
        assert!(folds > 8, "expected many folds, got {folds}");
        let props = properties(&ics);
        assert_eq!(unescape(&props["DESCRIPTION"].1), description);
    }

    #[test]
    fn folding_fills_lines_and_never_splits_a_character() {
        assert_eq!(fold(&"a".repeat(75)), format!("{}\r\n", "a".repeat(75)));
        assert_eq!(
            fold(&"a".repeat(76)),
            format!("{}\r\n a\r\n", "a".repeat(75))
        );
        // 74 ASCII + a 3-octet character would make 77: the character moves whole.
        let folded = fold(&format!("{}€x", "a".repeat(74)));
        assert_eq!(folded, format!("{}\r\n €x\r\n", "a".repeat(74)));
    }

    #[test]
    fn round_trip_recovers_every_field() {
        let ics = calendar(&event(
            "Line one\nLine two, with; punctuation \\ done",
            false,
        ));
        let props = properties(&ics);
        assert_eq!(unescape(&props["SUMMARY"].1), "Intro call: Acme, Inc.");
        assert_eq!(
            unescape(&props["DESCRIPTION"].1),
            "Line one\nLine two, with; punctuation \\ done"
        );
        let names: Vec<String> = parse(&ics).into_iter().map(|(name, _, _)| name).collect();
        assert_eq!(
            names,
            [
                "BEGIN",
                "PRODID",
                "VERSION",
                "CALSCALE",
                "METHOD",
                "BEGIN",
                "UID",
                "DTSTAMP",
                "DTSTART",
                "DTEND",
                "SEQUENCE",
                "STATUS",
                "SUMMARY",
                "DESCRIPTION",
                "ORGANIZER",
                "ATTENDEE",
                "END",
                "END"
            ]
        );
    }

    #[test]
    fn header_injection_is_neutralised() {
        let mut hostile = event("x", false);
        hostile.attendee_name = "Eve\r\nATTENDEE:mailto:evil@example.com";
        hostile.attendee_email = "eve@example.com\r\nX-EVIL:1";
        hostile.summary = "hi\r\nX-EVIL:1";
        let ics = calendar(&hostile);
        assert!(!ics.contains("\r\nX-EVIL"));
        assert_eq!(parse(&ics).iter().filter(|p| p.0 == "ATTENDEE").count(), 1);
    }
}
