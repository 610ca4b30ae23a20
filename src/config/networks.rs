//! Address ranges in the configuration (`PLEADESK_METRICS_ALLOW`): CIDRs such as `10.0.0.0/8` or
//! `fd00::/8`, or single addresses, separated by commas.

use super::{err, ConfigError};
use ipnet::IpNet;
use std::net::IpAddr;

/// Parses a comma-separated list; an empty value is an empty list. A bad entry is named.
pub fn parse_networks(var: &str, value: &str) -> Result<Vec<IpNet>, ConfigError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>().or_else(|_| s.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
                err(var, format!("'{s}' is not an address or a range like 10.0.0.0/8, 127.0.0.1 or ::1/128"))
            })
        })
        .collect()
}

/// Whether `addr` is in one of `networks`. An IPv4 address written as IPv6 (`::ffff:127.0.0.1`,
/// as a dual-stack listener reports it) counts as the IPv4 address.
pub fn contains(networks: &[IpNet], addr: IpAddr) -> bool {
    let addr = addr.to_canonical();
    networks.iter().any(|n| n.contains(&addr))
}

/// The list as it is written in the configuration.
pub fn display(networks: &[IpNet]) -> String {
    networks.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_single_addresses() {
        let n = parse_networks("V", " 127.0.0.0/8, ::1 ,10.1.2.3,").unwrap();
        assert_eq!(display(&n), "127.0.0.0/8, ::1/128, 10.1.2.3/32");
        assert!(contains(&n, "127.5.5.5".parse().unwrap()));
        assert!(contains(&n, "::ffff:127.0.0.1".parse().unwrap()));
        assert!(contains(&n, "10.1.2.3".parse().unwrap()));
        assert!(!contains(&n, "10.1.2.4".parse().unwrap()));
        assert!(!contains(&n, "::2".parse().unwrap()));
        assert!(parse_networks("V", "").unwrap().is_empty());
    }

    #[test]
    fn a_bad_entry_is_named() {
        let e = parse_networks("PLEADESK_METRICS_ALLOW", "127.0.0.0/8, 10.0.0.0/33").unwrap_err();
        assert_eq!(e.var, "PLEADESK_METRICS_ALLOW");
        assert!(e.message.contains("'10.0.0.0/33'"), "{}", e.message);
        assert!(parse_networks("V", "localhost").is_err());
    }
}
