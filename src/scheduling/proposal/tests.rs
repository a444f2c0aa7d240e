use jiff::Timestamp;
use jiff::civil::Weekday;
use jiff::tz::TimeZone;

use super::*;

/// Monday 7 December 2026, 14:00 UTC: 09:00 in New York.
fn now() -> Timestamp {
    "2026-12-07T14:00:00Z".parse().unwrap()
}

fn new_york() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

fn read(text: &str) -> Option<Proposal> {
    read_proposal(text, now(), &new_york())
}

/// The windows in New York time: "Thu 10 15:00-16:00".
fn windows(text: &str) -> Vec<String> {
    windows_in(text, &new_york())
}

fn windows_in(text: &str, zone: &TimeZone) -> Vec<String> {
    let proposal = read(text).unwrap_or_else(|| panic!("no proposal read in {text:?}"));
    proposal
        .windows
        .iter()
        .map(|(from, to)| {
            let (from, to) = (zone.to_datetime(*from), zone.to_datetime(*to));
            format!("{}-{}", from.strftime("%a %d %H:%M"), to.strftime("%H:%M"))
        })
        .collect()
}

/// The exact start in New York time: "Thu 10 15:00".
fn exact(text: &str) -> String {
    let proposal = read(text).unwrap_or_else(|| panic!("no proposal read in {text:?}"));
    let at = proposal
        .exact
        .unwrap_or_else(|| panic!("no exact time in {text:?}: {proposal:?}"));
    new_york()
        .to_datetime(at)
        .strftime("%a %d %H:%M")
        .to_string()
}

#[test]
fn the_fixed_now_is_a_monday_morning_in_new_york() {
    let local = new_york().to_datetime(now());
    assert_eq!(local.weekday(), Weekday::Monday);
    assert_eq!(local.hour(), 9);
}

#[test]
fn a_weekday_and_a_clock_give_an_exact_time() {
    for text in [
        "How about Thursday at 3pm?",
        "thursday 3 pm",
        "Thursday at 15:00",
        "thursday at 3",
        "Thursday 15h",
        "Could we do Thursday at 3 p.m.?",
        "thurs @ 3pm works for me",
        "Thursday 3 o'clock",
        "3pm on Thursday",
        "THURSDAY 3PM",
        "this thursday at 3",
        "next Thursday at 3pm",
        "Thursday 10 December at 3pm",
    ] {
        assert_eq!(exact(text), "Thu 10 15:00", "{text}");
        assert_eq!(windows(text), ["Thu 10 15:00-16:00"], "{text}");
    }
    assert_eq!(exact("Thu 3:30pm"), "Thu 10 15:30");
    assert_eq!(exact("thursday at 9"), "Thu 10 09:00");
    assert_eq!(exact("Thursday at 11.30"), "Thu 10 11:30");
    assert_eq!(exact("thursday at noon"), "Thu 10 12:00");
    assert_eq!(exact("Thursday 9am"), "Thu 10 09:00");
    assert_eq!(exact("Thursday 09:00"), "Thu 10 09:00");
}

#[test]
fn ambiguous_hours_are_read_in_business_hours() {
    assert_eq!(exact("friday at 1"), "Fri 11 13:00");
    assert_eq!(exact("friday at 7"), "Fri 11 19:00");
    assert_eq!(exact("friday at 8"), "Fri 11 08:00");
    assert_eq!(exact("friday at 11"), "Fri 11 11:00");
    assert_eq!(exact("friday at 12"), "Fri 11 12:00");
    // A part of the day settles it the other way.
    assert_eq!(exact("friday at 8 in the evening"), "Fri 11 20:00");
    assert_eq!(exact("friday morning at 7"), "Fri 11 07:00");
    assert_eq!(exact("friday afternoon at 12:30"), "Fri 11 12:30");
}

#[test]
fn relative_days() {
    assert_eq!(exact("tomorrow at 3pm"), "Tue 08 15:00");
    assert_eq!(exact("tmrw 3pm?"), "Tue 08 15:00");
    assert_eq!(exact("day after tomorrow at 10"), "Wed 09 10:00");
    assert_eq!(windows("tomorrow"), ["Tue 08 00:00-00:00"]);
    assert_eq!(windows("today"), ["Mon 07 09:00-00:00"]);
    assert_eq!(windows("tomorrow afternoon"), ["Tue 08 12:00-17:00"]);
    assert_eq!(windows("this afternoon"), ["Mon 07 12:00-17:00"]);
    assert_eq!(windows("tonight?"), ["Mon 07 17:00-20:00"]);
    assert_eq!(exact("today at 4:30pm"), "Mon 07 16:30");
}

