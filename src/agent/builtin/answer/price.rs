//! A per-seat price in a passage worked out for the visitor's seat count: "$39 per seat per
//! month" and 40 seats → "For 40 seats that's $1,560 a month."

use std::sync::LazyLock;

use regex::Regex;

use super::Billing;

/// "$39 per seat per month", "€24/user/month, billed annually"; the plan named just before
/// ("Growth is $39…", "Growth: $39…") is captured too.
static PER_SEAT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b([A-Z][a-z]+)(?: plan)?(?: is| costs|:)\s+)?([$€£])\s?(\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?)\s*(?i:per|/|a|an)\s*(?i:seat|user|agent|licen[cs]e)\s*(?i:per|/|a|an)\s*(?i:month)(?:\s*,?\s*(?i:billed)\s+((?i:annually|yearly|monthly)))?",
    )
    .ok()
});

/// "versus $49 billed monthly": the same per-seat price on other terms, said after one.
static SAME_UNIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"([$€£])\s?(\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?)\s+(?i:billed)\s+((?i:annually|yearly|monthly))").ok()
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

/// The total for `seats` of each plan's per-seat monthly price in `text`: the price
/// billed as the visitor asked (`billing`), else the first of each plan, as passages give
/// the usual billing first; `None` without such a price.
pub fn total_for_seats(text: &str, seats: u32, billing: Option<Billing>) -> Option<String> {
    let all = prices(text)?;
    let wanted = |p: &Price<'_>| {
        matches!(
            (billing, p.billed.map(str::to_lowercase).as_deref()),
            (Some(Billing::Monthly), Some("monthly"))
                | (Some(Billing::Annually), Some("annually" | "yearly"))
        )
    };
    let mut chosen: Vec<&Price<'_>> = Vec::new();
    for price in &all {
        match chosen.iter_mut().find(|c| c.plan == price.plan) {
            Some(kept) => {
                if !wanted(kept) && wanted(price) {
                    *kept = price;
                }
            }
            None => chosen.push(price),
        }
    }
    if billing.is_some() && chosen.iter().any(|p| wanted(p)) {
        chosen.retain(|p| wanted(p));
    }
    let first = chosen.first()?;
    let seats_word = if seats == 1 { "seat" } else { "seats" };
    if chosen.len() == 1 || chosen.iter().any(|p| p.plan.is_none()) {
        let billed = first
            .billed
            .map(|b| format!(", billed {}", b.to_lowercase()))
            .unwrap_or_default();
        let plan = first.plan.map(|p| format!(" on {p}")).unwrap_or_default();
        return Some(format!(
            "For {seats} {seats_word} that's {} a month{plan}{billed}.",
            money(first.currency, first.cents * u64::from(seats))
        ));
    }
    let totals: Vec<String> = chosen
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

/// Every per-seat monthly price of `text` in order, each with the plan it belongs to: the
/// one named before it, or the last one named.
fn prices(text: &str) -> Option<Vec<Price<'_>>> {
    let regex = PER_SEAT.as_ref()?;
    let mut prices: Vec<(usize, Price<'_>)> = Vec::new();
    let mut plan: Option<&str> = None;
    for found in regex.captures_iter(text) {
        let named = found
            .get(1)
            .map(|m| m.as_str())
            .filter(|p| !NOT_PLANS.contains(p));
        if named.is_some() {
            plan = named;
        }
        let (Some(currency), Some(amount), Some(whole)) =
            (found.get(2), found.get(3), found.get(0))
        else {
            continue;
        };
        let Some(cents) = cents(amount.as_str()) else {
            continue;
        };
        prices.push((
            whole.end(),
            Price {
                plan,
                currency: currency.as_str(),
                cents,
                billed: found.get(4).map(|m| m.as_str()),
            },
        ));
    }
    if let (Some(regex), Some(&(after, _))) = (SAME_UNIT.as_ref(), prices.first()) {
        let extra: Vec<(usize, Price<'_>)> = regex
            .captures_iter(&text[after..])
            .filter_map(|found| {
                let at = found.get(0)?.end() + after;
                let plan = prices
                    .iter()
                    .rev()
                    .find(|(end, _)| *end <= at)
                    .and_then(|(_, p)| p.plan);
                Some((
                    at,
                    Price {
                        plan,
                        currency: found.get(1)?.as_str(),
                        cents: cents(found.get(2)?.as_str())?,
                        billed: Some(found.get(3)?.as_str()),
                    },
                ))
            })
            .collect();
        prices.extend(extra);
        prices.sort_by_key(|(at, _)| *at);
    }
    Some(prices.into_iter().map(|(_, p)| p).collect())
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
                40,
                None
            )
            .as_deref(),
            Some("For 40 seats that's $1,560 a month, billed annually.")
        );
        assert_eq!(
            total_for_seats("It costs €12.50/user/month.", 3, None).as_deref(),
            Some("For 3 seats that's €37.50 a month.")
        );
    }

    #[test]
    fn named_plans_each_get_their_total() {
        assert_eq!(
            total_for_seats(
                "Starter is $19 per seat per month and Growth is $39 per seat per month, both billed annually.",
                40,
                None
            )
            .as_deref(),
            Some("For 40 seats that's $760 a month on Starter or $1,560 a month on Growth.")
        );
    }

    #[test]
    fn no_per_seat_price_no_total() {
        assert_eq!(
            total_for_seats("Enterprise is priced on request.", 40, None),
            None
        );
        assert_eq!(total_for_seats("$228 per seat per year", 40, None), None);
        assert_eq!(
            total_for_seats("Annual plans over $5,000 can be paid by invoice.", 40, None),
            None
        );
    }

    #[test]
    fn the_billing_asked_for_is_totalled() {
        let plan = "$39 per seat per month billed annually ($468 per seat per year), or $49 per seat per month billed monthly.";
        assert_eq!(
            total_for_seats(plan, 15, Some(Billing::Monthly)).as_deref(),
            Some("For 15 seats that's $735 a month, billed monthly.")
        );
        assert_eq!(
            total_for_seats(plan, 15, Some(Billing::Annually)).as_deref(),
            Some("For 15 seats that's $585 a month, billed annually.")
        );
        let versus = "Annual billing saves about 20% compared with monthly billing: Growth is $39 per seat per month billed annually versus $49 billed monthly.";
        assert_eq!(
            total_for_seats(versus, 15, Some(Billing::Monthly)).as_deref(),
            Some("For 15 seats that's $735 a month on Growth, billed monthly.")
        );
        assert_eq!(
            total_for_seats(versus, 10, None).as_deref(),
            Some("For 10 seats that's $390 a month on Growth, billed annually.")
        );
    }
}
