//! Running PostgreSQL's own tools (`pg_dump`, `pg_restore`) on `DATABASE_URL`. The password, if
//! the URL holds one, goes to the tool through `PGPASSWORD`, not on its command line, where any
//! user of the machine could read it.

use std::process::Command;

/// Runs `program` with `args` and the connection `url`; its error output becomes the error.
pub fn run(program: &str, args: &[&str], url: &str) -> anyhow::Result<()> {
    let (url, password) = without_password(url);
    let mut cmd = Command::new(program);
    cmd.args(args).arg("--dbname").arg(&url).arg("--no-password");
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "{program} was not found: install PostgreSQL's client tools (Debian: apt-get install \
             postgresql-client, the server's major version or newer) so that it is on PATH, or follow \
             README.md, Backups, for the procedure by hand"
        ),
        _ => anyhow::anyhow!("cannot run {program}: {e}"),
    })?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        anyhow::bail!("{program} failed ({}): {}", out.status, said.trim());
    }
    Ok(())
}

/// The URL without its password, and the password (percent-decoded).
pub fn without_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return (url.to_string(), None);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_string(), None);
    };
    let Some(colon) = rest[..at].find(':') else {
        return (url.to_string(), None);
    };
    let password = percent_decode(&rest[colon + 1..at]);
    (format!("{}{}{}", &url[..scheme_end], &rest[..colon], &rest[at..]), Some(password))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn the_password_leaves_the_url() {
        let (url, pw) = without_password("postgres://court:s%40cr%2Ft@db.example:5432/pleadesk?sslmode=require");
        assert_eq!(url, "postgres://court@db.example:5432/pleadesk?sslmode=require");
        assert_eq!(pw.as_deref(), Some("s@cr/t"));
        let (url, pw) = without_password("postgres://postgres@127.0.0.1:5432/postgres");
        assert_eq!((url.as_str(), pw), ("postgres://postgres@127.0.0.1:5432/postgres", None));
        let (url, pw) = without_password("postgresql://localhost/x?user=a:b@c");
        assert_eq!((url.as_str(), pw), ("postgresql://localhost/x?user=a:b@c", None));
    }
}
