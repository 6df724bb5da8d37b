//! The `server` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;

/// mimalloc instead of the C library's allocator: every response allocates brotli's
/// window and the page's strings, which glibc handed back to the kernel and faulted in
/// again on the next page (see docs/decisions/0021-queue-search-and-counts.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run().await
}
