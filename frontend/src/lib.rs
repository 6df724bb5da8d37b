//! The browser entry point: hydrates the islands of server-rendered pages, nothing else.

// Naming the app's items keeps the island exports linked into the wasm module.
pub use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
