use jiff::civil::date;

use super::*;

fn amsterdam() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap()
}

/// A 30-minute slot at an Amsterdam wall-clock time in December 2025.
fn slot(day: i8, hour: i8, minute: i8) -> Slot {
    let starts_at = amsterdam()
        .to_timestamp(date(2025, 12, day).at(hour, minute, 0, 0))
        .unwrap();
    Slot {
        starts_at,
        ends_at: starts_at + jiff::SignedDuration::from_mins(30),
    }
}

/// Tue 2 Dec 10:00, Tue 2 Dec 14:30, Wed 3 Dec 10:30, Thu 4 Dec 09:00.
fn offered() -> Vec<Slot> {
    vec![
        slot(2, 10, 0),
        slot(2, 14, 30),
        slot(3, 10, 30),
        slot(4, 9, 0),
    ]
}

fn choose(message: &str) -> Option<usize> {
    parse_choice(message, &offered(), &amsterdam())
}

#[test]
fn numbers_pick_by_place() {
    assert_eq!(choose("2"), Some(1));
    assert_eq!(choose("#2"), Some(1));
    assert_eq!(choose("option 2"), Some(1));
    assert_eq!(choose("Option 2, please."), Some(1));
    assert_eq!(choose("number three"), Some(2));
    assert_eq!(choose("I'll take 4"), Some(3));
}

#[test]
fn ordinals_pick_by_place() {
    assert_eq!(choose("the second one"), Some(1));
    assert_eq!(choose("second"), Some(1));
    assert_eq!(choose("The first!"), Some(0));
    assert_eq!(choose("1st"), Some(0));
    assert_eq!(choose("3rd one pls"), Some(2));
    assert_eq!(choose("last one"), Some(3));
    assert_eq!(choose("the last"), Some(3));
    assert_eq!(choose("the earliest"), Some(0));
}

#[test]
fn relative_days_and_open_ranges_pick_nothing() {
    // Only the proposal reader knows which day "tomorrow" is; "10am" alone would match.
    for message in [
        "tmrw 10am works 👍",
        "tomorrow at 10am?",
        "today at 10am?",
        "mañana a las 10:00",
        "morgen um 10 Uhr",
        "next week Tuesday at 10?",
        "any time Wednesday morning works for me",
        "Thursday, whenever suits",
    ] {
        assert_eq!(choose(message), None, "{message}");
    }
}

#[test]
fn earliest_and_last_count_among_the_slots_described() {
    assert_eq!(choose("the earliest on wednesday"), Some(2));
    assert_eq!(choose("whichever is earliest on Tuesday is fine"), Some(0));
    assert_eq!(choose("the last one on tuesday"), Some(1));
    assert_eq!(choose("the soonest"), Some(0));
    assert_eq!(choose("the earliest on friday"), None);
}

#[test]
fn places_outside_the_list_pick_nothing() {
    assert_eq!(choose("option 7"), None);
    assert_eq!(choose("the fifth"), None);
    assert_eq!(parse_choice("last", &[], &amsterdam()), None);
    assert_eq!(parse_choice("1", &[], &amsterdam()), None);
}

#[test]
fn weekday_and_time_pick_by_description() {
    assert_eq!(choose("Tuesday 10am"), Some(0));
    assert_eq!(choose("tue at 10:00"), Some(0));
    assert_eq!(choose("tuesday at 10"), Some(0));
    assert_eq!(choose("10:30 on wednesday"), Some(2));
    assert_eq!(choose("the 10am one"), Some(0));
    assert_eq!(choose("TUESDAY @ 10AM!!"), Some(0));
    assert_eq!(choose("Tuesday 10 a.m. works, thanks"), Some(0));
    assert_eq!(choose("Thursday"), Some(3));
    assert_eq!(choose("thurs 9"), Some(3));
}

#[test]
fn twelve_and_twenty_four_hour_times_both_match() {
    assert_eq!(choose("2:30pm"), Some(1));
    assert_eq!(choose("14:30"), Some(1));
    assert_eq!(choose("tuesday at 2.30 pm"), Some(1));
    assert_eq!(choose("tuesday 14h30"), Some(1));
    // Without am/pm, "2:30" is read as the afternoon too.
    assert_eq!(choose("2:30"), Some(1));
    assert_eq!(choose("9 o'clock"), Some(3));
    assert_eq!(choose("9pm"), None);
    assert_eq!(choose("10:00 pm"), None);
}

#[test]
fn dates_pick_by_day_of_month() {
    assert_eq!(choose("Dec 2 at 10"), Some(0));
    assert_eq!(choose("2 December, 14:30"), Some(1));
    assert_eq!(choose("the 2nd of December at 2:30pm"), Some(1));
    assert_eq!(choose("December 3rd"), Some(2));
    assert_eq!(choose("tuesday the 2nd at 2:30pm"), Some(1));
    assert_eq!(choose("Wednesday 3 December 10.30"), Some(2));
    assert_eq!(choose("Dec 5 at 10"), None);
    assert_eq!(choose("Jan 2 at 10"), None);
}

#[test]
fn ambiguous_descriptions_pick_nothing() {
    // Two Tuesday slots.
    assert_eq!(choose("Tuesday"), None);
    assert_eq!(choose("Dec 2"), None);
    let two_tens = [slot(2, 10, 0), slot(3, 10, 0), slot(4, 11, 0)];
    assert_eq!(parse_choice("10am", &two_tens, &amsterdam()), None);
    assert_eq!(parse_choice("the 10am one", &two_tens, &amsterdam()), None);
    assert_eq!(
        parse_choice("wednesday 10am", &two_tens, &amsterdam()),
        Some(1)
    );
    assert_eq!(choose("tuesday or wednesday"), None);
    assert_eq!(choose("2 or 3"), None);
}

#[test]
fn place_and_description_must_agree() {
    assert_eq!(choose("the first one, tuesday at 10"), Some(0));
    assert_eq!(choose("the third one on tuesday"), None);
}

#[test]
fn replies_without_a_choice_pick_nothing() {
    assert_eq!(choose("maybe later"), None);
    assert_eq!(choose("I don't know"), None);
    assert_eq!(choose("none of these work for me"), None);
    assert_eq!(choose("neither, sorry"), None);
    assert_eq!(choose("give me a second"), None);
    assert_eq!(choose("2, no wait, the third"), None);
    assert_eq!(choose("Can we do next month?"), None);
    assert_eq!(choose(""), None);
    assert_eq!(choose("?!"), None);
}

#[test]
fn times_are_read_in_the_given_zone() {
    let new_york = TimeZone::get("America/New_York").unwrap();
    // 10:00 Amsterdam is 04:00 in New York.
    assert_eq!(parse_choice("tuesday 4am", &offered(), &new_york), Some(0));
    assert_eq!(parse_choice("tuesday 10am", &offered(), &new_york), None);
}

#[test]
fn words_keep_clock_punctuation_and_drop_the_rest() {
    assert_eq!(
        words("Tue, 10.30 a.m.? #2 o'clock Don’t"),
        ["tue", "10:30", "am", "#", "2", "oclock", "dont"]
    );
}