#[test]
fn weekdays_are_the_next_one_and_today_only_when_said() {
    assert_eq!(windows("Tuesday afternoon"), ["Tue 08 12:00-17:00"]);
    assert_eq!(windows("monday"), ["Mon 14 00:00-00:00"]);
    assert_eq!(windows("how about monday?"), ["Mon 14 00:00-00:00"]);
    assert_eq!(windows("this monday afternoon"), ["Mon 07 12:00-17:00"]);
    assert_eq!(windows("Thursday"), ["Thu 10 00:00-00:00"]);
    assert_eq!(windows("any time Wednesday"), ["Wed 09 00:00-00:00"]);
    assert_eq!(
        windows("wed or thu"),
        ["Wed 09 00:00-00:00", "Thu 10 00:00-00:00"]
    );
    assert_eq!(windows("Thursday next week"), ["Thu 17 00:00-00:00"]);
    assert_eq!(
        windows("next week on thursday morning"),
        ["Thu 17 09:00-12:00"]
    );
}

#[test]
fn weeks() {
    let next = windows("next week");
    assert_eq!(next.len(), 7);
    assert_eq!(next[0], "Mon 14 00:00-00:00");
    assert_eq!(next[6], "Sun 20 00:00-00:00");
    assert_eq!(
        windows("early next week"),
        ["Mon 14 00:00-00:00", "Tue 15 00:00-00:00"]
    );
    assert_eq!(
        windows("later next week?"),
        ["Thu 17 00:00-00:00", "Fri 18 00:00-00:00"]
    );
    assert_eq!(windows("middle of next week"), ["Wed 16 00:00-00:00"]);
    assert_eq!(
        windows("sometime at the end of the week"),
        ["Thu 10 00:00-00:00", "Fri 11 00:00-00:00"]
    );
    let this_week = windows("this week");
    assert_eq!(this_week.len(), 7);
    assert_eq!(this_week[0], "Mon 07 09:00-00:00");
    assert_eq!(
        windows("next week in the afternoon")[0],
        "Mon 14 12:00-17:00"
    );
    assert!(read("next week at 3pm").unwrap().exact.is_none());
}

#[test]
fn dates() {
    assert_eq!(exact("Dec 10 at 2pm"), "Thu 10 14:00");
    assert_eq!(windows("10 December"), ["Thu 10 00:00-00:00"]);
    assert_eq!(windows("December 10th"), ["Thu 10 00:00-00:00"]);
    assert_eq!(windows("the 10th of december"), ["Thu 10 00:00-00:00"]);
    assert_eq!(windows("10th"), ["Thu 10 00:00-00:00"]);
    assert_eq!(windows("the 15th"), ["Tue 15 00:00-00:00"]);
    assert_eq!(windows("2026-12-15 at 10am"), ["Tue 15 10:00-11:00"]);
    // The 2nd has passed this month: next month's.
    let second = read("on the 2nd").unwrap();
    assert_eq!(
        new_york().to_datetime(second.windows[0].0).date(),
        jiff::civil::date(2027, 1, 2)
    );
    assert_eq!(
        new_york()
            .to_datetime(read("January 4th at 10am").unwrap().exact.unwrap())
            .to_string(),
        "2027-01-04T10:00:00"
    );
}

#[test]
fn bounds_and_ranges() {
    assert_eq!(windows("tomorrow after 2"), ["Tue 08 14:00-00:00"]);
    assert_eq!(windows("after 2pm tomorrow"), ["Tue 08 14:00-00:00"]);
    assert_eq!(windows("before 11 on Wednesday"), ["Wed 09 00:00-11:00"]);
    assert_eq!(windows("Wednesday between 2 and 4"), ["Wed 09 14:00-16:00"]);
    assert_eq!(windows("wed 2-4pm"), ["Wed 09 14:00-16:00"]);
    assert_eq!(windows("Wed 11-1pm"), ["Wed 09 11:00-13:00"]);
    assert_eq!(windows("thursday from 10 to 2"), ["Thu 10 10:00-14:00"]);
    assert_eq!(windows("Friday afternoon after 3"), ["Fri 11 15:00-17:00"]);
    assert_eq!(
        windows("friday morning before 10:30"),
        ["Fri 11 09:00-10:30"]
    );
    // Without a day: today while it is still ahead.
    assert_eq!(windows("after 2"), ["Mon 07 14:00-00:00"]);
    assert_eq!(windows("any time after 3pm"), ["Mon 07 15:00-00:00"]);
}

