//! `get_checkout_orders().stream()` / `.pages()` against wiremock: lazy paging that follows
//! `offset`, keeps the filters, and stops on an empty page, a short page or at `totalSize`;
//! an error is yielded and ends the stream.

use futures_util::{StreamExt, TryStreamExt};
use norce_checkout_order::{Client, DEFAULT_PAGE_SIZE, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORDERS: &str = "/api/v0/checkout/orders";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .merchant("m")
        .channel("c")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// A page of orders `first..first + count`, with `totalSize` when given.
fn page(first: usize, count: usize, limit: usize, total: Option<usize>) -> Value {
    let data: Vec<Value> = (first..first + count)
        .map(|i| json!({ "id": format!("o_{i}") }))
        .collect();
    let mut pagination = json!({ "offset": first, "limit": limit, "size": count });
    if let Some(total) = total {
        pagination["totalSize"] = json!(total);
    }
    json!({ "data": data, "pagination": pagination })
}

async fn serve(server: &MockServer, offset: usize, limit: usize, body: Value) {
    Mock::given(method("GET"))
        .and(path(ORDERS))
        .and(query_param("offset", offset.to_string()))
        .and(query_param("limit", limit.to_string()))
        .and(query_param("search", "rosa"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

async fn ids(client: &Client, limit: i32) -> Vec<String> {
    client
        .get_checkout_orders()
        .search("rosa")
        .limit(limit)
        .stream()
        .map_ok(|order| order.id.unwrap())
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_exact_multiple_of_the_page_size_ends_on_the_empty_page() {
    let server = MockServer::start().await;
    serve(&server, 0, 2, page(0, 2, 2, None)).await;
    serve(&server, 2, 2, page(2, 2, 2, None)).await;
    serve(&server, 4, 2, page(4, 0, 2, None)).await;
    assert_eq!(ids(&client(&server), 2).await, ["o_0", "o_1", "o_2", "o_3"]);
}

#[tokio::test]
async fn total_size_ends_the_walk_without_an_empty_page() {
    let server = MockServer::start().await;
    serve(&server, 0, 2, page(0, 2, 2, Some(4))).await;
    serve(&server, 2, 2, page(2, 2, 2, Some(4))).await;
    assert_eq!(ids(&client(&server), 2).await.len(), 4);
}

#[tokio::test]
async fn an_empty_result_is_one_request() {
    let server = MockServer::start().await;
    serve(&server, 0, 2, page(0, 0, 2, Some(0))).await;
    assert!(ids(&client(&server), 2).await.is_empty());
}

#[tokio::test]
async fn a_short_page_ends_the_walk_before_total_size() {
    let server = MockServer::start().await;
    serve(&server, 0, 2, page(0, 2, 2, Some(10))).await;
    serve(&server, 2, 2, page(2, 1, 2, Some(10))).await;
    assert_eq!(ids(&client(&server), 2).await, ["o_0", "o_1", "o_2"]);
}

#[tokio::test]
async fn an_error_is_yielded_and_ends_the_stream() {
    let server = MockServer::start().await;
    serve(&server, 0, 2, page(0, 2, 2, Some(6))).await;
    Mock::given(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({ "code": "unavailable" })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let outcomes: Vec<_> = client
        .get_checkout_orders()
        .search("rosa")
        .limit(2)
        .stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert!(outcomes[..2].iter().all(Result::is_ok));
    let Err(Error::Api(api)) = &outcomes[2] else {
        panic!("{:?}", outcomes[2])
    };
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.operation, "GetCheckoutOrders");
}

#[tokio::test]
async fn pages_are_fetched_lazily_from_the_given_offset() {
    let server = MockServer::start().await;
    let limit = DEFAULT_PAGE_SIZE as usize;
    serve(&server, 5, limit, page(5, limit, limit, Some(1000))).await;
    let client = client(&server);
    let mut pages = Box::pin(
        client
            .get_checkout_orders()
            .search("rosa")
            .offset(5)
            .pages(),
    );
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.data.len(), limit);
    assert_eq!(first.pagination.unwrap().total_size, Some(1000));
    // Nothing beyond the first page was requested (the mock expects exactly one call).
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_filter_value_is_the_first_and_only_item() {
    let server = MockServer::start().await;
    let outcomes: Vec<_> = client(&server)
        .get_checkout_orders()
        .limit(u64::MAX)
        .stream()
        .collect()
        .await;
    assert_eq!(outcomes.len(), 1);
    let Err(Error::InvalidRequest { operation, reason }) = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(operation, "GetCheckoutOrders");
    assert!(reason.contains("limit"), "{reason}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
