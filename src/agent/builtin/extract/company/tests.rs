use super::*;

#[test]
fn companies() {
    check(
        &[
            ("I'm Jane from Acme", Some("Acme")),
            ("I am Jane Smith, CTO at Acme Corp", Some("Acme Corp")),
            ("this is Bob with Globex", Some("Globex")),
            ("Hi there! Jane here from Acme Corp.", Some("Acme Corp")),
            ("im jane from acme", Some("acme")),
            ("I'm Jane, head of growth at Acme.", Some("Acme")),
            ("I work at Initech", Some("Initech")),
            ("we're Initech", Some("Initech")),
            ("company is Initech Ltd", Some("Initech Ltd")),
            ("from Acme Corp.", Some("Acme Corp")),
            ("no, the company is Acme Inc", Some("Acme Inc")),
            ("I work for Bank of America", Some("Bank of America")),
            ("my company name is Acme", Some("Acme")),
            ("Jane, head of sales at Acme", Some("Acme")),
            ("i work at acme corp as a developer", Some("acme corp")),
            ("I'm an SDR at Acme", Some("Acme")),
            ("Anna from Initech here", Some("Initech")),
            (
                "I'm Anna from the marketing team at Initech",
                Some("Initech"),
            ),
            ("our startup is called Flowbase", Some("Flowbase")),
            (
                "I'm reaching out on behalf of Northwind Traders",
                Some("Northwind Traders"),
            ),
            ("I represent Contoso Ltd.", Some("Contoso Ltd")),
            (
                "I'm Mohammed Al-Rashid, COO at Gulf Logistics LLC",
                Some("Gulf Logistics LLC"),
            ),
            ("I'm from Germany", None),
            ("we're a team of 12", None),
            ("we're looking for a CRM", None),
            ("we're small but growing", None),
            ("I heard about you from a friend", None),
            ("I'm at home right now", None),
            ("our company is growing fast", None),
            ("I'm Jane from London", None),
        ],
        |m| contact(m).company,
    );
}

#[test]
fn companies_from_more_cues_without_the_rest_of_the_sentence() {
    check(
        &[
            ("I'm Dana from Acme and we need a better CRM", Some("Acme")),
            ("im dana from acme and we need a crm", Some("acme")),
            ("Dana from Acme, we need help with leads", Some("Acme")),
            ("Hi, I'm Tom at Globex. Quick question", Some("Globex")),
            ("Acme Corp here, looking for pricing", Some("Acme Corp")),
            ("Hi! Northwind team here.", Some("Northwind")),
            (
                "Northwind Traders here. I'm Maria",
                Some("Northwind Traders"),
            ),
            ("I run Brightside, a small agency", Some("Brightside")),
            (
                "I own Keller Bakery and need a chatbot",
                Some("Keller Bakery"),
            ),
            ("I founded Flowbase in 2019", Some("Flowbase")),
            ("I work for Globex Corporation", Some("Globex Corporation")),
            ("i work for initech and we're hiring", Some("initech")),
            ("we're Initech and we need help", Some("Initech")),
            ("We are Hooli, 200 people", Some("Hooli")),
            ("I'm the founder of Pied Piper", Some("Pied Piper")),
            (
                "co-founder of Stark Industries here",
                Some("Stark Industries"),
            ),
            ("CEO of Wayne Enterprises", Some("Wayne Enterprises")),
            ("I'm in sales at Globex", Some("Globex")),
            ("I run marketing at Umbrella Corp", Some("Umbrella Corp")),
            ("trabajo en Telefónica", Some("Telefónica")),
            ("Hola, soy Javier de Acme", Some("Acme")),
            (
                "trabajo para Mercado Libre y necesitamos ayuda",
                Some("Mercado Libre"),
            ),
            (
                "mi empresa se llama Floristería Rosa",
                Some("Floristería Rosa"),
            ),
            ("ich arbeite bei Siemens", Some("Siemens")),
            (
                "Ich arbeite bei Müller GmbH und wir brauchen Hilfe",
                Some("Müller GmbH"),
            ),
            ("ich bin Jonas von Becker Logistik", Some("Becker Logistik")),
            ("unser Unternehmen heißt Nordlicht", Some("Nordlicht")),
            (
                "Sara Lopez from Brightside Agency",
                Some("Brightside Agency"),
            ),
            (
                "Hello, Oliver Grant here, Director of Customer Operations at Halden Home Insurance. oliver@x.io",
                Some("Halden Home Insurance"),
            ),
            (
                "Nina Park, nina.park@fernhillgroup.com - I'm at Fernhill Group",
                Some("Fernhill Group"),
            ),
            (
                "Hi, I'm Fatima Noor, VP Support at Greenleaf Home Goods.",
                Some("Greenleaf Home Goods"),
            ),
            (
                "Hey, Paul Martins, owner of Martins Auto Group. We have 4 dealerships",
                Some("Martins Auto Group"),
            ),
            (
                "from Bluefin HR, we're a payroll company",
                Some("Bluefin HR"),
            ),
            (
                "I am Claire Dubois, VP Customer Experience at Maison Lumen",
                Some("Maison Lumen"),
            ),
            (
                "ok. Ethan Brooks, ethan@copperleaf.example, from Copperleaf Insurance, we're 35 people",
                Some("Copperleaf Insurance"),
            ),
            (
                "Hi, I'm Rosa Jimenez, director of member services at Saguaro Credit Union, rosa@x.io",
                Some("Saguaro Credit Union"),
            ),
            (
                "Hi, I'm Lara Croft from Big Sky Media",
                Some("Big Sky Media"),
            ),
            (
                "Hallo! Ich bin Jürgen Weiß, Geschäftsführer der Müller & Söhne GmbH.",
                Some("Müller & Söhne GmbH"),
            ),
            (
                "Hola, soy María José Fernández, directora de operaciones en Grupo Alba.",
                Some("Grupo Alba"),
            ),
            (
                "Hallo! I'm Jan de Vries from Polderworks BV",
                Some("Polderworks BV"),
            ),
            ("I work at Acme Thanks to you", Some("Acme")),
            ("I'm Jane from Acme Today we need help", Some("Acme")),
            ("I'm VP of Client Services", None),
            (
                "sam rivera, sam@cobaltcoffee.co - we're cobalt coffee roasters",
                Some("Cobalt Coffee Roasters"),
            ),
            ("we're a marketing agency", None),
            ("we're a small design studio", None),
            ("we're growing fast", None),
            ("we're hiring more sales reps", None),
            ("Head of Customer Success here", None),
            // Not companies.
            ("I'm from Big Sky country", None),
            ("I run sales ops", None),
            ("I run a small team", None),
            ("i run webinars every week", None),
            ("we run Facebook ads", None),
            ("Do you have support for Salesforce?", None),
            ("is there support at weekends?", None),
            ("Jane here", None),
            ("Acme here", None),
            ("we're about 200 people", None),
            ("we're 200", None),
            ("I'm from Chicago", None),
            ("soy de Madrid", None),
            ("trabajo en casa", None),
            ("ich arbeite bei der Bank", None),
            ("I work at home", None),
            ("I'm at the office", None),
            ("let's meet at 3pm", None),
            ("Sure", None),
            ("just browsing", None),
        ],
        |m| contact(m).company,
    );
}
