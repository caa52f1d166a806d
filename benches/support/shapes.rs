//! Hand-written mirrors of the generated models that the decode benchmark reads, in two
//! variants expanded from one list: `flatten` (serde derive, `#[serde(flatten)]` bag,
//! null-tolerant fields: the derive-only way to the same behaviour) and `plain` (serde
//! derive, no bag: the shape before unknown properties were kept). Same fields, same
//! Rust types, same JSON names as `types::*`.

use chrono::{DateTime, Utc};
use norce_checkout_order::{OpenEnum, types};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// `null` reads as the default, as the generated impls do.
fn null_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Date-times read as the generated impls read them.
fn lenient_time<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.map(|t| {
        norce_checkout_order::json::parse_date_time(&t)
            .ok_or_else(|| serde::de::Error::custom("not a date-time"))
    })
    .transpose()
}

macro_rules! shapes {
    ($( $name:ident { $( $(#[$attr:meta])* $field:ident : $ty:ty, )* } )*) => {
        pub mod flatten {
            use super::*;
            $(
                #[derive(Deserialize, Serialize, Debug, Clone)]
                pub struct $name {
                    $( $(#[$attr])* pub $field: $ty, )*
                    #[serde(flatten)]
                    pub unknown_fields: Map<String, Value>,
                }
            )*
        }
        pub mod plain {
            use super::*;
            $(
                #[derive(Deserialize, Serialize, Debug, Clone)]
                pub struct $name {
                    $( $(#[$attr])* pub $field: $ty, )*
                }
            )*
        }
    };
}

shapes! {
    Order {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")] cart: Option<Cart>,
        #[serde(default, skip_serializing_if = "Option::is_none")] channel: Option<String>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        consents: Vec<Consent>,
        #[serde(default, skip_serializing_if = "Option::is_none")] country: Option<String>,
        #[serde(default, deserialize_with = "lenient_time", skip_serializing_if = "Option::is_none")]
        created: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] culture: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] currency: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] customer: Option<Customer>,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(rename = "lastModified", default, deserialize_with = "lenient_time", skip_serializing_if = "Option::is_none")]
        last_modified: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] merchant: Option<String>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        payments: Vec<Payment>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        shippings: Vec<Shipping>,
        #[serde(default, skip_serializing_if = "Option::is_none")] state: Option<State>,
        #[serde(default, skip_serializing_if = "Option::is_none")] total: Option<Price>,
    }
    Cart {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        discounts: Vec<Discount>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        items: Vec<Item>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] total: Option<Price>,
    }
    Item {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        discounts: Vec<Discount>,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(rename = "imageUrl", default, skip_serializing_if = "Option::is_none")] image_url: Option<String>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        items: Vec<Item>,
        #[serde(default, skip_serializing_if = "Option::is_none")] logistics: Option<Logistics>,
        #[serde(default, skip_serializing_if = "Option::is_none")] name: Option<String>,
        #[serde(rename = "originalTotal", default, skip_serializing_if = "Option::is_none")] original_total: Option<Price>,
        #[serde(default, skip_serializing_if = "Option::is_none")] price: Option<Price>,
        #[serde(rename = "productType", default, skip_serializing_if = "Option::is_none")]
        product_type: Option<OpenEnum<types::ProductType>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] quantity: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] sku: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] total: Option<Price>,
        #[serde(default, skip_serializing_if = "Option::is_none")] unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] upsell: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")] url: Option<String>,
        #[serde(rename = "vatRate", default, skip_serializing_if = "Option::is_none")] vat_rate: Option<f64>,
    }
    Price {
        #[serde(rename = "excludingVat", default, skip_serializing_if = "Option::is_none")] excluding_vat: Option<f64>,
        #[serde(rename = "includingVat", default, skip_serializing_if = "Option::is_none")] including_vat: Option<f64>,
    }
    Logistics {
        #[serde(default, skip_serializing_if = "Option::is_none")] height: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] length: Option<i32>,
        #[serde(rename = "shippingDate", default, deserialize_with = "lenient_time", skip_serializing_if = "Option::is_none")]
        shipping_date: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] weight: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")] width: Option<i32>,
    }
    Discount {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")] code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        type_: Option<OpenEnum<types::DiscountType>>,
        #[serde(default, skip_serializing_if = "Option::is_none")] value: Option<Price>,
    }
    Customer {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")] billing: Option<Address>,
        #[serde(default, skip_serializing_if = "Option::is_none")] shipping: Option<Address>,
        #[serde(rename = "type")] type_: OpenEnum<types::CustomerType>,
    }
    Address {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")] city: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] country: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] email: Option<String>,
        #[serde(rename = "familyName", default, skip_serializing_if = "Option::is_none")] family_name: Option<String>,
        #[serde(rename = "givenName", default, skip_serializing_if = "Option::is_none")] given_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] phone: Option<String>,
        #[serde(rename = "postalCode", default, skip_serializing_if = "Option::is_none")] postal_code: Option<String>,
        #[serde(rename = "streetAddress", default, skip_serializing_if = "Option::is_none")] street_address: Option<String>,
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        type_: Option<OpenEnum<types::CustomerType>>,
    }
    Payment {
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        actions: Vec<PaymentAction>,
        #[serde(rename = "adapterId", default, skip_serializing_if = "Option::is_none")] adapter_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] amount: Option<f64>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Map::is_empty")]
        attributes: Map<String, Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")] currency: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] state: Option<OpenEnum<types::PaymentState>>,
        #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
        type_: Option<OpenEnum<types::PaymentType>>,
    }
    PaymentAction {
        #[serde(rename = "adapterId")] adapter_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(rename = "type")] type_: String,
        url: String,
    }
    Shipping {
        #[serde(rename = "adapterId", default, skip_serializing_if = "Option::is_none")] adapter_id: Option<String>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        addons: Vec<Addon>,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] state: Option<OpenEnum<types::ShippingState>>,
        total: Price,
        #[serde(rename = "vatRate")] vat_rate: f64,
    }
    Addon {
        #[serde(default, skip_serializing_if = "Option::is_none")] price: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")] reference: Option<String>,
    }
    State {
        #[serde(rename = "currentStatus", default, skip_serializing_if = "Option::is_none")]
        current_status: Option<OpenEnum<types::OrderStatus>>,
        #[serde(default, deserialize_with = "null_default", skip_serializing_if = "Vec::is_empty")]
        transitions: Vec<Transition>,
    }
    Transition {
        #[serde(default, skip_serializing_if = "Option::is_none")] status: Option<OpenEnum<types::OrderStatus>>,
        #[serde(rename = "timeStamp", default, deserialize_with = "lenient_time", skip_serializing_if = "Option::is_none")]
        time_stamp: Option<DateTime<Utc>>,
    }
    Consent {
        #[serde(default, skip_serializing_if = "Option::is_none")] checked: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")] required: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")] text: Option<String>,
    }
}
