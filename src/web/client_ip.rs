//! Who is asking: the address that rate limits count. The TCP peer, unless the peer is one of
//! the reverse proxies in `PLEADESK_TRUSTED_PROXIES`: then the address that proxy says it
//! forwarded for. Such headers from anyone else are ignored — any client can write them.

use crate::config::networks;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The client's address. With a trusted peer, the forwarding chain is read from the right (the
/// end the trusted proxies appended) and the first address that is not itself a trusted proxy is
/// the client; `Forwarded: for=` (RFC 7239) is read when there is no `X-Forwarded-For`. A chain
/// that cannot be read, or holds only trusted proxies, leaves the peer.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    if !networks::contains(trusted, peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(headers);
    let mut found = None;
    for hop in chain.iter().rev() {
        match hop {
            Some(ip) if networks::contains(trusted, *ip) => continue,
            Some(ip) => {
                found = Some(*ip);
                break;
            }
            // A hop that is not an address (`unknown`, an obfuscated name): nothing to its left
            // can be believed.
            None => break,
        }
    }
    Some(found.unwrap_or(peer))
}

/// The addresses of `X-Forwarded-For` (all its lines, in order), else of `Forwarded`'s `for=`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_hop(s.trim()))
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| parse_hop(v.trim().trim_matches('"')))
            })
        })
        .collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    s.rsplit_once(':')
        .and_then(|(ip, port)| port.parse::<u16>().ok().and(ip.parse::<std::net::Ipv4Addr>().ok()))
        .map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn trusted() -> Vec<IpNet> {
        networks::parse_networks("T", "127.0.0.1, 10.0.0.0/8").unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(client_ip(ip("203.0.113.5"), &h, &trusted()), ip("203.0.113.5"));
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &[]), ip("127.0.0.1"), "no proxy trusted by default");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_spoofed_left_part_is_not_believed() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.9")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("198.51.100.9"));
        // Two trusted proxies in a row: the first untrusted address from the right.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.9, 10.1.2.3")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted()), ip("198.51.100.9"));
        // Several header lines are one list.
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("198.51.100.9"));
    }

    #[test]
    fn forwarded_is_read_with_ports_brackets_and_quotes() {
        let h = headers(&[("forwarded", "for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("2001:db8::7"));
        let h = headers(&[("forwarded", "proto=https;for=198.51.100.9:5000")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("198.51.100.9"));
    }

    #[test]
    fn an_unreadable_chain_leaves_the_peer() {
        for bad in ["", "unknown", "not an address", "10.0.0.3"] {
            let h = headers(&[("x-forwarded-for", bad)]);
            assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("127.0.0.1"), "{bad:?}");
        }
        let h = headers(&[("x-forwarded-for", "198.51.100.9, unknown")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &trusted()), ip("127.0.0.1"), "nothing left of 'unknown'");
        assert_eq!(client_ip(None, &headers(&[]), &trusted()), None);
    }
}