#[test]
fn parts_of_the_day() {
    assert_eq!(windows("Thursday morning"), ["Thu 10 09:00-12:00"]);
    assert_eq!(windows("thursday lunchtime"), ["Thu 10 12:00-13:30"]);
    assert_eq!(windows("thursday around lunch"), ["Thu 10 12:00-13:30"]);
    assert_eq!(windows("late afternoon on Friday"), ["Fri 11 15:00-17:00"]);
    assert_eq!(windows("friday evening"), ["Fri 11 17:00-20:00"]);
    assert_eq!(windows("Tuesday pm"), ["Tue 08 12:00-17:00"]);
    assert_eq!(windows("tuesday after lunch"), ["Tue 08 13:30-17:00"]);
    assert_eq!(windows("tuesday before lunch"), ["Tue 08 09:00-12:00"]);
    assert_eq!(windows("first thing tomorrow"), ["Tue 08 09:00-10:00"]);
    assert_eq!(
        windows("tomorrow between 10 and 12"),
        ["Tue 08 10:00-12:00"]
    );
    assert_eq!(
        windows("wed anytime between 9 and 5"),
        ["Wed 09 09:00-17:00"]
    );
    assert_eq!(windows("tuesday am"), ["Tue 08 09:00-12:00"]);
    assert_eq!(windows("in the afternoon"), ["Mon 07 12:00-17:00"]);
    assert!(read("3pm").unwrap().exact.is_some());
}

#[test]
fn times_in_a_zone_the_visitor_names() {
    // 2pm in Chicago is 3pm in New York.
    assert_eq!(exact("2pm my time, I'm in Chicago"), "Mon 07 15:00");
    assert_eq!(
        windows("Thursday afternoon my time, I'm in Chicago"),
        ["Thu 10 13:00-18:00"]
    );
    assert_eq!(exact("3pm EST tomorrow"), "Tue 08 15:00");
    assert_eq!(exact("tomorrow 10am Pacific time"), "Tue 08 13:00");
    assert_eq!(exact("Thursday 4pm London time"), "Thu 10 11:00");
    // 14:00 in Berlin is 08:00 in New York, before now: today's window starts now.
    assert_eq!(windows("tomorrow after 2 CET"), ["Tue 08 08:00-18:00"]);
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    assert_eq!(
        windows_in("Thursday 3pm Europe/Berlin", &berlin),
        ["Thu 10 15:00-16:00"]
    );
}

#[test]
fn times_in_the_callers_zone() {
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    // Monday 23:00 in Tokyo: "tomorrow" is Tuesday there.
    let proposal = read_proposal("tomorrow at 10am", now(), &tokyo).unwrap();
    assert_eq!(
        tokyo.to_datetime(proposal.exact.unwrap()).to_string(),
        "2026-12-08T10:00:00"
    );
}

#[test]
fn spanish() {
    assert_eq!(exact("mañana a las 3"), "Tue 08 15:00");
    assert_eq!(exact("manana a las 15:00"), "Tue 08 15:00");
    assert_eq!(windows("el jueves por la tarde"), ["Thu 10 12:00-17:00"]);
    assert_eq!(windows("mañana por la mañana"), ["Tue 08 09:00-12:00"]);
    assert_eq!(exact("el martes a las 10 de la mañana"), "Tue 08 10:00");
    assert_eq!(exact("el viernes a las 4 de la tarde"), "Fri 11 16:00");
    assert_eq!(exact("pasado mañana a las 11"), "Wed 09 11:00");
    assert_eq!(exact("el 10 de diciembre a las 15:00"), "Thu 10 15:00");
    assert_eq!(windows("la próxima semana").len(), 7);
    assert_eq!(
        windows("el miércoles entre las 2 y las 4"),
        ["Wed 09 14:00-16:00"]
    );
    assert_eq!(
        windows("el jueves después de las 2"),
        ["Thu 10 14:00-00:00"]
    );
}

