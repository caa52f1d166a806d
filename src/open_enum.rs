//! `OpenEnum<E>`: a forward-compatible wrapper for the spec's string enums.
//!
//! Norce adds enum values (a new `PaymentState`, a new `OrderStatus`) without a new API
//! version. A strict enum would make a whole `Order` fail to decode on the first unknown
//! value; every enum-typed field is therefore `OpenEnum<E>` (see transform 3 in
//! `src/build_support/spec_transforms.rs`): known values are typed variants of `E`, unknown
//! ones are kept verbatim and serialize back unchanged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value of the string enum `E`, or a value the vendored spec does not know yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpenEnum<E> {
    /// A value listed in the vendored spec.
    Known(E),
    /// A value the server sent that the vendored spec does not list, kept verbatim.
    Unknown(String),
}

impl<E> OpenEnum<E> {
    /// The typed value, if it is one the vendored spec knows.
    pub fn known(&self) -> Option<&E> {
        match self {
            OpenEnum::Known(value) => Some(value),
            OpenEnum::Unknown(_) => None,
        }
    }

    /// Whether the value is one the vendored spec does not list.
    pub fn is_unknown(&self) -> bool {
        matches!(self, OpenEnum::Unknown(_))
    }
}

impl<E: fmt::Display> OpenEnum<E> {
    /// The wire value (`"processing"`, or the unknown string as received).
    pub fn as_wire_string(&self) -> String {
        self.to_string()
    }
}

impl<E> From<E> for OpenEnum<E> {
    fn from(value: E) -> Self {
        OpenEnum::Known(value)
    }
}

impl<E: PartialEq> PartialEq<E> for OpenEnum<E> {
    fn eq(&self, other: &E) -> bool {
        self.known() == Some(other)
    }
}

impl<E: fmt::Display> fmt::Display for OpenEnum<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenEnum::Known(value) => value.fmt(f),
            OpenEnum::Unknown(raw) => f.write_str(raw),
        }
    }
}

/// Parsing never fails: a string that is not a known value becomes `Unknown`.
impl<E: FromStr> FromStr for OpenEnum<E> {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(s.parse::<E>()
            .map_or_else(|_| OpenEnum::Unknown(s.to_string()), OpenEnum::Known))
    }
}

impl<E: Serialize> Serialize for OpenEnum<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OpenEnum::Known(value) => value.serialize(serializer),
            OpenEnum::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, E: Deserialize<'de>> Deserialize<'de> for OpenEnum<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error as ValueError, StringDeserializer};
        // Anything but a string is still an error: the spec says these are strings.
        let raw = String::deserialize(deserializer)?;
        let as_known: StringDeserializer<ValueError> = raw.clone().into_deserializer();
        Ok(E::deserialize(as_known).map_or(OpenEnum::Unknown(raw), OpenEnum::Known))
    }
}

impl<E: schemars::JsonSchema> schemars::JsonSchema for OpenEnum<E> {
    fn schema_name() -> String {
        format!("Open{}", E::schema_name())
    }

    /// Any string: the known values of `E`, or one the spec does not list yet.
    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        use schemars::schema::{InstanceType, SchemaObject, SubschemaValidation};
        let known = generator.subschema_for::<E>();
        let any_string = SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            ..Default::default()
        };
        SchemaObject {
            subschemas: Some(Box::new(SubschemaValidation {
                any_of: Some(vec![known, any_string.into()]),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::OpenEnum;
    use crate::types::{OrderStatus, PaymentState};

    #[test]
    fn known_values_are_typed_and_round_trip() {
        let status: OpenEnum<OrderStatus> = serde_json::from_str("\"processing\"").unwrap();
        assert_eq!(status, OpenEnum::Known(OrderStatus::Processing));
        assert_eq!(status, OrderStatus::Processing);
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"processing\"");
    }

    #[test]
    fn unknown_values_decode_and_serialize_back_unchanged() {
        let state: OpenEnum<PaymentState> = serde_json::from_str("\"partiallyCaptured\"").unwrap();
        assert_eq!(state, OpenEnum::Unknown("partiallyCaptured".into()));
        assert!(state.is_unknown());
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            "\"partiallyCaptured\""
        );
        assert_eq!(state.to_string(), "partiallyCaptured");
        assert_eq!(
            "partiallyCaptured"
                .parse::<OpenEnum<PaymentState>>()
                .unwrap(),
            state
        );
    }

    #[test]
    fn non_strings_are_still_errors() {
        assert!(serde_json::from_str::<OpenEnum<OrderStatus>>("42").is_err());
        assert!(serde_json::from_str::<OpenEnum<OrderStatus>>("null").is_err());
    }

    #[test]
    fn an_order_with_unknown_enum_values_decodes_and_round_trips() {
        let body = serde_json::json!({
            "merchant": "m", "channel": "c",
            "state": {"currentStatus": "onHold"},
            "payments": [{"state": "partiallyCaptured", "type": "giftcardish"}]
        });
        let order: crate::types::Order = serde_json::from_value(body.clone()).unwrap();
        let status = &order.state.as_ref().unwrap().current_status;
        assert_eq!(
            status.as_ref().unwrap(),
            &OpenEnum::Unknown("onHold".into())
        );
        assert_eq!(serde_json::to_value(&order).unwrap(), body);
    }
}
