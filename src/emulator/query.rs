//! `GetCheckoutOrders`: query parsing, filters, ordering and offset/limit pagination.
//!
//! Array parameters are repeated keys (`status=checkout&status=processing`), as the
//! generated client sends them; an empty value counts as absent. Filters combine with AND;
//! the values of one array parameter with OR. Matching:
//! - `status`: the current status is one of them;
//! - `reference`, `cart_reference`, `payment_id`: exact (the order has a payment with that id);
//! - `search`: case-insensitive substring of the id, reference, cart reference, or a
//!   billing/shipping name, email or phone;
//! - `date_from` / `date_to`: `created` within the bounds, both inclusive; RFC 3339 or a
//!   plain `YYYY-MM-DD` (the whole day for `date_to`);
//! - `countries`: the order's `country`; `billing_countries` / `shipping_countries`: the
//!   address country (all case-insensitive);
//! - `*_names`: case-insensitive substring of "given family"; `*_emails`: case-insensitive
//!   equality; `*_phones`: equality of the digits (and a leading `+`).
//!
//! Ordering: `order_by` = `created` (default), `billingEmail`, `billingName`, `cartTotal`;
//! `order_by_direction` defaults to `desc` for `created` and `cartTotal`, `asc` for the
//! others. Orders without the key come last; ties keep creation order.
//!
//! Pagination: `offset` defaults to 0, `limit` to `EmulatorConfig::default_page_limit` and
//! is capped at `max_page_limit`; negative values are a 400 `invalid-query`. `limit=0` and
//! an offset past the end return no data but the full figures: `offset`, `limit` (the one
//! applied), `size` (matching orders, before paging), `totalSize` (all of the tenant's
//! orders) and `valueSum` (sum of the matching orders' `total.includingVat`).

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::types::{
    Address, Order, OrderListOrderBy, OrderListOrderByDirection, OrderPaginationSet, OrderStatus,
    Pagination,
};

use super::errors::{ApiFailure, codes};
use super::state_machine::current_status;
use super::store::{OrderRecord, computed_total};

/// A parsed `GetCheckoutOrders` query.
#[derive(Debug, Default)]
pub(crate) struct OrderQuery {
    offset: usize,
    limit: usize,
    search: Option<String>,
    reference: Option<String>,
    cart_reference: Option<String>,
    payment_id: Option<String>,
    status: Vec<OrderStatus>,
    date_from: Option<DateTime<Utc>>,
    date_to: Option<DateTime<Utc>>,
    countries: Vec<String>,
    billing_countries: Vec<String>,
    shipping_countries: Vec<String>,
    billing_names: Vec<String>,
    shipping_names: Vec<String>,
    billing_emails: Vec<String>,
    shipping_emails: Vec<String>,
    billing_phones: Vec<String>,
    shipping_phones: Vec<String>,
    order_by: Option<OrderListOrderBy>,
    direction: Option<OrderListOrderByDirection>,
}

fn invalid(message: String) -> ApiFailure {
    ApiFailure::bad_request(codes::INVALID_QUERY, message)
}

