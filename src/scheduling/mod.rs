//! Meeting availability: free slots, the visitor's choice among offered slots, the times and
//! zones a visitor proposes in their own words, iCalendar.

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
