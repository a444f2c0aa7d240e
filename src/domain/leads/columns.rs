//! Which lead field each column of an imported CSV fills: the export's own columns, the
//! column names of the CRM exports people bring (HubSpot, Salesforce, Pipedrive, Google
//! Contacts), and the columns the caller maps by hand (`--map COLUMN=FIELD`).

use super::csv::HEADER;
use crate::error::{Error, Result};

/// A lead field a column can fill. A first and a last name are joined into the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Id,
    Name,
    FirstName,
    LastName,
    Email,
    Phone,
    Company,
    Status,
    Score,
    Qualification,
    Metadata,
    Source,
    CreatedAt,
    UpdatedAt,
}

/// The fields `--map` accepts, as the error lists them (`skip` ignores a column).
const FIELDS: &str = "name, firstName, lastName, email, phone, company, status, score, \
                      qualification, metadata, source, id, createdAt, updatedAt, skip";

/// A column's name without case, spaces or punctuation: `E-mail 1 - Value` is `email1value`.
fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The field a `--map` names, or None for `skip`.
fn field(name: &str) -> Result<Option<Column>> {
    Ok(Some(match key(name).as_str() {
        "skip" | "ignore" => return Ok(None),
        "firstname" => Column::FirstName,
        "lastname" => Column::LastName,
        other => match own(other) {
            Some(column) => column,
            None => {
                return Err(Error::invalid(
                    "--map",
                    format!("unknown field {name:?} (fields: {FIELDS})"),
                ));
            }
        },
    }))
}

/// The export's columns, and `score` for the score.
fn own(key: &str) -> Option<Column> {
    Some(match key {
        "id" => Column::Id,
        "name" => Column::Name,
        "email" => Column::Email,
        "phone" => Column::Phone,
        "company" => Column::Company,
        "status" => Column::Status,
        "score" | "qualificationscore" => Column::Score,
        "qualification" => Column::Qualification,
        "metadata" => Column::Metadata,
        "source" => Column::Source,
        "createdat" => Column::CreatedAt,
        "updatedat" => Column::UpdatedAt,
        _ => return None,
    })
}

/// Column names of CRM exports, and their rank when a file has several for one field (a
/// work email before a home one, a phone before a mobile). Taken from the exports' own
/// headers: HubSpot (`First Name`, `Email`, `Phone Number`, `Mobile Phone Number`,
/// `Company Name`, `Associated Company`), Salesforce reports (`Company / Account`,
/// `Account Name`, `Mobile`), Pipedrive (`Person - Email - Work`, `Person - Phone - Mobile`,
/// `Person - Organization`, `Organization - Name`) and Google Contacts (`Given Name`,
/// `E-mail 1 - Value`, `Phone 1 - Value`, `Organization 1 - Name`, `Organization Name`).
/// Their own ids (`Record ID`) and statuses (`Lead Status`) mean nothing here and are left
/// out.
fn vendor(key: &str) -> Option<(Column, u8)> {
    Some(match key {
        "fullname" | "personname" | "contactname" => (Column::Name, 0),
        "firstname" | "givenname" | "personfirstname" => (Column::FirstName, 0),
        "lastname" | "familyname" | "personlastname" => (Column::LastName, 0),
        "emailaddress" | "email1value" | "personemail" | "emailwork" | "personemailwork"
        | "workemail" => (Column::Email, 0),
        "emailhome" | "personemailhome" | "email2value" => (Column::Email, 1),
        "emailother" | "personemailother" | "email3value" => (Column::Email, 2),
        "phonenumber" | "phone1value" | "personphone" | "phonework" | "personphonework"
        | "workphone" | "businessphone" => (Column::Phone, 0),
        "mobile" | "mobilephone" | "mobilephonenumber" | "phonemobile" | "personphonemobile"
        | "phone2value" => (Column::Phone, 1),
        "phonehome" | "personphonehome" | "homephone" | "phoneother" | "personphoneother"
        | "phone3value" => (Column::Phone, 2),
        "companyname" | "companyaccount" | "accountname" | "organization" | "organizationname"
        | "organization1name" | "personorganization" => (Column::Company, 0),
        "associatedcompany" => (Column::Company, 1),
        _ => return None,
    })
}