impl OrderQuery {
    pub(crate) fn parse(
        raw: Option<&str>,
        default_limit: usize,
        max_limit: usize,
    ) -> Result<Self, ApiFailure> {
        let mut query = OrderQuery {
            limit: default_limit.min(max_limit),
            ..Default::default()
        };
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let text = || Some(value.to_string());
            match key.as_ref() {
                "offset" => query.offset = count(&key, value)?,
                "limit" => query.limit = count(&key, value)?.min(max_limit),
                "search" => query.search = text(),
                "reference" => query.reference = text(),
                "cart_reference" => query.cart_reference = text(),
                "payment_id" => query.payment_id = text(),
                "status" => query.status.push(value.parse().map_err(|_| invalid(format!("status: unknown order status {value:?}")))?),
                "date_from" => query.date_from = Some(date(&key, value, false)?),
                "date_to" => query.date_to = Some(date(&key, value, true)?),
                "countries" => query.countries.push(value.to_string()),
                "billing_countries" => query.billing_countries.push(value.to_string()),
                "shipping_countries" => query.shipping_countries.push(value.to_string()),
                "billing_names" => query.billing_names.push(value.to_lowercase()),
                "shipping_names" => query.shipping_names.push(value.to_lowercase()),
                "billing_emails" => query.billing_emails.push(value.to_string()),
                "shipping_emails" => query.shipping_emails.push(value.to_string()),
                "billing_phones" => query.billing_phones.push(digits(value)),
                "shipping_phones" => query.shipping_phones.push(digits(value)),
                "order_by" => {
                    query.order_by = Some(value.parse().map_err(|_| {
                        invalid(format!("order_by: unknown value {value:?} (created, billingEmail, billingName, cartTotal)"))
                    })?)
                }
                "order_by_direction" => {
                    query.direction =
                        Some(value.parse().map_err(|_| invalid(format!("order_by_direction: unknown value {value:?} (asc, desc)")))?)
                }
                _ => {} // unknown parameters are ignored, as most servers do
            }
        }
        if let (Some(from), Some(to)) = (query.date_from, query.date_to)
            && from > to
        {
            return Err(invalid(format!(
                "date_from ({from}) is after date_to ({to})"
            )));
        }
        Ok(query)
    }

    /// Filter, order and page the tenant's orders (`all`, in creation order).
    pub(crate) fn run(&self, all: Vec<OrderRecord>) -> OrderPaginationSet {
        let total_size = all.len();
        let mut matching: Vec<OrderRecord> =
            all.into_iter().filter(|r| self.matches(&r.order)).collect();
        self.sort(&mut matching);
        let size = matching.len();
        let value_sum: f64 = matching
            .iter()
            .filter_map(|r| r.order.total.as_ref().and_then(|t| t.including_vat))
            .sum();
        let data: Vec<Order> = matching
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|r| r.order)
            .collect();
        OrderPaginationSet {
            unknown_fields: Default::default(),
            data,
            pagination: Some(Pagination {
                unknown_fields: Default::default(),
                offset: Some(clamp_i32(self.offset)),
                limit: Some(clamp_i32(self.limit)),
                size: Some(clamp_i32(size)),
                total_size: Some(clamp_i32(total_size)),
                value_sum: Some((value_sum * 100.0).round() / 100.0),
            }),
        }
    }

    fn matches(&self, order: &Order) -> bool {
        let billing = order.customer.as_ref().and_then(|c| c.billing.as_ref());
        let shipping = order.customer.as_ref().and_then(|c| c.shipping.as_ref());
        let status_ok =
            self.status.is_empty() || current_status(order).is_ok_and(|s| self.status.contains(&s));
        let created_ok = match (self.date_from, self.date_to, order.created) {
            (None, None, _) => true,
            (_, _, None) => false,
            (from, to, Some(created)) => {
                from.is_none_or(|f| created >= f) && to.is_none_or(|t| created <= t)
            }
        };
        status_ok
            && created_ok
            && self
                .reference
                .as_ref()
                .is_none_or(|r| order.reference.as_ref() == Some(r))
            && self
                .cart_reference
                .as_ref()
                .is_none_or(|r| order.cart.as_ref().and_then(|c| c.reference.as_ref()) == Some(r))
            && self
                .payment_id
                .as_ref()
                .is_none_or(|id| order.payments.iter().any(|p| p.id.as_ref() == Some(id)))
            && self.search.as_ref().is_none_or(|s| {
                searchable(order).any(|field| field.to_lowercase().contains(&s.to_lowercase()))
            })
            && any_eq_ci(&self.countries, order.country.as_deref())
            && any_eq_ci(
                &self.billing_countries,
                billing.and_then(|a| a.country.as_deref()),
            )
            && any_eq_ci(
                &self.shipping_countries,
                shipping.and_then(|a| a.country.as_deref()),
            )
            && any_eq_ci(
                &self.billing_emails,
                billing.and_then(|a| a.email.as_deref()),
            )
            && any_eq_ci(
                &self.shipping_emails,
                shipping.and_then(|a| a.email.as_deref()),
            )
            && names_match(&self.billing_names, billing)
            && names_match(&self.shipping_names, shipping)
            && phones_match(&self.billing_phones, billing)
            && phones_match(&self.shipping_phones, shipping)
    }

    fn sort(&self, records: &mut [OrderRecord]) {
        let order_by = self.order_by.unwrap_or(OrderListOrderBy::Created);
        let descending = match self.direction {
            Some(direction) => direction == OrderListOrderByDirection::Desc,
            None => matches!(
                order_by,
                OrderListOrderBy::Created | OrderListOrderBy::CartTotal
            ),
        };
        let directed = |ordering: Ordering| {
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        };
        records.sort_by(|a, b| {
            let (a_order, b_order) = (&a.order, &b.order);
            let primary = match order_by {
                OrderListOrderBy::Created => directed(
                    a_order
                        .created
                        .cmp(&b_order.created)
                        .then(a.seq.cmp(&b.seq)),
                ),
                OrderListOrderBy::BillingEmail => missing_last(
                    billing(a_order)
                        .and_then(|x| x.email.as_ref())
                        .map(|e| e.to_lowercase()),
                    billing(b_order)
                        .and_then(|x| x.email.as_ref())
                        .map(|e| e.to_lowercase()),
                    directed,
                ),
                OrderListOrderBy::BillingName => missing_last(
                    billing(a_order).map(full_name),
                    billing(b_order).map(full_name),
                    directed,
                ),
                OrderListOrderBy::CartTotal => {
                    let total = |o: &Order| cart_total(o);
                    match (total(a_order), total(b_order)) {
                        (Some(x), Some(y)) => directed(x.total_cmp(&y)),
                        (Some(_), None) => Ordering::Less,
                        (None, Some(_)) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    }
                }
            };
            primary.then(a.seq.cmp(&b.seq))
        });
    }
}

