//! The client's address, in one place: the peer of the connection, or, when that peer is
//! one of the operator's reverse proxies (`WEBATEND_TRUSTED_PROXIES`), the address the
//! proxies say they served in `X-Forwarded-For`, so that per-address limits count citizens, not the proxy.
//! Forwarding headers from anyone else are ignored: they are only a claim.

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::request::Parts;
use http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The networks whose forwarding headers are believed (CIDRs or single addresses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// `10.0.0.0/8, 192.0.2.7, ::1`: comma-separated; empty means none.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!("{item:?} is not an address or a network such as 10.0.0.0/8 or 2001:db8::/32")
                })?,
            };
            nets.push(net.trunc());
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: the hops the proxies recorded, read from the nearest one
    /// back, until one that is not a trusted proxy (a client cannot forge what a trusted
    /// proxy appended after it). An unreadable hop stops the walk at the proxy before it.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut current = peer;
        if !self.trusts(current) {
            return current;
        }
        let mut hops = forwarded_hops(headers);
        while self.trusts(current) {
            match hops.pop() {
                Some(Some(hop)) => current = hop,
                Some(None) | None => break,
            }
        }
        current
    }
}

/// The addresses of `X-Forwarded-For`, in order (client first); `None` for an entry that
/// is not an address (`unknown`). Only this header: the common proxies (nginx, HAProxy,
/// Caddy) append to it, while they pass a client's own `Forwarded` header on untouched,
/// so believing `Forwarded` would let any client name its own address.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(node_address)
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn node_address(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value.parse::<SocketAddr>().ok().map(|addr| addr.ip())
}

/// Middleware: when the peer is a trusted proxy, every handler and the access log see the
/// client's address in `ConnectInfo` instead (the one place it is read from).
pub async fn real_client(State(proxies): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    if !proxies.is_empty() {
        if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
            let client = proxies.client(peer.ip(), request.headers());
            if client != peer.ip() {
                request.extensions_mut().insert(ConnectInfo(SocketAddr::new(client, 0)));
            }
        }
    }
    next.run(request).await
}

/// The client's address, as handlers take it (once [`real_client`] ran; read where
/// `app::request_context::client_ip` reads it for server functions).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// As the audit log writes it.
    pub fn logged(self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(app::request_context::client_ip(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap_or_default();
        let claims = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(proxies.client(ip("198.51.100.1"), &claims), ip("198.51.100.1"), "a client's claim is ignored");
        assert_eq!(proxies.client(ip("10.1.2.3"), &claims), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("192.0.2.7"), &claims), ip("203.0.113.9"));
        assert_eq!(TrustedProxies::default().client(ip("10.1.2.3"), &claims), ip("10.1.2.3"), "none configured");
    }

    #[test]
    fn the_walk_stops_at_the_first_untrusted_hop() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap_or_default();
        // The client forged the first entry; the proxy appended the real one.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &forged), ip("203.0.113.9"));
        let unknown = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &unknown), ip("10.0.0.1"));
    }

    #[test]
    fn only_x_forwarded_for_counts_read_with_ports_and_brackets() {
        let proxies = TrustedProxies::parse("::1, 127.0.0.1").unwrap_or_default();
        // A client's own `Forwarded` passes through common proxies untouched: ignored.
        let both = headers(&[("forwarded", "for=192.0.2.60"), ("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(proxies.client(ip("::1"), &both), ip("198.51.100.1"));
        let only_forwarded = headers(&[("forwarded", "for=192.0.2.60")]);
        assert_eq!(proxies.client(ip("::1"), &only_forwarded), ip("::1"));
        let with_port = headers(&[("x-forwarded-for", "192.0.2.60:8080, [2001:db8:cafe::17]:4711")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &with_port), ip("2001:db8:cafe::17"));
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(TrustedProxies::parse(" ").map(|p| p.is_empty()), Ok(true));
    }
}