#[test]
fn german() {
    assert_eq!(exact("morgen um 15 Uhr"), "Tue 08 15:00");
    assert_eq!(exact("Morgen um 15:30"), "Tue 08 15:30");
    assert_eq!(windows("Donnerstag Nachmittag"), ["Thu 10 12:00-17:00"]);
    assert_eq!(windows("Donnerstagnachmittag?"), ["Thu 10 12:00-17:00"]);
    assert_eq!(
        windows("am Donnerstag am Vormittag"),
        ["Thu 10 09:00-12:00"]
    );
    assert_eq!(exact("nächste Woche Dienstag um 10"), "Tue 15 10:00");
    assert_eq!(windows("am Freitag ab 14 Uhr"), ["Fri 11 14:00-00:00"]);
    assert_eq!(windows("übermorgen vormittags"), ["Wed 09 09:00-12:00"]);
    assert_eq!(windows("morgen früh"), ["Tue 08 09:00-12:00"]);
    assert_eq!(exact("am 10.12. um 14 Uhr"), "Thu 10 14:00");
    assert_eq!(
        windows("Mittwoch zwischen 14 und 16 Uhr"),
        ["Wed 09 14:00-16:00"]
    );
}

#[test]
fn days_the_visitor_is_away_do_not_count() {
    for text in [
        "I'm out this week. Next week Tuesday at 11?",
        "we're away this week. next week tuesday 11am works",
        "I am out of office this week. Tuesday next week at 11?",
        "On vacation this week. Next week Tuesday at 11?",
        "this week is packed, next week tuesday at 11 works",
    ] {
        assert_eq!(exact(text), "Tue 15 11:00", "{text}");
    }
    let next_week = windows("none of those work, this week is packed. anything next week?");
    assert!(next_week.iter().all(|w| w[4..6] >= *"14"), "{next_week:?}");
}

#[test]
fn tomorrow_is_the_visitor_s_tomorrow() {
    // Monday 09:00 in New York is already Tuesday in Sydney.
    let sydney = TimeZone::get("Australia/Sydney").unwrap();
    let proposal = read_proposal("tomorrow 9am my time?", now(), &sydney).unwrap();
    let start = sydney.to_datetime(proposal.exact.unwrap());
    assert_eq!(start.strftime("%a %d %H:%M").to_string(), "Wed 09 09:00");
}

#[test]
fn only_the_clauses_that_say_yes_count() {
    assert_eq!(
        exact("I can't do Thursday, but Friday at 2 works"),
        "Fri 11 14:00"
    );
    assert_eq!(
        exact("Thursday doesn't work. How about Friday at 10?"),
        "Fri 11 10:00"
    );
    assert_eq!(
        exact("Not sure about that, maybe Friday at 10?"),
        "Fri 11 10:00"
    );
    assert!(read("Thursday doesn't work for me").is_none());
    assert!(read("I'm busy on Friday").is_none());
    assert!(read("no puedo el jueves").is_none());
    assert!(read("Donnerstag geht leider nicht").is_none());
}