fn missing_last<T: Ord>(
    a: Option<T>,
    b: Option<T>,
    directed: impl Fn(Ordering) -> Ordering,
) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => directed(x.cmp(&y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn billing(order: &Order) -> Option<&Address> {
    order.customer.as_ref().and_then(|c| c.billing.as_ref())
}

fn cart_total(order: &Order) -> Option<f64> {
    let cart_only = Order {
        cart: order.cart.clone(),
        ..Default::default()
    };
    computed_total(&cart_only).and_then(|p| p.including_vat)
}

fn full_name(address: &Address) -> String {
    let parts = [
        address.given_name.as_deref(),
        address.family_name.as_deref(),
    ];
    parts
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn searchable(order: &Order) -> impl Iterator<Item = String> + '_ {
    let addresses = order
        .customer
        .iter()
        .flat_map(|c| [c.billing.as_ref(), c.shipping.as_ref()])
        .flatten();
    let address_fields = addresses
        .flat_map(|a| [Some(full_name(a)), a.email.clone(), a.phone.clone()])
        .flatten();
    [
        order.id.clone(),
        order.reference.clone(),
        order.cart.as_ref().and_then(|c| c.reference.clone()),
    ]
    .into_iter()
    .flatten()
    .chain(address_fields)
}

fn any_eq_ci(wanted: &[String], actual: Option<&str>) -> bool {
    wanted.is_empty() || actual.is_some_and(|a| wanted.iter().any(|w| w.eq_ignore_ascii_case(a)))
}

fn names_match(wanted: &[String], address: Option<&Address>) -> bool {
    wanted.is_empty()
        || address
            .map(full_name)
            .is_some_and(|name| wanted.iter().any(|w| name.contains(w.as_str())))
}

fn phones_match(wanted: &[String], address: Option<&Address>) -> bool {
    wanted.is_empty()
        || address
            .and_then(|a| a.phone.as_deref())
            .map(digits)
            .is_some_and(|p| wanted.contains(&p))
}

/// The digits of a phone number, keeping a leading `+`.
fn digits(phone: &str) -> String {
    let plus = phone.trim_start().starts_with('+');
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if plus { format!("+{digits}") } else { digits }
}

fn count(key: &str, value: &str) -> Result<usize, ApiFailure> {
    value
        .parse::<i32>()
        .ok()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            invalid(format!(
                "{key}: expected a non-negative 32-bit integer, got {value:?}"
            ))
        })
}

fn date(key: &str, value: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiFailure> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Ok(time.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "{key}: expected an RFC 3339 date-time or YYYY-MM-DD, got {value:?}"
        ))
    })?;
    let time = if end_of_day {
        NaiveTime::from_hms_milli_opt(23, 59, 59, 999)
    } else {
        Some(NaiveTime::MIN)
    };
    Ok(day.and_time(time.unwrap_or(NaiveTime::MIN)).and_utc())
}

fn clamp_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_keys_and_rejects_bad_values() {
        let q = OrderQuery::parse(
            Some("status=checkout&status=processing&limit=5&offset=2&order_by=cartTotal"),
            20,
            100,
        )
        .unwrap();
        assert_eq!(q.status, [OrderStatus::Checkout, OrderStatus::Processing]);
        assert_eq!((q.offset, q.limit), (2, 5));
        assert_eq!(q.order_by, Some(OrderListOrderBy::CartTotal));
        assert_eq!(
            OrderQuery::parse(Some("limit=1000"), 20, 100)
                .unwrap()
                .limit,
            100
        );
        assert_eq!(OrderQuery::parse(None, 20, 100).unwrap().limit, 20);
        for bad in [
            "limit=-1",
            "offset=x",
            "status=lost",
            "order_by=name",
            "date_from=yesterday",
            "date_from=2026-02-01&date_to=2026-01-01",
        ] {
            assert_eq!(
                OrderQuery::parse(Some(bad), 20, 100).unwrap_err().code,
                codes::INVALID_QUERY,
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_accept_days_and_rfc3339() {
        let q =
            OrderQuery::parse(Some("date_from=2026-01-12&date_to=2026-01-12"), 20, 100).unwrap();
        assert_eq!(
            q.date_from.unwrap().to_rfc3339(),
            "2026-01-12T00:00:00+00:00"
        );
        assert_eq!(
            q.date_to.unwrap().to_rfc3339(),
            "2026-01-12T23:59:59.999+00:00"
        );
        let q = OrderQuery::parse(Some("date_from=2026-01-12T08%3A21%3A29.5Z"), 20, 100).unwrap();
        assert_eq!(
            q.date_from.unwrap().to_rfc3339(),
            "2026-01-12T08:21:29.500+00:00"
        );
    }

    #[test]
    fn phone_digits() {
        assert_eq!(digits("+46 (0)70-123 45"), "+4607012345");
        assert_eq!(digits("070-123"), "070123");
    }
}
