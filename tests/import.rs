//! `synaptiq import leads` of the files people bring: the exports of HubSpot, Salesforce,
//! Pipedrive and Google Contacts, with their own column names, and any other file with
//! `--map COLUMN=FIELD`. Run as the real executable (CONTRACT §1).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::binary::{Output, ok, run, synaptiq, with_dir};

/// (name, email, phone, company) of each exported lead, sorted by email.
fn exported(dir: &Path) -> Vec<[String; 4]> {
    let out = ok(dir, &["export", "leads"]).stdout;
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let mut leads: Vec<[String; 4]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [1, 2, 3, 4].map(|i| r[i].to_owned())
        })
        .collect();
    leads.sort_by(|a, b| a[1].cmp(&b[1]));
    leads
}

fn import(dir: &Path, file_text: &str, args: &[&str]) -> Output {
    let file = dir.join("import.csv");
    std::fs::write(&file, file_text).unwrap();
    let mut all = vec!["import", "leads", file.to_str().unwrap()];
    all.extend(args);
    let data = dir.join("data");
    run(synaptiq(&with_dir(&data, &all), &[]))
}

fn lead(name: &str, email: &str, phone: &str, company: &str) -> [String; 4] {
    [name, email, phone, company].map(str::to_owned)
}

/// Header rows as the vendors write them; the rows' values are made up.
const HUBSPOT: &str = "\"Record ID\",\"First Name\",\"Last Name\",\"Email\",\"Phone Number\",\
\"Contact owner\",\"Primary Associated Company ID\",\"Last Activity Date\",\"Lead Status\",\
\"Marketing contact status\",\"Create Date\",\"Associated Company\",\"Company Name\",\
\"Mobile Phone Number\"
\"51\",\"Ada\",\"Lovelace\",\"ada@engines.example\",\"+44 20 7946 0001\",\"owner@x.example\",\
\"9001\",\"\",\"OPEN\",\"Marketing contact\",\"2026-03-01 10:00\",\"Engines Plc\",\"Analytical Engines\",\"\"
\"52\",\"Grace\",\"\",\"grace@navy.example\",\"\",\"\",\"\",\"\",\"NEW\",\"\",\"2026-03-02 10:00\",\
\"US Navy\",\"\",\"+1 555 0102\"
";

const SALESFORCE_LEADS: &str = "\"First Name\",\"Last Name\",\"Title\",\"Company / Account\",\
\"Email\",\"Phone\",\"Mobile\",\"Lead Source\",\"Lead Status\",\"Lead Owner\"
\"Alan\",\"Turing\",\"Researcher\",\"'Tis Computing Ltd\",\"alan@bletchley.example\",\
\"+44 1908 640404\",\"\",\"Web\",\"Open - Not Contacted\",\"Joan Clarke\"
";

const SALESFORCE_CONTACTS: &str = "\"First Name\",\"Last Name\",\"Account Name\",\"Title\",\
\"Email\",\"Phone\",\"Mobile\",\"Mailing City\",\"Contact Owner\"
\"Katherine\",\"Johnson\",\"NASA Langley\",\"Mathematician\",\"katherine@nasa.example\",\"\",\
\"+1 757 864 1000\",\"Hampton\",\"Dorothy Vaughan\"
";

const PIPEDRIVE: &str = "Person - Name,Person - First name,Person - Last name,\
Person - Organization,Person - Email - Work,Person - Email - Home,Person - Phone - Work,\
Person - Phone - Mobile,Person - Label,Person - Owner
Edsger W. Dijkstra,Edsger,Dijkstra,Mathematisch Centrum,,edsger@home.example,,+31 20 592 9333,Hot lead,Tony
Barbara Liskov,Barbara,Liskov,MIT,barbara@mit.example,barbara@home.example,+1 617 253 1000,,,Tony
";

const GOOGLE_CONTACTS: &str = "First Name,Middle Name,Last Name,Phonetic First Name,\
Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,\
Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,\
E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value
Margaret,,Hamilton,,,,,,,,Draper Lab,Director,,,,,* myContacts,* Work,margaret@draper.example,Mobile,+1 617 258 8000
";

/// Google's older export ("Google CSV").
const GOOGLE_CONTACTS_LEGACY: &str = "Name,Given Name,Additional Name,Family Name,Yomi Name,\
Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,\
Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,\
Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,\
Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,\
Organization 1 - Type,Organization 1 - Name,Organization 1 - Title
Frances Allen,Frances,,Allen,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,* Work,fran@ibm.example,Work,+1 914 945 3000,,IBM Research,Fellow
";

