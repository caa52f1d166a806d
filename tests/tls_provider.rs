//! Building a client has no process-wide side effect: the client's TLS config names its own
//! crypto provider, so an application can still install the process default afterwards.
//! (Its own test binary: nothing else in the process may install a provider first.)

use norce_checkout_order::Client;

#[test]
fn an_application_can_install_its_provider_after_building_a_client() {
    let client = Client::builder()
        .base_url("https://tenant.example/checkout/order")
        .api_key("k")
        .merchant("m")
        .channel("c")
        .build()
        .unwrap();
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("no provider was installed by the client");
    drop(client);
}
