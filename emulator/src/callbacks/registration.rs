//! Typed views of the registrations stored on an order, read from JSON so both API
//! versions work (callbacks.md §6 item 5): hooks have `scope` (v1) or `subscribeTo` (v0),
//! validations `invoke` (v1) or `url` (v0). The `check_*` functions are for registration
//! time, so a registration that could never fire is refused when it is made.

use serde_json::Value;

use super::pointer::is_json_pointer;
use super::template::{self, TemplateError};

/// Why a registration is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// A required field is missing or not a non-empty string.
    #[error("{0} is required")]
    Missing(&'static str),
    /// `scope`/`subscribeTo`/`target` is not a JSON pointer.
    #[error("{field} {value:?} is not a JSON pointer")]
    NotAPointer {
        /// The field.
        field: &'static str,
        /// Its value.
        value: String,
    },
    /// The URL template has an unknown placeholder or is unclosed.
    #[error("invoke: {0}")]
    Template(TemplateError),
    /// `schema` is not a JSON Schema the validator accepts.
    #[error("schema: {0}")]
    Schema(String),
}

fn string(value: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn pointer(
    value: &Value,
    keys: &[&str],
    field: &'static str,
) -> Result<Option<String>, RegistrationError> {
    match string(value, keys) {
        Some(p) if !is_json_pointer(&p) => Err(RegistrationError::NotAPointer { field, value: p }),
        other => Ok(other),
    }
}

/// A hook registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRegistration {
    /// `id`.
    pub id: Option<String>,
    /// `adapterId`.
    pub adapter_id: Option<String>,
    /// `scope` (v1) or `subscribeTo` (v0).
    pub scope: String,
    /// `target`.
    pub target: Option<String>,
    /// `invoke`, a URL template.
    pub invoke: String,
    /// The registration as stored.
    pub raw: Value,
}

impl HookRegistration {
    /// Read a stored hook.
    pub fn from_json(value: &Value) -> Result<Self, RegistrationError> {
        Ok(HookRegistration {
            id: string(value, &["id"]),
            adapter_id: string(value, &["adapterId"]),
            scope: pointer(value, &["scope", "subscribeTo"], "scope")?
                .ok_or(RegistrationError::Missing("scope (or subscribeTo)"))?,
            target: pointer(value, &["target"], "target")?,
            invoke: string(value, &["invoke"]).ok_or(RegistrationError::Missing("invoke"))?,
            raw: value.clone(),
        })
    }
}

/// A validation registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationRegistration {
    /// `id`.
    pub id: Option<String>,
    /// `adapterId`.
    pub adapter_id: Option<String>,
    /// `invoke` (v1) or `url` (v0), a URL template.
    pub invoke: String,
}

impl ValidationRegistration {
    /// Read a stored validation.
    pub fn from_json(value: &Value) -> Result<Self, RegistrationError> {
        Ok(ValidationRegistration {
            id: string(value, &["id"]),
            adapter_id: string(value, &["adapterId"]),
            invoke: string(value, &["invoke", "url"])
                .ok_or(RegistrationError::Missing("invoke (or url)"))?,
        })
    }
}

/// A notification registration.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationRegistration {
    /// `id`.
    pub id: Option<String>,
    /// `adapterId`.
    pub adapter_id: Option<String>,
    /// `reference`.
    pub reference: Option<String>,
    /// `scope`, a JSON pointer into the order.
    pub scope: String,
    /// `schema`, applied to the value at `scope`; `None` or `{}` matches everything.
    pub schema: Option<Value>,
    /// `invoke`, a URL template.
    pub invoke: String,
    /// The registration as stored (sent in the `{notification, order}` body).
    pub raw: Value,
}

impl NotificationRegistration {
    /// Read a stored notification.
    pub fn from_json(value: &Value) -> Result<Self, RegistrationError> {
        Ok(NotificationRegistration {
            id: string(value, &["id"]),
            adapter_id: string(value, &["adapterId"]),
            reference: string(value, &["reference"]),
            scope: pointer(value, &["scope"], "scope")?
                .ok_or(RegistrationError::Missing("scope"))?,
            schema: value
                .get("schema")
                .filter(|s| !s.is_null() && s.as_object().is_none_or(|o| !o.is_empty()))
                .cloned(),
            invoke: string(value, &["invoke"]).ok_or(RegistrationError::Missing("invoke"))?,
            raw: value.clone(),
        })
    }
}

