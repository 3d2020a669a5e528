//! Every item of a collection, page after page.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use super::core::{Call, Core};
use super::error::Error;
use crate::Page;

type Fetch<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// Every item of a collection, across its pages: the first page is the
/// list request itself, the next ones are fetched from each page's
/// `@odata.nextLink`, which must stay on the client's host (else the stream
/// ends with [`Error::ForeignLink`] and the token goes nowhere else).
///
/// It is a [`futures_core::Stream`] of `Result<T, Error>`; without a stream
/// library, call [`Items::next`] in a loop, or [`Items::collect_all`]. After
/// an error it ends.
///
/// ```no_run
/// # async fn run<T: serde::de::DeserializeOwned + Send + 'static>(mut items: graph_codegen_runtime::client::Items<T>) -> Result<(), graph_codegen_runtime::client::Error> {
/// while let Some(item) = items.next().await {
///     let item = item?;
///     # let _ = item;
/// }
/// # Ok(())
/// # }
/// ```
pub struct Items<T> {
    core: Core,
    /// Items of the page in hand not yet handed out.
    ready: VecDeque<T>,
    /// The request in flight.
    fetch: Option<Fetch<T>>,
    /// The link the request in flight fetches, to tell a link that repeats.
    fetching: Option<String>,
    /// The next page's link, once the page in hand has one.
    next: Option<String>,
    /// How many pages have come.
    pages: usize,
    done: bool,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("ready", &self.ready.len())
            .field("pages", &self.pages)
            .field("next", &self.next)
            .field("done", &self.done)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Items<T> {
    /// The items of the pages that `first` (a list request) starts.
    pub fn new(core: Core, first: Result<Call<'static>, Error>) -> Self {
        let mut items = Self {
            core: core.clone(),
            ready: VecDeque::new(),
            fetch: None,
            fetching: None,
            next: None,
            pages: 0,
            done: false,
        };
        items.fetch = Some(match first {
            Ok(call) => Box::pin(async move { core.send(call).await?.json::<Page<T>>() }),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        });
        items
    }

    /// The next item, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Every remaining item, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    /// How many pages have arrived so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            if self.fetch.is_none() {
                let Some(link) = self.next.take() else {
                    self.done = true;
                    return Poll::Ready(None);
                };
                // A page that links to itself would be fetched forever.
                if self.fetching.as_deref() == Some(link.as_str()) {
                    self.done = true;
                    return Poll::Ready(Some(Err(Error::InvalidArgument(format!(
                        "the server's @odata.nextLink `{link}` points at the page it came with"
                    )))));
                }
                let core = self.core.clone();
                let fetched = link.clone();
                self.fetching = Some(link);
                self.fetch = Some(Box::pin(async move { core.get_link::<Page<T>>(&fetched).await }));
            }
            let Some(fetch) = self.fetch.as_mut() else { continue };
            match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => {
                    self.fetch = None;
                    match result {
                        Ok(page) => {
                            self.pages += 1;
                            self.ready.extend(page.value);
                            self.next = page.next_link;
                        }
                        Err(error) => {
                            self.done = true;
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                }
            }
        }
    }
}

// Nothing is pinned in place: items are moved out by value, and the request
// in flight is boxed.
impl<T> Unpin for Items<T> {}

impl<T: DeserializeOwned + Send + 'static> futures_core::Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}