/// How a header maps: each field's columns, best first, and the columns no field takes.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    /// (field, positions in the record, best first).
    fields: Vec<(Column, Vec<usize>)>,
    pub(super) ignored: Vec<String>,
}

impl Columns {
    /// Maps the header row. `map` pairs a column name with a field and wins over the names
    /// this module knows; a name or an email column is required.
    pub(super) fn new(header: &csv::StringRecord, map: &[(String, String)]) -> Result<Self> {
        let names: Vec<&str> = header
            .iter()
            .map(|n| n.trim_start_matches('\u{feff}').trim())
            .collect();
        let explicit = explicit(&names, map)?;
        // (field, rank, position); rank 0 is the caller's map.
        let mut taken: Vec<(Column, u8, usize)> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut ignored = Vec::new();
        for (position, name) in names.iter().enumerate() {
            let found = match explicit.iter().find(|(p, _)| *p == position) {
                Some((_, field)) => field.map(|f| (f, 0)),
                None => {
                    let key = key(name);
                    let found = own(&key).map(|f| (f, 0)).or_else(|| vendor(&key));
                    let found = found.map(|(f, rank)| (f, rank + 1));
                    if found.is_some() && keys.contains(&key) {
                        return Err(Error::invalid(
                            "CSV header",
                            format!("column {name:?} appears twice"),
                        ));
                    }
                    keys.push(key);
                    found
                }
            };
            match found {
                Some((field, rank)) => taken.push((field, rank, position)),
                None => ignored.push((*name).to_owned()),
            }
        }
        taken.sort_by_key(|&(_, rank, position)| (rank, position));
        let mut fields: Vec<(Column, Vec<usize>)> = Vec::new();
        for (field, _, position) in taken {
            match fields.iter_mut().find(|(f, _)| *f == field) {
                Some((_, positions)) => positions.push(position),
                None => fields.push((field, vec![position])),
            }
        }
        let columns = Self { fields, ignored };
        columns.require()?;
        Ok(columns)
    }

    fn require(&self) -> Result<()> {
        let named = [Column::Name, Column::FirstName, Column::LastName]
            .iter()
            .any(|f| self.has(*f));
        let missing = match (named, self.has(Column::Email)) {
            (false, _) => "a name column (or first and last name columns) is required",
            (true, false) => "an email column is required",
            (true, true) => return Ok(()),
        };
        Err(Error::invalid(
            "CSV header",
            format!(
                "{missing}; the export's columns are {}, and --map COLUMN=FIELD maps any other",
                HEADER.join(", ")
            ),
        ))
    }

    pub(super) fn has(&self, field: Column) -> bool {
        self.fields.iter().any(|(f, _)| *f == field)
    }

    /// The fields the file fills.
    pub(super) fn fields(&self) -> impl Iterator<Item = Column> + '_ {
        self.fields.iter().map(|(f, _)| *f)
    }

    /// The field's first non-empty cell of `record`, trimmed.
    pub(super) fn cell<'r>(&self, record: &'r csv::StringRecord, field: Column) -> Option<&'r str> {
        let (_, positions) = self.fields.iter().find(|(f, _)| *f == field)?;
        positions
            .iter()
            .filter_map(|&p| record.get(p))
            .map(str::trim)
            .find(|v| !v.is_empty())
    }
}

/// The caller's `COLUMN=FIELD` pairs as (position, field); each must name a column of the
/// header, and a field once.
fn explicit(names: &[&str], map: &[(String, String)]) -> Result<Vec<(usize, Option<Column>)>> {
    let mut explicit: Vec<(usize, Option<Column>)> = Vec::new();
    for (column, field_name) in map {
        let wanted = column.trim();
        let position = names
            .iter()
            .position(|n| *n == wanted)
            .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(wanted)))
            .ok_or_else(|| {
                Error::invalid(
                    "--map",
                    format!(
                        "no column {wanted:?} in the header (columns: {})",
                        names.join(", ")
                    ),
                )
            })?;
        let field = field(field_name)?;
        if explicit.iter().any(|(p, _)| *p == position) {
            return Err(Error::invalid(
                "--map",
                format!("column {wanted:?} is mapped twice"),
            ));
        }
        if field.is_some() && explicit.iter().any(|(_, f)| *f == field) {
            return Err(Error::invalid(
                "--map",
                format!("field {:?} is mapped twice", field_name.trim()),
            ));
        }
        explicit.push((position, field));
    }
    Ok(explicit)
}

