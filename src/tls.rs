//! The default transport's TLS configuration, with its own crypto provider.
//!
//! reqwest is built without a bundled provider (`rustls-no-provider`). Installing one
//! process-wide (`CryptoProvider::install_default`) would be a side effect on the whole
//! application: one that installs its own provider afterwards would get an error. The
//! client's config therefore names ring explicitly and leaves the process default alone.
//! Certificates are verified as reqwest does by default: with the platform verifier.

use std::sync::Arc;

/// A rustls client config on ring with the platform's certificate verifier, HTTP/1.1.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| format!("cannot load the platform's certificate verifier: {e}"))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot configure TLS: {e}"))?
        .dangerous() // only names the API that installs a verifier; this one verifies fully
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
