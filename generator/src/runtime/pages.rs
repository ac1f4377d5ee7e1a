//! Walking a page-numbered list: [`Pages`] asks for one page after another until the list ends,
//! as a [`Stream`] of items or a page at a time.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

/// One page's request, in flight.
type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<Vec<T>, E>> + Send + 'a>>;

/// Starts one page's request, by page number.
type Fetch<'a, T, E> = Box<dyn FnMut(i64) -> PageFuture<'a, T, E> + Send + 'a>;

/// The pages of a list, fetched one at a time as they are asked for.
///
/// A [`Stream`] of the items of every page, in order, so `futures`' `StreamExt` and
/// `TryStreamExt` apply (`take`, `try_collect`, `try_for_each_concurrent`, ...): a page is
/// requested only when the stream is polled past the items already fetched, so a walk stopped
/// early sends no request for the pages it did not need. [`Pages::next_page`] walks it a page at
/// a time instead, and [`Pages::collect_all`] gathers every item.
///
/// The list ends at the first empty page: a page shorter than the size asked for is not taken as
/// the last, because a server may cap the page size below what was asked. An error ends it too,
/// after being returned once.
pub struct Pages<'a, T, E> {
    fetch: Fetch<'a, T, E>,
    /// The number of the next page to request; `None` once the list has ended.
    next: Option<i64>,
    /// The request for page `next`, while it is in flight.
    in_flight: Option<PageFuture<'a, T, E>>,
    /// Items of the last page not yet taken from the stream.
    buffered: VecDeque<T>,
}

impl<'a, T, E> Pages<'a, T, E> {
    /// Pages from `first` on.
    pub(crate) fn new(first: i64, fetch: Fetch<'a, T, E>) -> Self {
        Pages {
            fetch,
            next: Some(first),
            in_flight: None,
            buffered: VecDeque::new(),
        }
    }

    /// The next page's items, or `None` once the list has ended. Items the stream has fetched
    /// but not yet yielded come first, as a page of their own.
    pub async fn next_page(&mut self) -> Option<Result<Vec<T>, E>> {
        if !self.buffered.is_empty() {
            return Some(Ok(self.buffered.drain(..).collect()));
        }
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// Every item of every remaining page, in order; the first error, if any.
    pub async fn collect_all(mut self) -> Result<Vec<T>, E> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?);
        }
        Ok(all)
    }

    /// Polls the request for the next page, starting it if none is in flight.
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<T>, E>>> {
        let Some(page) = self.next else {
            return Poll::Ready(None);
        };
        let fetch = &mut self.fetch;
        let future = self.in_flight.get_or_insert_with(|| fetch(page));
        let result = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.in_flight = None;
        self.next = match &result {
            Ok(items) if !items.is_empty() => Some(page + 1),
            _ => None,
        };
        Poll::Ready(match result {
            Ok(items) if items.is_empty() => None,
            other => Some(other),
        })
    }
}

// No field is pinned in place (the futures are boxed), whatever `T` is.
impl<T, E> Unpin for Pages<'_, T, E> {}

impl<T, E> Stream for Pages<'_, T, E> {
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(items))) => this.buffered.extend(items),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let more = self.next.is_some();
        (self.buffered.len(), (!more).then_some(self.buffered.len()))
    }
}

impl<T, E> std::fmt::Debug for Pages<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

/// The error of a page whose answer is a form without the list's items: the answer is a union of
/// forms (a bare array, an object with the array in a field), and this one is none of those that
/// hold items, such as `Unknown` (a form the spec does not declare, or one of its forms with an
/// item that does not read). The walk cannot tell such a page from the list's end, so it stops
/// with this error instead of ending as if the list were done.
#[cold]
#[allow(dead_code)] // Only the lists whose answer is a union call it.
pub(crate) fn unreadable<A: serde::Serialize, E>(
    operation: &'static str,
    status: reqwest::StatusCode,
    answer: &A,
) -> crate::Error<E> {
    crate::Error::Decode {
        operation,
        status,
        body: crate::secret::redact_body(&serde_json::to_vec(answer).unwrap_or_default()),
        source: serde::de::Error::custom(
            "the answer is none of the forms of the list the spec declares",
        ),
    }
}