/// Placeholders are checked against a stand-in order: `{order.x}` may name a field that
/// only gets a value later, so only the syntax and the placeholder kinds are checked here.
fn check_template(invoke: &str) -> Result<(), RegistrationError> {
    match template::render(invoke, &Value::Null, None) {
        Ok(_) | Err(TemplateError::Missing(_)) => Ok(()),
        Err(e) => Err(RegistrationError::Template(e)),
    }
}

/// Check a hook registration before storing it.
pub fn check_hook(value: &Value) -> Result<(), RegistrationError> {
    check_template(&HookRegistration::from_json(value)?.invoke)
}

/// Check a validation registration before storing it.
pub fn check_validation(value: &Value) -> Result<(), RegistrationError> {
    check_template(&ValidationRegistration::from_json(value)?.invoke)
}

/// Check a notification registration before storing it (the schema must compile).
pub fn check_notification(value: &Value) -> Result<(), RegistrationError> {
    let registration = NotificationRegistration::from_json(value)?;
    check_template(&registration.invoke)?;
    if let Some(schema) = &registration.schema {
        compile_schema(schema)?;
    }
    Ok(())
}

/// A notification's schema, as Norce documents it: JSON Schema draft 2020-12. The crate is
/// built without remote-`$ref` resolution, so a schema cannot make the emulator fetch URLs.
pub(crate) fn compile_schema(schema: &Value) -> Result<jsonschema::Validator, RegistrationError> {
    jsonschema::draft202012::new(schema).map_err(|e| RegistrationError::Schema(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v0_and_v1_field_names_are_read() {
        let v0 = HookRegistration::from_json(
            &json!({"subscribeTo": "/cart", "invoke": "http://h/{order_id}"}),
        )
        .unwrap();
        let v1 = HookRegistration::from_json(
            &json!({"scope": "/cart", "invoke": "http://h/{order.id}"}),
        )
        .unwrap();
        assert_eq!((v0.scope.as_str(), v1.scope.as_str()), ("/cart", "/cart"));
        assert_eq!(
            ValidationRegistration::from_json(&json!({"url": "http://h"}))
                .unwrap()
                .invoke,
            "http://h"
        );
        assert_eq!(
            ValidationRegistration::from_json(&json!({"invoke": "http://i"}))
                .unwrap()
                .invoke,
            "http://i"
        );
    }

    #[test]
    fn unusable_registrations_are_refused() {
        assert_eq!(
            check_hook(&json!({"invoke": "http://h"})),
            Err(RegistrationError::Missing("scope (or subscribeTo)"))
        );
        assert!(matches!(
            check_hook(&json!({"scope": "cart", "invoke": "http://h"})),
            Err(RegistrationError::NotAPointer { .. })
        ));
        assert!(matches!(
            check_validation(&json!({"url": "http://h/{payment_id}"})),
            Err(RegistrationError::Template(_))
        ));
        assert!(check_validation(&json!({"url": "http://h/{order_id}"})).is_ok());
        assert!(matches!(
            check_notification(
                &json!({"scope": "/state", "invoke": "http://h", "schema": {"type": 12}})
            ),
            Err(RegistrationError::Schema(_))
        ));
        assert!(check_notification(&json!({"scope": "/state/currentStatus", "invoke": "http://h", "schema": {"const": "completed"}})).is_ok());
    }

    #[test]
    fn a_schema_cannot_make_the_emulator_fetch_a_remote_ref() {
        let remote = json!({"scope": "/state", "invoke": "http://h", "schema": {"$ref": "http://127.0.0.1:1/schema.json"}});
        assert!(matches!(
            check_notification(&remote),
            Err(RegistrationError::Schema(_))
        ));
    }

    #[test]
    fn an_empty_schema_means_no_filter() {
        let n = NotificationRegistration::from_json(
            &json!({"scope": "/cart", "invoke": "http://h", "schema": {}}),
        )
        .unwrap();
        assert_eq!(n.schema, None);
    }
}
