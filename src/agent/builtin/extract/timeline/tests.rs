use super::*;

#[test]
fn timelines() {
    check(
        &[
            ("asap", Some(0)),
            ("right away", Some(0)),
            ("immediately", Some(0)),
            ("this week", Some(0)),
            ("this month", Some(1)),
            ("within a few weeks", Some(1)),
            ("in 2 weeks", Some(1)),
            ("next month", Some(1)),
            ("in 3 months", Some(3)),
            ("next quarter", Some(3)),
            ("this quarter", Some(3)),
            ("6 months", Some(6)),
            ("this year", Some(6)),
            ("by end of year", Some(6)),
            ("next year", Some(12)),
            ("just browsing", Some(24)),
            ("no rush", Some(24)),
            ("not sure", Some(24)),
            ("someday", Some(24)),
            ("no plans", Some(24)),
            ("3-6 months", Some(6)),
            ("in six months", Some(6)),
            ("within 90 days", Some(3)),
            ("not sure, maybe next quarter", Some(3)),
            ("a couple of months", Some(2)),
            ("not right away, maybe in 2 years", Some(24)),
            ("right now", Some(0)),
            ("we're using Salesforce right now", None),
            ("we have 200 people", None),
            ("hello", None),
            ("we've been using it for 6 months", None),
        ],
        timeline_months,
    );
}

fn on_dec_8(text: &str) -> Option<u32> {
    timeline_months_at(text, jiff::civil::date(2026, 12, 8))
}

#[test]
fn quarters_and_months_count_from_today() {
    check(
        &[
            ("Q1", Some(1)),
            ("in Q1", Some(1)),
            ("by the end of Q1", Some(4)),
            ("end of Q1", Some(4)),
            ("until Q2", Some(7)),
            ("in Q2 next year", Some(4)),
            ("q3", Some(7)),
            ("Q4", Some(0)),
            ("Q4 2027", Some(10)),
            ("first quarter", Some(1)),
            ("H1", Some(1)),
            ("H2", Some(0)),
            ("in March", Some(3)),
            ("by June", Some(6)),
            ("end of June", Some(6)),
            ("March", Some(3)),
            ("in December", Some(0)),
            ("by Jan", Some(1)),
            ("in May", Some(5)),
            ("before Christmas", Some(0)),
            ("after the summer", Some(7)),
            ("en marzo", Some(3)),
            ("a finales de junio", Some(6)),
            ("im März", Some(3)),
            ("bis Juni", Some(6)),
            ("im ersten Quartal", Some(1)),
            ("el primer trimestre", Some(1)),
            ("Q1, sorry, I meant Q2", Some(4)),
            ("not Q1 but Q2", Some(4)),
            ("we started in March", None),
            ("since June we use HubSpot", None),
            ("May I ask something?", None),
            ("we may switch", None),
            ("last March", None),
            ("jan", Some(1)),
            ("Sept.", Some(9)),
            ("January or February", Some(1)),
            ("in the new year, January ideally", Some(1)),
            ("we'd like to start in February", Some(2)),
            (
                "actually scratch that, not January - finance just told me it'll be September at the earliest",
                Some(9),
            ),
            ("September at the latest", Some(9)),
            ("early next year, january-ish", Some(1)),
            ("early next year", Some(1)),
            ("mid next year", Some(6)),
            ("early 2027", Some(1)),
            ("next year", Some(12)),
            (
                "our budget is around 1,5 Mio EUR over three years. We want to start in January.",
                Some(1),
            ),
        ],
        on_dec_8,
    );
}

#[test]
fn timelines_in_other_words() {
    check(
        &[
            ("ASAP", Some(0)),
            ("right away", Some(0)),
            ("next year", Some(12)),
            ("in a couple of weeks", Some(1)),
            ("in a couple weeks", Some(1)),
            ("el próximo mes", Some(1)),
            ("el mes que viene", Some(1)),
            ("nächsten Monat", Some(1)),
            ("sofort", Some(0)),
            ("ab sofort", Some(0)),
            ("lo antes posible", Some(0)),
            ("en 3 meses", Some(3)),
            ("en dos semanas", Some(1)),
            ("in drei Monaten", Some(3)),
            ("in 6 Monaten", Some(6)),
            ("nächstes Jahr", Some(12)),
            ("el año que viene", Some(12)),
            ("no sé todavía", Some(24)),
            ("keine Ahnung", Some(24)),
            ("actually next month, not next year", Some(1)),
            ("vor 3 Monaten", None),
            ("hace 2 meses", None),
        ],
        on_dec_8,
    );
}