#[test]
fn picks_from_a_list_are_not_proposals() {
    for text in [
        "2",
        "#2",
        "option 2",
        "the 2nd",
        "2nd",
        "second",
        "the first one",
        "the second one",
        "1st",
        "3rd one pls",
        "last one",
        "number three",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}

#[test]
fn messages_without_a_day_or_time_are_not_proposals() {
    for text in [
        "",
        "?!",
        "I'm free",
        "I'm free any time",
        "whenever suits you",
        "I'm in Chicago",
        "Nice to meet you",
        "That is central to our business",
        "Before I pick, what's the first step after the call?",
        "Quick question first: do you support SSO?",
        "What happens after the call?",
        "We have 40 reps and 3 managers",
        "budget is 20.000 € per year",
        "It costs 2.50 per seat",
        "after 2 weeks of trial we decide",
        "We'd like a demo",
        "c'mon, really?",
        "May I ask something?",
        "Good morning!",
        "good afternoon, I have a question",
        "Buenas tardes",
        "Guten Morgen, ich habe eine Frage",
        "about 5 people will join",
        "we want to start next month",
        "We're aiming for Q1",
        "We want to go live next week",
        "we plan to start next week",
        "I'll think about it and get back to you tomorrow",
        "yesterday at 3pm was great",
        "last thursday at 3 we spoke",
        "today at 8am",
        "March 20",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}

#[test]
fn a_meeting_next_week_is_a_proposal_even_when_a_project_is_mentioned() {
    assert!(read("We start next week, can we talk Thursday?").is_some());
    assert!(read("can we meet next week?").is_some());
}

#[test]
fn the_spring_change_keeps_local_time() {
    // Wednesday 10 March 2027; New York moves to EDT on Sunday 14 March.
    let now: Timestamp = "2027-03-10T14:00:00Z".parse().unwrap();
    let proposal = read_proposal("Monday at 10am", now, &new_york()).unwrap();
    assert_eq!(proposal.exact.unwrap().to_string(), "2027-03-15T14:00:00Z");
    let before = read_proposal("Friday at 10am", now, &new_york()).unwrap();
    assert_eq!(before.exact.unwrap().to_string(), "2027-03-12T15:00:00Z");
    // The day of the change is 23 hours long.
    let sunday = read_proposal("Sunday", now, &new_york()).unwrap();
    let (from, to) = sunday.windows[0];
    assert_eq!(to.duration_since(from).as_hours(), 23);
}

#[test]
fn the_autumn_change_keeps_local_time() {
    // Thursday 29 October 2026; New York returns to EST on Sunday 1 November.
    let now: Timestamp = "2026-10-29T14:00:00Z".parse().unwrap();
    let proposal = read_proposal("Monday at 10am", now, &new_york()).unwrap();
    assert_eq!(proposal.exact.unwrap().to_string(), "2026-11-02T15:00:00Z");
    let sunday = read_proposal("Sunday", now, &new_york()).unwrap();
    let (from, to) = sunday.windows[0];
    assert_eq!(to.duration_since(from).as_hours(), 25);
}

#[test]
fn windows_stay_within_sixty_days() {
    let proposal = read("next week").unwrap();
    let until = now().checked_add(HORIZON).unwrap();
    assert!(
        proposal
            .windows
            .iter()
            .all(|(from, to)| *from >= now() && *to <= until)
    );
    assert!(read("February 10").is_none());
    assert!(read("January 30").is_some());
}

#[test]
fn typos_and_loose_times() {
    assert_eq!(exact("tomorow at 3pm"), "Tue 08 15:00");
    assert_eq!(exact("thrusday 3pm"), "Thu 10 15:00");
    assert_eq!(windows("wensday morning"), ["Wed 09 09:00-12:00"]);
    assert_eq!(exact("firday @ 10am"), "Fri 11 10:00");
    assert_eq!(exact("Thurs 11ish"), "Thu 10 11:00");
    assert_eq!(exact("around 3ish tomorrow"), "Tue 08 15:00");
    assert_eq!(exact("THURSDAY 3"), "Thu 10 15:00");
    assert_eq!(exact("Monday the 14th at 2"), "Mon 14 14:00");
    assert_eq!(exact("Let's aim for Wed the 9th at 1pm"), "Wed 09 13:00");
}

#[test]
fn answers_and_corrections_that_carry_a_time() {
    assert_eq!(exact("yes, tomorrow at 10 works"), "Tue 08 10:00");
    assert_eq!(exact("No, Thursday at 2pm"), "Thu 10 14:00");
    assert_eq!(exact("send me an invite for Thursday 11am"), "Thu 10 11:00");
    // 8am today has passed: tomorrow's.
    assert_eq!(exact("Can you do 8am?"), "Tue 08 08:00");
    assert_eq!(windows("I prefer afternoons"), ["Mon 07 12:00-17:00"]);
}

#[test]
fn several_times_give_several_windows_and_no_exact_time() {
    let both = read("thursday 2pm or 3pm").unwrap();
    assert_eq!(both.windows.len(), 2);
    assert_eq!(both.exact, None);
    assert_eq!(
        windows("Thursday or Friday morning"),
        ["Thu 10 09:00-12:00", "Fri 11 09:00-12:00"]
    );
    assert_eq!(
        windows("next tuesday or wednesday afternoon"),
        ["Tue 08 12:00-17:00", "Wed 09 12:00-17:00"]
    );
}

#[test]
fn numbers_that_are_not_times() {
    for text in [
        "I'm at 3 calls a day",
        "call me at 212 555 1234",
        "We have 2-3 people",
        "version 2.0 is out",
        "Can we do it in 2 weeks?",
        "We have about 200 people and need it by March",
        "I need it by the end of the month",
        "I'll send the contract by end of day",
        "What are your prices for 20 users?",
        "Our budget is about 15k EUR",
        "15.000 € im Jahr",
        "20.000 dólares",
        "Are you open on weekends?",
        "What time zone are you in?",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}