#[test]
fn crm_exports_import_with_their_own_column_names() {
    let cases: [(&str, &str, Vec<[String; 4]>); 6] = [
        (
            "HubSpot",
            HUBSPOT,
            vec![
                lead(
                    "Ada Lovelace",
                    "ada@engines.example",
                    "+44 20 7946 0001",
                    "Analytical Engines",
                ),
                lead("Grace", "grace@navy.example", "+1 555 0102", "US Navy"),
            ],
        ),
        (
            "Salesforce leads",
            SALESFORCE_LEADS,
            vec![lead(
                "Alan Turing",
                "alan@bletchley.example",
                "+44 1908 640404",
                "'Tis Computing Ltd",
            )],
        ),
        (
            "Salesforce contacts",
            SALESFORCE_CONTACTS,
            vec![lead(
                "Katherine Johnson",
                "katherine@nasa.example",
                "+1 757 864 1000",
                "NASA Langley",
            )],
        ),
        (
            "Pipedrive",
            PIPEDRIVE,
            vec![
                lead(
                    "Barbara Liskov",
                    "barbara@mit.example",
                    "+1 617 253 1000",
                    "MIT",
                ),
                lead(
                    "Edsger W. Dijkstra",
                    "edsger@home.example",
                    "+31 20 592 9333",
                    "Mathematisch Centrum",
                ),
            ],
        ),
        (
            "Google Contacts",
            GOOGLE_CONTACTS,
            vec![lead(
                "Margaret Hamilton",
                "margaret@draper.example",
                "+1 617 258 8000",
                "Draper Lab",
            )],
        ),
        (
            "Google Contacts (legacy)",
            GOOGLE_CONTACTS_LEGACY,
            vec![lead(
                "Frances Allen",
                "fran@ibm.example",
                "+1 914 945 3000",
                "IBM Research",
            )],
        ),
    ];
    for (vendor, file, expected) in cases {
        let dir = tempfile::tempdir().unwrap();

        let out = import(dir.path(), file, &[]);

        assert!(out.status.success(), "{vendor}: {}", out.stderr);
        assert!(
            out.stderr.contains("Ignored ") && out.stderr.contains("--map COLUMN=FIELD"),
            "{vendor}: the columns left out are named: {}",
            out.stderr
        );
        assert_eq!(exported(&dir.path().join("data")), expected, "{vendor}");
    }
}

#[test]
fn map_names_any_column_for_a_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = "Contact,Work Mail,Organisation,Tel,email\n\
                Hedy Lamarr,hedy@mgm.example,MGM,+1 310 555 0100,old@mgm.example\n";

    let out = import(
        dir.path(),
        file,
        &[
            "--map",
            "Contact=name",
            "--map",
            "work mail=email",
            "--map",
            "Organisation=company",
            "--map",
            "Tel=phone",
        ],
    );

    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        exported(&dir.path().join("data")),
        [lead(
            "Hedy Lamarr",
            "hedy@mgm.example",
            "+1 310 555 0100",
            "MGM"
        )]
    );
}

#[test]
fn a_map_to_an_unknown_field_or_column_exits_2_naming_it() {
    let file = "Contact,Mail\nHedy Lamarr,hedy@mgm.example\n";
    for (map, says) in [
        ("Mail=fax", "unknown field \"fax\" (fields: name, firstName"),
        (
            "Fax=phone",
            "no column \"Fax\" in the header (columns: Contact, Mail)",
        ),
        ("Mail", "\"Mail\" is not COLUMN=FIELD"),
    ] {
        let dir = tempfile::tempdir().unwrap();

        let out = import(dir.path(), file, &["--map", "Contact=name", "--map", map]);

        assert_eq!(out.status.code(), Some(2), "{map}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("synaptiq: --map: {says}")),
            "{map}: {}",
            out.stderr
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let unmapped = import(dir.path(), file, &[]);
    assert_eq!(unmapped.status.code(), Some(2), "{}", unmapped.stderr);
    assert!(
        unmapped
            .stderr
            .contains("a name column (or first and last name columns) is required")
            && unmapped.stderr.contains("--map COLUMN=FIELD"),
        "{}",
        unmapped.stderr
    );
}
