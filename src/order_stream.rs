//! Walking every order that matches a `GetCheckoutOrders` query, page by page.
//!
//! `client.get_checkout_orders()` with any filters, then [`stream`] for the orders or
//! [`pages`] for the pages with their figures. Pages are fetched lazily, `limit(n)` orders
//! at a time (default [`DEFAULT_PAGE_SIZE`]), from `offset(n)` (default 0) on. The walk
//! ends on an empty page, a short page or at `totalSize`; an error is yielded and ends it.
//!
//! A short page is judged against the `limit` the server reports for the page when it
//! reports one (a server may cap the page size below the requested one), else against the
//! requested page size.
//!
//! [`stream`]: crate::operations::GetCheckoutOrders::stream
//! [`pages`]: crate::operations::GetCheckoutOrders::pages

use futures_util::{Stream, StreamExt, stream};

use crate::error::Result;
use crate::operations::GetCheckoutOrders;
use crate::types::{Order, OrderPaginationSet};

/// Orders per page when the query sets no `limit`.
pub const DEFAULT_PAGE_SIZE: i32 = 100;

/// Where the walk stands: the query and the next page's offset.
struct Cursor<'a> {
    query: GetCheckoutOrders<'a>,
    offset: i32,
    limit: i32,
}

impl<'a> GetCheckoutOrders<'a> {
    /// Every matching order, fetched a page at a time as the stream is polled.
    pub fn stream(self) -> impl Stream<Item = Result<Order>> + 'a {
        self.pages().flat_map(|page| {
            let orders: Vec<Result<Order>> = match page {
                Ok(page) => page.data.into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            stream::iter(orders)
        })
    }

    /// Every page of matching orders with its pagination figures, fetched as polled.
    pub fn pages(self) -> impl Stream<Item = Result<OrderPaginationSet>> + 'a {
        // A setter given a bad value keeps its error: the first request reports it.
        let limit = match self.limit {
            Ok(Some(limit)) if limit > 0 => limit,
            _ => DEFAULT_PAGE_SIZE,
        };
        let offset = match self.offset {
            Ok(Some(offset)) => offset.max(0),
            _ => 0,
        };
        let first = self.limit.is_ok() && self.offset.is_ok();
        let start = Cursor {
            query: self,
            offset,
            limit,
        };
        stream::unfold(Some((start, first)), |state| async move {
            let (cursor, settable) = state?;
            let query = if settable {
                cursor
                    .query
                    .clone()
                    .offset(cursor.offset)
                    .limit(cursor.limit)
            } else {
                cursor.query.clone()
            };
            match query.send().await {
                Err(error) => Some((Err(error), None)),
                Ok(page) => {
                    let page = page.into_inner();
                    let next = next_cursor(cursor, &page);
                    Some((Ok(page), next.map(|c| (c, true))))
                }
            }
        })
    }
}

/// The cursor after `page`, or `None` when it was the last one.
fn next_cursor<'a>(mut cursor: Cursor<'a>, page: &OrderPaginationSet) -> Option<Cursor<'a>> {
    let got = i32::try_from(page.data.len()).unwrap_or(i32::MAX);
    let figures = page.pagination.as_ref();
    let page_size = figures
        .and_then(|p| p.limit)
        .filter(|limit| *limit > 0)
        .unwrap_or(cursor.limit);
    let offset = cursor.offset.saturating_add(got);
    let total = figures.and_then(|p| p.total_size);
    let more = got > 0 && got >= page_size && total.is_none_or(|total| offset < total);
    cursor.offset = offset;
    more.then_some(cursor)
}
