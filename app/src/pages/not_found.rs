//! Any path no route knows.

use crate::components::error_view::{set_status, NotFoundContent};
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    view! { <NotFoundContent /> }
}
