//! Meeting availability: free slots, the visitor's choice among offered slots, iCalendar.

pub mod choice;
pub mod ics;
pub mod slots;

pub use slots::{Availability, Slot, describe, free_slots};
