//! Personal data out of stored errors and log lines. Mail servers quote the recipient in their
//! replies (`550 5.1.1 <ana@example.org>: Recipient address rejected`); such text is scrubbed
//! before it is logged or kept in `jobs.last_error`.

/// `text` with every email address replaced by `[address]` (the `<…>` around it kept).
pub fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let local = |c: char| c.is_alphanumeric() || "._%+-'!#$&*/=?^`{|}~".contains(c);
    let domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let start = {
                let mut s = i;
                while s > 0 && local(chars[s - 1]) {
                    s -= 1;
                }
                s
            };
            let mut end = i + 1;
            while end < chars.len() && domain(chars[end]) {
                end += 1;
            }
            // A trailing dot ends the sentence, not the domain.
            while end > i + 1 && chars[end - 1] == '.' {
                end -= 1;
            }
            if start < i && end > i + 1 {
                let kept = out.chars().count() - (i - start);
                out = out.chars().take(kept).collect();
                out.push_str("[address]");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn addresses_are_removed_and_the_rest_kept() {
        assert_eq!(
            scrub("permanent error (550): 5.1.1 <jose.munoz@example.org>: Recipient address rejected"),
            "permanent error (550): 5.1.1 <[address]>: Recipient address rejected"
        );
        assert_eq!(scrub("to Ana.O'Neil+court@mail.example.co.uk."), "to [address].");
        assert_eq!(scrub("a@b and c@d.e"), "[address] and [address]");
        assert_eq!(scrub("nothing personal @ all"), "nothing personal @ all");
        assert_eq!(scrub("Estimado José <josé@ejemplo.mx>"), "Estimado José <[address]>");
    }
}
