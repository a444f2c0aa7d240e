//! The built-in agent's extraction patterns, over whatever a visitor may type.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synaptiq::agent::builtin::extract;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = std::str::from_utf8(data) else {
        return;
    };
    let contact = extract::contact(message);
    if let Some(email) = &contact.email {
        assert!(email.contains('@'), "{email:?} from {message:?}");
    }
    let _ = extract::company_size(message);
    let _ = extract::budget(message);
    let _ = extract::timeline_months(message);
    if let Some(role) = extract::role(message) {
        let _ = extract::is_decision_maker(&role);
    }
    let _ = extract::need(message);
    let _ = extract::yes_no(message);
    let _ = extract::is_question(message);
    let _ = extract::volunteered(message);
    for field in ["need", "companySize", "role", "budget", "timeline"] {
        let _ = extract::answer_to(field, message);
    }
});
