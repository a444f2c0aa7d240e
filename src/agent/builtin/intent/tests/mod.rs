use super::*;

mod people;
mod scheduling;

/// Runs every case and reports all mismatches at once, like `extract::check`.
fn check<T: std::fmt::Debug + PartialEq>(cases: &[(&str, T)], field: impl Fn(&Reading) -> T) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let reading = read(input);
            let got = field(&reading);
            (got != *expected).then(|| format!("{input:?}: got {got:?}, expected {expected:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

/// Each phrase in `yes` sets the flag, each in `no` leaves it unset.
fn flag(yes: &[&str], no: &[&str], field: impl Fn(&Reading) -> bool) {
    let cases: Vec<(&str, bool)> = yes
        .iter()
        .map(|t| (*t, true))
        .chain(no.iter().map(|t| (*t, false)))
        .collect();
    check(&cases, field);
}

#[test]
fn patterns_compile() {
    for list in [
        meeting::PATTERNS,
        person::PATTERNS,
        pick::PATTERNS,
        social::PATTERNS,
        text::PATTERNS,
        time::PATTERNS,
        visitor::PATTERNS,
    ] {
        for pattern in list {
            assert!(pattern.compiles(), "does not compile: {}", pattern.source());
        }
    }
}

#[test]
fn a_reading_has_every_part() {
    assert_eq!(
        read("Before I pick, what's the first step after the call?"),
        Reading {
            asks: true,
            ..Reading::default()
        }
    );
    assert_eq!(
        read("Could we do Thursday at 2pm?"),
        Reading {
            proposes_time: true,
            picks: Some(Pick::Described),
            ..Reading::default()
        }
    );
}

proptest::proptest! {
    // Byte offsets are sliced everywhere: no input may land inside a character.
    #[test]
    fn any_text_is_read_without_panicking(text in "\\PC{0,120}") {
        let _ = read(&text);
    }

    #[test]
    fn chat_like_text_is_read_without_panicking(
        text in "((the|first|2|#|option| but | and | - |can we|book|cancel|move|it|to|friday|3pm|10:30|at|¿|¡|\\?|!|,|\\.|:|no|yes|hi|thanks|human|we're|people|\\$|€|ü|ß|é|ñ|[a-z]{1,6}|[0-9]{1,3}|😀|\\n) ?){0,20}"
    ) {
        let _ = read(&text);
    }

    /// A question without a day or time word never picks or proposes: "Before I pick, what
    /// is …?" books nothing. Words that name a slot ("first", "option 2") are left out, since
    /// "can we book the first one?" does pick.
    #[test]
    fn a_question_without_a_time_never_picks_or_proposes(
        words in proptest::collection::vec(
            "(before i pick|i|pick|what happens after the call|the|call|do|you|support|sso|can|we|book|it|that|works|perfect|yes|ok|sure|great|2|3|40|people|seats|\\$2k|2 weeks|pricing|how|much|is|there|a|trial|one|please|thanks|sounds|good|which|should|choose|demo|meeting|price|hi|soc|for|team|free|available)",
            1..12,
        ),
        mark in 0usize..12,
    ) {
        let mut text = words.join(" ");
        let at = text.char_indices().map(|(i, _)| i).filter(|i| text[*i..].starts_with(' ')).nth(mark).unwrap_or(text.len());
        text.insert(at, '?');
        let reading = read(&text);
        proptest::prop_assert!(reading.picks.is_none(), "{text:?} picks {:?}", reading.picks);
        proptest::prop_assert!(!reading.proposes_time, "{text:?} proposes a time");
    }
}
