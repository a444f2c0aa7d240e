//! Deterministic lead data from small word lists, so searches hit realistic numbers of leads
//! (a last name ≈ 1/40 of them, a company word ≈ 1/30) and every run indexes the same text.

const FIRST: [&str; 40] = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Maria",
    "Mark",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Donald",
    "Sandra",
    "Paul",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Donna",
    "José",
    "Aisha",
    "Wei",
    "Olga",
];

const LAST: [&str; 40] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Müller",
    "Kowalski",
    "Tanaka",
];

const COMPANY: [&str; 30] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Nova",
    "Aperture",
    "Massive",
    "Vehement",
    "Oscorp",
    "Gringotts",
    "Pied",
    "Dunder",
    "Sterling",
    "Prestige",
    "Monarch",
    "Zenith",
    "Orbital",
    "Quantum",
    "Blue",
    "Northwind",
    "Contoso",
    "Fabrikam",
];

const SUFFIX: [&str; 10] = [
    "Labs",
    "Systems",
    "Corp",
    "Industries",
    "Holdings",
    "Software",
    "Group",
    "Partners",
    "Analytics",
    "Logistics",
];

/// What a user types into the lead search box: whole words, prefixes being typed, and two
/// words. Both the server and the raw tantivy baseline answer exactly these.
pub const SEARCHES: [&str; 8] = [
    "smith",
    "garcia",
    "acme",
    "jen",
    "mar",
    "nova labs",
    "maria gar",
    "wil",
];

/// A lead as POSTed to /api/leads.
pub struct Lead {
    pub name: String,
    pub email: String,
    pub company: String,
}

impl Lead {
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "name": self.name, "email": self.email, "company": self.company })
    }
}

/// The lead numbered `seq`; the number makes its email unique.
pub fn lead(seq: u64) -> Lead {
    let h = mix(seq);
    let first = pick(&FIRST, h);
    let last = pick(&LAST, h >> 8);
    let company = pick(&COMPANY, h >> 16);
    let suffix = pick(&SUFFIX, h >> 24);
    Lead {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}{seq}@{}.example",
            ascii(first),
            ascii(last),
            company.to_lowercase()
        ),
        company: format!("{company} {suffix}"),
    }
}

/// A lead whose name holds a token no other lead has, so a search for it finds only this one.
pub fn probe(seq: u64) -> (Lead, String) {
    let mut lead = lead(seq);
    let token = format!("probe{seq:010}");
    lead.name = format!("{} {token}", lead.name);
    (lead, token)
}

pub fn pick<'a>(words: &[&'a str], h: u64) -> &'a str {
    // The lists are tiny, so the index always fits in usize.
    words[(h % words.len() as u64) as usize]
}

/// splitmix64: spreads consecutive numbers over the word lists without a random generator.
pub fn mix(seq: u64) -> u64 {
    let mut z = seq.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Email local parts stay ASCII (the server would accept more, but real addresses rarely are).
fn ascii(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'é' => 'e',
            'ü' => 'u',
            other => other,
        })
        .collect::<String>()
        .to_lowercase()
}
