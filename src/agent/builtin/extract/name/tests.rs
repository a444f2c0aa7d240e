use super::*;

#[test]
fn names() {
    check(
        &[
            ("I'm Jane from Acme", Some("Jane")),
            ("I am Jane Smith, CTO at Acme Corp", Some("Jane Smith")),
            ("my name is jane smith", Some("Jane Smith")),
            ("this is Bob with Globex", Some("Bob")),
            ("Jane here", Some("Jane")),
            ("Hi there! Jane here from Acme Corp.", Some("Jane")),
            ("name's Jane", Some("Jane")),
            ("call me Jane", Some("Jane")),
            ("im jane from acme", Some("Jane")),
            ("hey its sarah", Some("Sarah")),
            ("My name is José Álvarez", Some("José Álvarez")),
            ("my name is mary-jane o'neil", Some("Mary-Jane O'Neil")),
            ("Hello, I’m Priya and I need a better CRM", Some("Priya")),
            ("I'm interested. My name is Ann Lee", Some("Ann Lee")),
            ("Anna from Initech here", Some("Anna")),
            ("I AM BOB FROM ACME", Some("Bob")),
            ("name: Jane Doe, company: Acme", Some("Jane Doe")),
            (
                "I'm Mohammed Al-Rashid, COO at Gulf Logistics LLC",
                Some("Mohammed Al-Rashid"),
            ),
            ("Hello, this is Synaptiq right?", None),
            ("It's Acme", None),
            ("I'm interested", None),
            ("I'm looking for a CRM", None),
            ("I'm not sure", None),
            ("I am the CTO", None),
            ("I'm from Germany", None),
            ("I'm just browsing", None),
            ("this is great", None),
            ("I'm happy with the price", None),
            ("call me tomorrow", None),
            ("im trying to automate lead capture", None),
            ("I'm wondering about pricing", None),
            ("I'm the founder", None),
            ("im good thanks", None),
            ("I'm 34", None),
            ("I'm based in London", None),
            ("I'm German", None),
            ("what is this?", None),
            ("my company name is Acme", None),
            ("actually it's jane.smith@acme.com", None),
        ],
        |m| contact(m).name,
    );
}

#[test]
fn no_names_from_common_replies() {
    check(
        &[
            ("just browsing", None::<&str>),
            ("Just browsing", None),
            ("just looking", None),
            ("Just looking, thanks", None),
            ("i said no", None),
            ("I said no", None),
            ("not interested", None),
            ("no thanks", None),
            ("Sure", None),
            ("Yes", None),
            ("Thanks", None),
            ("Hola", None),
            ("Guten Tag", None),
            ("Im fine", None),
            ("I'm good", None),
            ("I'm interested in your pricing", None),
            ("I'm looking for a CRM", None),
            ("I'm the CEO", None),
            ("I'm in Chicago", None),
            ("Budget: 15.000 € im Jahr", None),
            ("wir zahlen 2.500 pro Monat, im Team sind 8", None),
            ("20.000 dólares al año", None),
            ("Hola, soy nuevo aquí", None),
            ("soy el CEO", None),
            ("ich bin Geschäftsführer", None),
            ("ich bin interessiert", None),
            ("ich bin aus Berlin", None),
            ("Guten Tag, ich bin auf der Suche nach einem CRM", None),
            ("im Moment nicht", None),
        ],
        |m| contact(m).name,
    );
}

#[test]
fn spanish_and_german_names_keep_their_accents() {
    check(
        &[
            ("me llamo Lucía Fernández", Some("Lucía Fernández")),
            ("Hola, me llamo lucía fernández", Some("Lucía Fernández")),
            ("soy Javier", Some("Javier")),
            ("Hola, soy Javier de Acme", Some("Javier")),
            ("mi nombre es José Ángel Núñez", Some("José Ángel Núñez")),
            ("ich bin Jonas Becker", Some("Jonas Becker")),
            (
                "Guten Tag, ich bin Jonas Becker von Becker Logistik",
                Some("Jonas Becker"),
            ),
            ("mein Name ist Anna Schmidt", Some("Anna Schmidt")),
            ("Mein Name ist Jürgen Weiß", Some("Jürgen Weiß")),
            ("ich heiße Zoë Müller", Some("Zoë Müller")),
            ("hi im jane", Some("Jane")),
            ("ok im Jane from Acme", Some("Jane")),
            ("Dana from Acme, we need help with leads", Some("Dana")),
            (
                "my name is Jon, sorry, actually my name is John",
                Some("John"),
            ),
            ("sorry, it's John", Some("John")),
            ("actually, it's Jon with no h", Some("Jon")),
            ("typo: my name is Lucía", Some("Lucía")),
            ("actually it's jane.smith@acme.com", None),
            ("sorry, it's late here", None),
        ],
        |m| contact(m).name,
    );
}

#[test]
fn full_names_opening_a_message_like_a_signature() {
    check(
        &[
            (
                "Hey. Jordan Ellis, head of growth at Tinkerbox. jordan@tinkerbox.io",
                Some("Jordan Ellis"),
            ),
            (
                "Hey, Paul Martins, owner of Martins Auto Group.",
                Some("Paul Martins"),
            ),
            (
                "ok fine. Ben Ortiz, ben@ortizroofing.com",
                Some("Ben Ortiz"),
            ),
            (
                "fine, it's Grace Liu, grace@ledgerly.example",
                Some("Grace Liu"),
            ),
            (
                "Hi - Victor Lindqvist, Director of Support at Nordhavn Shipping",
                Some("Victor Lindqvist"),
            ),
            (
                "Good afternoon. Pieter van Dijk, Head of CX at Kroonveld Energie",
                Some("Pieter van Dijk"),
            ),
            (
                "G'day, Liam O'Connor here, founder of Saltbush Travel",
                Some("Liam O'Connor"),
            ),
            (
                "nice. I'm Dev Patel, Director of Revenue Operations at Quillstack",
                Some("Dev Patel"),
            ),
            (
                "Hallo! I'm Jan de Vries from Polderworks BV",
                Some("Jan de Vries"),
            ),
            (
                "my name is Ludwig van der Berg",
                Some("Ludwig van der Berg"),
            ),
            ("Hola, soy Javier de Acme", Some("Javier")),
            // Not names.
            ("Tallgrass Print, we do custom printing", None),
            ("Keystone Properties. tenants email us", None),
            ("Becker Freight - our dispatch team juggles emails", None),
            ("Sales Director, Acme", None),
            ("I'm Sales Director at Acme", None),
            ("Big Sky Media, head office in Denver", None),
        ],
        |m| contact(m).name,
    );
}

#[test]
fn name_corrections() {
    check(
        &[
            (
                "oops autocorrect, it's Siobhan, not Siobahn",
                Some("Siobhan"),
            ),
            (
                "actually please use my full name, Katherine Brown",
                Some("Katherine Brown"),
            ),
            ("sorry, autocorrected: it's Niamh", Some("Niamh")),
            ("my first name, Jon, has no h", Some("Jon")),
        ],
        |m| contact(m).name,
    );
}