/// Splits `--map`'s `COLUMN=FIELD` at its last `=` (a field name has none).
pub fn parse_map(pair: &str) -> Result<(String, String)> {
    match pair.rsplit_once('=') {
        Some((column, field)) if !column.trim().is_empty() && !field.trim().is_empty() => {
            Ok((column.to_owned(), field.to_owned()))
        }
        _ => Err(Error::invalid(
            "--map",
            format!("{pair:?} is not COLUMN=FIELD (e.g. \"Work Email=email\")"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(names.to_vec())
    }

    fn fields_of(names: &[&str]) -> Vec<Column> {
        Columns::new(&header(names), &[])
            .unwrap()
            .fields()
            .collect()
    }

    #[test]
    fn headers_map_in_any_case_and_spelling() {
        assert_eq!(
            fields_of(&["\u{feff}Email", "NAME", "qualification_score", "Created At"]),
            vec![
                Column::Email,
                Column::Name,
                Column::Score,
                Column::CreatedAt
            ]
        );
        let twice = Columns::new(&header(&["name", "email", "Name"]), &[]).unwrap_err();
        assert!(twice.to_string().contains("twice"), "{twice}");
        let no_email = Columns::new(&header(&["name", "fax"]), &[]).unwrap_err();
        assert!(
            no_email.to_string().contains("email column is required"),
            "{no_email}"
        );
    }

    #[test]
    fn unknown_columns_are_ignored_and_named() {
        let columns = Columns::new(&header(&["name", "email", "fax", "Record ID"]), &[]).unwrap();
        assert_eq!(columns.ignored, ["fax", "Record ID"]);
    }

    #[test]
    fn the_best_non_empty_column_of_a_field_fills_it() {
        let columns = Columns::new(
            &header(&[
                "Name",
                "Phone - Mobile",
                "Email - Home",
                "Phone - Work",
                "Email - Work",
            ]),
            &[],
        )
        .unwrap();
        let record =
            csv::StringRecord::from(vec!["Ann", "+1 555", "h@x.example", "", "w@x.example"]);
        assert_eq!(columns.cell(&record, Column::Email), Some("w@x.example"));
        assert_eq!(columns.cell(&record, Column::Phone), Some("+1 555"));
    }

    #[test]
    fn map_names_a_column_and_a_field() {
        let names = header(&["Full", "Mail", "email"]);
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(c, f)| ((*c).to_owned(), (*f).to_owned()))
                .collect::<Vec<_>>()
        };
        let columns = Columns::new(&names, &map(&[("Full", "name"), ("mail", "Email")])).unwrap();
        let record = csv::StringRecord::from(vec!["Ann", "a@x.example", "b@x.example"]);
        assert_eq!(columns.cell(&record, Column::Name), Some("Ann"));
        assert_eq!(columns.cell(&record, Column::Email), Some("a@x.example"));
        let skipped = Columns::new(&names, &map(&[("Full", "name"), ("email", "skip")]));
        assert!(skipped.unwrap_err().to_string().contains("email column"));
        let unknown = Columns::new(&names, &map(&[("Full", "fax")])).unwrap_err();
        assert!(
            unknown.to_string().contains("unknown field \"fax\""),
            "{unknown}"
        );
        let absent = Columns::new(&names, &map(&[("Phone", "phone")])).unwrap_err();
        assert!(
            absent.to_string().contains("no column \"Phone\""),
            "{absent}"
        );
        assert!(parse_map("Work Email=email").is_ok());
        assert!(parse_map("email").is_err());
        assert!(parse_map("=email").is_err());
    }
}
