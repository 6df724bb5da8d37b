//! What every response carries: security headers, compression, caching; and the server
//! function endpoints behind the pages.

mod common;

use common::TestServer;

fn header(response: &reqwest::Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_nonce_based_policy_and_security_headers() {
    let server = TestServer::sqlite().await;
    // The request form: a page with an island, so with the inline hydration script.
    let response = server.get("/faq/cnes/chamado").await;
    assert_eq!(response.status().as_u16(), 200);
    let csp = header(&response, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "referrer-policy"), "same-origin");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert_eq!(header(&response, "cache-control"), "no-cache");

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_owned();
    assert!(nonce.len() >= 16, "{nonce}");
    let body = response.text().await.unwrap_or_default();
    // Every inline script carries this response's nonce.
    assert!(body.contains("<script type=\"module\" nonce="), "no hydration script in the form page");
    for script in body.split("<script").skip(1) {
        let tag = &script[..script.find('>').unwrap_or(0)];
        if !tag.contains("src=") {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "inline script without the nonce: {tag}");
        }
    }
    // A second response gets another nonce.
    let again = header(&server.get("/faq/cnes/chamado").await, "content-security-policy");
    assert_ne!(again, csp);
    server.finish().await;
}

/// Only the pages with an island load the wasm: the FAQ page, the console and the
/// history page are whole without it and name no script to download.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_pages_with_an_island_name_the_wasm() {
    let server = TestServer::sqlite().await;
    for (path, loads) in [
        ("/faq/cnes", false),
        ("/", false),
        ("/atendimento/entrar", false),
        ("/faq/cnes/chamado", true),
        ("/acompanhar", true),
    ] {
        let body = server.get(path).await.text().await.unwrap_or_default();
        assert_eq!(body.contains(".wasm"), loads, "{path}");
        assert_eq!(body.contains("rel=\"modulepreload\""), loads, "{path}");
        // No resource is written into the page a second time, for a browser to hydrate.
        assert!(!body.contains("__RESOLVED_RESOURCES["), "{path}");
    }
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_page_responses_allow_nothing_active() {
    let server = TestServer::sqlite().await;
    let response = server.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(header(&response, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_when_the_browser_accepts_it() {
    let server = TestServer::sqlite().await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")] {
        let response = server.get_accepting("/faq/cnes", accept).await;
        assert_eq!(header(&response, "content-encoding"), expected, "Accept-Encoding: {accept}");
    }
    let plain = server.get("/faq/cnes").await;
    assert_eq!(header(&plain, "content-encoding"), "");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_assets_are_served_precompressed_with_long_lifetimes() {
    let server = TestServer::sqlite().await;
    let root = std::path::PathBuf::from(server.settings.leptos.site_root.as_ref());
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(pkg.join("webatendimento.abc123.js"), "export const x = 1;\n".repeat(500))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>")
        .unwrap_or_else(|e| panic!("{e}"));
    server::precompress::site(&root).unwrap_or_else(|e| panic!("{e}"));

    let response = server.get_accepting("/pkg/webatendimento.abc123.js", "br").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "content-encoding"), "br");
    assert_eq!(header(&response, "cache-control"), "public, max-age=31536000, immutable");
    assert!(header(&response, "content-type").contains("javascript"));

    std::fs::write(root.join("font.woff2"), vec![7u8; 4096]).unwrap_or_else(|e| panic!("{e}"));
    let font = server.get_accepting("/font.woff2", "br, gzip").await;
    assert_eq!(font.status().as_u16(), 200);
    assert_eq!(header(&font, "content-encoding"), "", "woff2 is compressed already");

    let logo = server.get("/logo.svg").await;
    assert_eq!(logo.status().as_u16(), 200);
    assert_eq!(header(&logo, "cache-control"), "public, max-age=86400");
    assert!(header(&logo, "content-security-policy").starts_with("default-src 'none'"));
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_server_function_answers_json_and_404_for_unknown_systems() {
    let server = TestServer::sqlite().await;
    let response = server.get("/api/faq?system=saps&query=pec").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let body = response.text().await.unwrap_or_default();
    assert!(body.contains("\"slug\":\"saps\""), "{body}");

    let missing = server.get("/api/faq?system=nada&query=").await;
    assert_ne!(missing.status().as_u16(), 200);
    let body = missing.text().await.unwrap_or_default();
    assert!(body.contains("NotFound"), "{body}");
    server.finish().await;
}
