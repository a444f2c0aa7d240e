//! Meeting availability: free slots, the visitor's choice among offered slots, the times and
//! zones a visitor proposes in their own words, iCalendar.
//!
//! A turn with a free-form time: [`read_proposal`] in the visitor's zone, then
//! [`free_slots`] with `usize::MAX` and [`matching`], or [`nearest`] when nothing matches;
//! with no time named, [`spread`] picks the offers. Each slot is shown with
//! `describe(slot, visitor_zone, &label_of(visitor_zone))`; [`named_zone`] finds a zone the
//! visitor names ("I'm in Chicago") to remember for the conversation.

pub mod choice;
pub mod ics;
mod lexicon;
mod phrases;
pub mod proposal;
pub mod slots;
mod words;
pub mod zones;

pub use proposal::{Proposal, read_proposal};
pub use slots::{Availability, Slot, describe, free_slots, matching, nearest, spread};
pub use zones::{NamedZone, label, label_of, named_zone};
