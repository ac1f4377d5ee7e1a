//! Walking a page-numbered list: [`Pages`] asks for one page after another until the list ends.

use std::future::Future;
use std::pin::Pin;

/// One page's request, started by page number.
type Fetch<'a, T, E> =
    Box<dyn FnMut(i64) -> Pin<Box<dyn Future<Output = Result<Vec<T>, E>> + Send + 'a>> + Send + 'a>;

/// The pages of a list, fetched one at a time as they are asked for.
///
/// The list ends at the first empty page: a page shorter than the size asked for is not taken as
/// the last, because a server may cap the page size below what was asked. An error ends it too,
/// after being returned once.
pub struct Pages<'a, T, E> {
    fetch: Fetch<'a, T, E>,
    next: Option<i64>,
}

impl<'a, T, E> Pages<'a, T, E> {
    /// Pages from `first` on.
    pub(crate) fn new(first: i64, fetch: Fetch<'a, T, E>) -> Self {
        Pages {
            fetch,
            next: Some(first),
        }
    }

    /// The next page's items, or `None` once the list has ended.
    pub async fn next_page(&mut self) -> Option<Result<Vec<T>, E>> {
        let page = self.next?;
        let result = (self.fetch)(page).await;
        self.next = match &result {
            Ok(items) if !items.is_empty() => Some(page + 1),
            _ => None,
        };
        match result {
            Ok(items) if items.is_empty() => None,
            other => Some(other),
        }
    }

    /// Every item of every remaining page, in order; the first error, if any.
    pub async fn collect_all(mut self) -> Result<Vec<T>, E> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await {
            all.extend(page?);
        }
        Ok(all)
    }
}

impl<T, E> std::fmt::Debug for Pages<'_, T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}
