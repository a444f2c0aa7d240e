//! What one visitor message does, read before the agent acts: asks a question, proposes or
//! picks a meeting time, asks for a meeting or a person, cancels or moves a meeting, says who the visitor is
//! (job seeker, customer needing support, student, vendor, competitor), declines, browses,
//! greets, thanks, or is hostile.
//!
//! Pure and deterministic: no state, no knowledge of what the agent just offered. The flow
//! combines a `Reading` with its own state (`Pick::Accept` means something only while one time
//! is on offer). Precision beats recall where a wrong reading acts on the visitor's behalf: a
//! question is never a pick, and a pick needs an explicit choice.
//!
//! The text is folded once (lower case, accents and apostrophes normalised), split into
//! clauses, and read with regexes compiled once; a turn costs a few microseconds.

mod meeting;
mod patterns;
mod person;
mod pick;
mod social;
mod text;
mod time;
mod visitor;

#[cfg(test)]
mod tests;

use text::Clause;

/// What one visitor message does. Several flags can hold at once ("thanks! what about SSO?"
/// asks; "no thanks, bye" declines and says goodbye).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// Asks something that needs an answer ("pricing?", "before I pick, do you support SSO?").
    /// Proposals ("could we do Thursday at 2pm?"), booking requests ("can we book the first
    /// one?"), meeting changes and requests for a person are read by their own fields instead.
    pub asks: bool,
    /// Names a day or time for a meeting ("how about tomorrow at 3?", "Thursday afternoon",
    /// "next week", "dienstag um 15 uhr"). Only says a time word is there: the time itself is
    /// read by the scheduling parser.
    pub proposes_time: bool,
    /// An explicit choice from an offered list; never from a message that asks something.
    pub picks: Option<Pick>,
    /// Asks for a demo or call ("can I get a demo?", "I'd like to book a call"), with or
    /// without a time; not a question for the notes.
    pub wants_meeting: bool,
    /// Asks for a human ("can I talk to a real person?", "is this a bot? I want a human",
    /// "agent please"). "Are you a bot?" alone only `asks`: the agent answers it.
    pub wants_person: bool,
    /// Cancels or moves an existing meeting.
    pub meeting: Option<MeetingChange>,
    /// Says they are not a buyer; `None` for buyers and anyone who does not say.
    pub visitor: Option<VisitorKind>,
    /// Refuses what was offered or asked ("no thanks", "none of those work", "I'll pass").
    pub declines: bool,
    /// "just browsing", "just looking around".
    pub just_browsing: bool,
    /// Nothing but a greeting ("hi", "hello there", "hola").
    pub greeting_only: bool,
    /// Nothing but thanks or goodbye, with courtesy words ("thanks, that's all!", "bye").
    pub thanks_or_bye: bool,
    /// Insults, profanity, spam or keyboard-mash gibberish.
    pub hostile: bool,
}

/// Which offered time the visitor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// By place in the list, 0-based: "2", "#2", "option 2", "the second one", "the first".
    Index(usize),
    /// "last one", "the last".
    Last,
    /// Agrees to the one time on offer: "that works", "perfect", "yes, book it".
    Accept,
    /// Names the slot instead of its place: "the Thursday one", "yes, the 10am", "Tuesday
    /// works". Resolve it against the offered list with `scheduling::choice::parse_choice`.
    Described,
}

/// A change to a meeting already booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingChange {
    /// "please cancel the Tuesday call", "I can't make it, cancel".
    Cancel,
    /// "can we move it to Friday?", "something came up, can we do another time?". When it
    /// names the new time, `proposes_time` is set too.
    Move,
}

/// A visitor who is not here to buy, so qualification questions do not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitorKind {
    JobSeeker,
    /// An existing customer with a problem (outage, login, billing).
    SupportCustomer,
    Student,
    Vendor,
    Competitor,
}

/// Reads what one visitor message does.
pub fn read(text: &str) -> Reading {
    let folded = text::fold(text);
    let clauses = text::clauses(&folded);
    let about_meeting = time::about_meeting(&folded);
    let meeting = meeting::change(&folded, &clauses);
    let wants_person = clauses.iter().any(|c| person::asks_for_person(c.text));
    let hostile = social::hostile(&folded);
    let declines = social::declines(&clauses);
    let proposals: Vec<bool> = clauses
        .iter()
        .map(|c| time::is_proposal(c, about_meeting))
        .collect();
    let proposes_time = meeting != Some(MeetingChange::Cancel) && proposals.contains(&true);
    // "the 16:00 slot, would that work?": the tag asks about the proposal, nothing else.
    let tag = |c: &Clause<'_>| proposes_time && time::is_confirm_tag(c.text);
    let asks = clauses
        .iter()
        .zip(&proposals)
        .any(|(c, &proposal)| !proposal && !tag(c) && asks_in(c) && !hostile_only(c, hostile));
    // A '?' anywhere, other than in a booking request or a proposal, rules out a pick.
    let questioned = clauses.iter().zip(&proposals).any(|(c, &proposal)| {
        c.question && !proposal && !tag(c) && !pick::is_booking_request(c.text)
    });
    let picks = if asks || questioned || declines || hostile || wants_person || meeting.is_some() {
        None
    } else {
        pick::pick(&clauses)
    };
    Reading {
        asks,
        proposes_time,
        picks,
        wants_meeting: meeting.is_none() && clauses.iter().any(|c| meeting::wants_meeting(c.text)),
        wants_person,
        meeting,
        visitor: visitor::kind(&folded),
        declines,
        just_browsing: social::just_browsing(&clauses),
        greeting_only: social::greeting_only(text, &folded),
        thanks_or_bye: social::thanks_or_bye(&clauses),
        hostile,
    }
}

/// Whether a clause that proposes no time asks something that needs an answer, rather than
/// booking, changing a meeting or asking for a meeting or a person in question form.
fn asks_in(clause: &Clause<'_>) -> bool {
    (text::is_asking(clause) || person::asks_if_bot(clause.text))
        && !text::is_trivial_question(clause.text)
        && !pick::is_booking_request(clause.text)
        && !meeting::is_change_request(clause.text)
        && !meeting::wants_meeting(clause.text)
        && !person::asks_for_person(clause.text)
}

/// "wtf?" is abuse, not a question to answer.
fn hostile_only(clause: &Clause<'_>, hostile: bool) -> bool {
    hostile && social::hostile(clause.text) && clause.text.split_whitespace().count() <= 4
}
