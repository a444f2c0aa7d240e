//! A per-seat price in a passage worked out for the visitor's seat count: "$39 per seat per
//! month" and 40 seats → "For 40 seats that's $1,560 a month."

use std::sync::LazyLock;

use regex::Regex;

/// "$39 per seat per month", "€24/user/month, billed annually"; the plan named just before
/// ("Growth is $39…", "Growth: $39…") is captured too.
static PER_SEAT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b([A-Z][a-z]+)(?: plan)?(?: is| costs|:)\s+)?([$€£])\s?(\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?i:per|/|a|an)\s*(?i:seat|user|agent|licen[cs]e)\s*(?i:per|/|a|an)\s*(?i:month)(?:\s*,?\s*(?i:billed)\s+((?i:annually|yearly|monthly)))?",
    )
    .ok()
});

/// Capitalised words before a price that are not a plan's name.
const NOT_PLANS: &[&str] = &[
    "It", "This", "That", "Price", "Pricing", "Cost", "Seat", "Which",
];

struct Price<'a> {
    plan: Option<&'a str>,
    currency: &'a str,
    cents: u64,
    billed: Option<&'a str>,
}

/// The total for `seats` of each plan's per-seat monthly price in `text` (the first price
/// of each plan, as passages give the usual billing first); `None` without such a price.
pub fn total_for_seats(text: &str, seats: u32) -> Option<String> {
    let regex = PER_SEAT.as_ref()?;
    let mut prices: Vec<Price<'_>> = Vec::new();
    for found in regex.captures_iter(text) {
        let plan = found
            .get(1)
            .map(|m| m.as_str())
            .filter(|p| !NOT_PLANS.contains(p));
        let (Some(currency), Some(amount)) = (found.get(2), found.get(3)) else {
            continue;
        };
        let Some(cents) = cents(amount.as_str()) else {
            continue;
        };
        let named_before = prices.iter().any(|p| p.plan == plan);
        if named_before || (plan.is_none() && !prices.is_empty()) {
            continue;
        }
        prices.push(Price {
            plan,
            currency: currency.as_str(),
            cents,
            billed: found.get(4).map(|m| m.as_str()),
        });
    }
    let first = prices.first()?;
    let seats_word = if seats == 1 { "seat" } else { "seats" };
    if prices.len() == 1 || prices.iter().any(|p| p.plan.is_none()) {
        let billed = first
            .billed
            .map(|b| format!(", billed {}", b.to_lowercase()))
            .unwrap_or_default();
        return Some(format!(
            "For {seats} {seats_word} that's {} a month{billed}.",
            money(first.currency, first.cents * u64::from(seats))
        ));
    }
    let totals: Vec<String> = prices
        .iter()
        .map(|p| {
            format!(
                "{} a month on {}",
                money(p.currency, p.cents * u64::from(seats)),
                p.plan.unwrap_or_default()
            )
        })
        .collect();
    Some(format!(
        "For {seats} {seats_word} that's {}.",
        join_or(&totals)
    ))
}

fn cents(amount: &str) -> Option<u64> {
    let plain = amount.replace(',', "");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

/// "$1,560" or "$1,234.50".
fn money(currency: &str, cents: u64) -> String {
    let whole = cents / 100;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match cents % 100 {
        0 => format!("{currency}{grouped}"),
        rest => format!("{currency}{grouped}.{rest:02}"),
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_price_gives_one_total() {
        assert_eq!(
            total_for_seats(
                "$39 per seat per month billed annually ($468 per seat per year), or $49 per seat per month billed monthly.",
                40
            )
            .as_deref(),
            Some("For 40 seats that's $1,560 a month, billed annually.")
        );
        assert_eq!(
            total_for_seats("It costs €12.50/user/month.", 3).as_deref(),
            Some("For 3 seats that's €37.50 a month.")
        );
    }

    #[test]
    fn named_plans_each_get_their_total() {
        assert_eq!(
            total_for_seats(
                "Starter is $19 per seat per month and Growth is $39 per seat per month, both billed annually.",
                40
            )
            .as_deref(),
            Some("For 40 seats that's $760 a month on Starter or $1,560 a month on Growth.")
        );
    }

    #[test]
    fn no_per_seat_price_no_total() {
        assert_eq!(
            total_for_seats("Enterprise is priced on request.", 40),
            None
        );
        assert_eq!(total_for_seats("$228 per seat per year", 40), None);
        assert_eq!(
            total_for_seats("Annual plans over $5,000 can be paid by invoice.", 40),
            None
        );
    }
}
