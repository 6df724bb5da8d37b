//! How a page waits for its data: one `Suspense` around the page's resource, the page's
//! own view once it has loaded, and `ErrorView` (with its HTTP status, or the redirect to
//! the sign-in page) when it could not be loaded. Every page that loads something uses it.

use crate::api::AppError;
use crate::components::error_view::ErrorView;
use leptos::prelude::*;
use std::sync::Arc;

/// Waits for `resource` (no fallback: the server answers once the data is there), then
/// shows `children` with the loaded value, or the error.
///
/// ```ignore
/// <Loaded resource=faq let:faq>
///     <FaqView faq />
/// </Loaded>
/// ```
#[component]
pub fn Loaded<T, V, F>(
    /// The page's data, loaded by a server function.
    resource: Resource<Result<T, AppError>>,
    /// The page's view of the loaded value (`let:name` binds it).
    children: F,
    /// What to show instead of `ErrorView` for an error (a page with its own wording for
    /// some errors); it should hand the others to `ErrorView`.
    #[prop(optional, into)]
    on_error: Option<Callback<AppError, AnyView>>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = Arc::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => match on_error {
                            Some(on_error) => on_error.run(error),
                            None => view! { <ErrorView error /> }.into_any(),
                        },
                    }
                })
            }}
        </Suspense>
    }
}
