//! How a scanned batch becomes envelopes, and what each envelope is linked to — pure rules over
//! what was read from each page (the services read the pages and check the letters on file).
//!
//! Splitting: a separator sheet ends the envelope before it and belongs to none; a page whose
//! QR code names a letter other than the current envelope's starts a new envelope (the later
//! pages of one letter carry the same code); any other page belongs to the envelope before it
//! (a check, a note, a copy of the ticket), or starts the first one.

string_enum!(
    /// Why a page or an envelope needs a clerk's eye: `unreadable` (the page could not be
    /// decoded; it is kept as it is), `unknown_letter` (its code names a letter that is not on
    /// file for the citation it names), `other_citation` (its code names a different citation
    /// than the rest of its envelope).
    ScanFlag, "scan flag" {
        Unreadable => "unreadable",
        UnknownLetter => "unknown_letter",
        OtherCitation => "other_citation",
    }
);

string_enum!(
    /// Where a mis-split page goes.
    MoveTo, "direction" { Previous => "previous", Next => "next" }
);

/// What a page's QR code says, checked against the letters on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// No code of ours.
    Plain,
    /// A separator sheet.
    Separator,
    /// Our letter's code: the letter it names, the citation it names, and whether that letter is
    /// on file and belongs to that citation.
    Letter { letter_id: i64, citation_number: String, on_file: bool },
}

/// One page as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub mark: Mark,
    pub unreadable: bool,
}

/// Splits a batch into envelopes: each a list of page indexes (0-based, ascending); separator
/// sheets are in none.
pub fn split(marks: &[Mark]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    // The envelope being filled and the letter it is for (once a page named one).
    let mut current: Option<(Vec<usize>, Option<i64>)> = None;
    for (i, mark) in marks.iter().enumerate() {
        match mark {
            Mark::Separator => out.extend(current.take().map(|(pages, _)| pages)),
            Mark::Letter { letter_id, .. } => match &mut current {
                Some((_, Some(letter))) if letter != letter_id => {
                    out.extend(current.replace((vec![i], Some(*letter_id))).map(|(pages, _)| pages));
                }
                Some((pages, letter)) => {
                    pages.push(i);
                    letter.get_or_insert(*letter_id);
                }
                None => current = Some((vec![i], Some(*letter_id))),
            },
            Mark::Plain => match &mut current {
                Some((pages, _)) => pages.push(i),
                None => current = Some((vec![i], None)),
            },
        }
    }
    out.extend(current.map(|(pages, _)| pages));
    out
}

/// What an envelope is linked to, and the flags of its pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// The citation and letter of the envelope's first code that is on file.
    pub citation_number: Option<String>,
    pub letter_id: Option<i64>,
    /// Per page of the envelope, in order.
    pub page_flags: Vec<Vec<ScanFlag>>,
    /// Every flag of its pages, once each.
    pub flags: Vec<ScanFlag>,
}

/// Links an envelope (its pages in order) by the first code on file. A page whose code names a
/// different citation is flagged and changes nothing: the clerk decides, nothing is guessed.
pub fn link(pages: &[&Page]) -> Link {
    let first = pages.iter().find_map(|p| match &p.mark {
        Mark::Letter { letter_id, citation_number, on_file: true } => Some((citation_number.clone(), *letter_id)),
        _ => None,
    });
    let page_flags: Vec<Vec<ScanFlag>> = pages
        .iter()
        .map(|p| {
            let mut flags = Vec::new();
            if p.unreadable {
                flags.push(ScanFlag::Unreadable);
            }
            if let Mark::Letter { citation_number, on_file, .. } = &p.mark {
                if !on_file {
                    flags.push(ScanFlag::UnknownLetter);
                }
                if first.as_ref().is_some_and(|(number, _)| number != citation_number) {
                    flags.push(ScanFlag::OtherCitation);
                }
            }
            flags
        })
        .collect();
    let mut flags: Vec<ScanFlag> = page_flags.iter().flatten().copied().collect();
    flags.sort();
    flags.dedup();
    let (citation_number, letter_id) = first.map_or((None, None), |(n, l)| (Some(n), Some(l)));
    Link { citation_number, letter_id, page_flags, flags }
}

/// Checks that `page` can move out of an envelope holding `pages` (ascending page numbers) in
/// direction `to`: only its first page can go to the envelope before, only its last to the one
/// after, so that every envelope stays a run of consecutive pages.
pub fn check_move(pages: &[u32], page: u32, to: MoveTo, has_neighbour: bool) -> Result<(), String> {
    if !pages.contains(&page) {
        return Err(format!("page {page} is not in this envelope"));
    }
    let (edge, word) = match to {
        MoveTo::Previous => (pages.first(), "first"),
        MoveTo::Next => (pages.last(), "last"),
    };
    if edge != Some(&page) {
        return Err(format!("only the {word} page of an envelope can move to the {to} envelope"));
    }
    if !has_neighbour {
        return Err(format!("there is no {to} envelope in this batch"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(id: i64, number: &str) -> Mark {
        Mark::Letter { letter_id: id, citation_number: number.into(), on_file: true }
    }

    #[test]
    fn a_new_letter_starts_an_envelope_and_other_pages_follow_the_one_before() {
        let marks = [letter(1, "A"), letter(1, "A"), Mark::Plain, letter(2, "B"), Mark::Plain, letter(2, "B")];
        assert_eq!(split(&marks), vec![vec![0, 1, 2], vec![3, 4, 5]]);
    }

    #[test]
    fn a_separator_starts_an_envelope_whose_first_page_is_not_ours() {
        use Mark::{Plain, Separator};
        let marks = [letter(1, "A"), Plain, Separator, Plain, letter(2, "B"), Separator, Separator, Plain, Separator];
        assert_eq!(split(&marks), vec![vec![0, 1], vec![3, 4], vec![7]]);
        assert_eq!(split(&[Plain, Plain]), vec![vec![0, 1]]);
        assert!(split(&[Separator]).is_empty());
        assert!(split(&[]).is_empty());
    }

    #[test]
    fn an_envelope_is_linked_by_its_first_code_on_file() {
        let unknown = Mark::Letter { letter_id: 9, citation_number: "A".into(), on_file: false };
        let pages = [
            Page { mark: Mark::Plain, unreadable: true },
            Page { mark: unknown, unreadable: false },
            Page { mark: letter(1, "A"), unreadable: false },
        ];
        let l = link(&pages.iter().collect::<Vec<_>>());
        assert_eq!((l.citation_number.as_deref(), l.letter_id), (Some("A"), Some(1)));
        assert_eq!(l.page_flags, vec![vec![ScanFlag::Unreadable], vec![ScanFlag::UnknownLetter], vec![]]);
        assert_eq!(l.flags, vec![ScanFlag::Unreadable, ScanFlag::UnknownLetter]);
    }

    #[test]
    fn a_page_of_another_citation_is_flagged_not_guessed() {
        let pages =
            [Page { mark: letter(1, "A"), unreadable: false }, Page { mark: letter(7, "B"), unreadable: false }];
        let l = link(&pages.iter().collect::<Vec<_>>());
        assert_eq!((l.citation_number.as_deref(), l.letter_id), (Some("A"), Some(1)));
        assert_eq!(l.page_flags, vec![vec![], vec![ScanFlag::OtherCitation]]);
        let plain = [Page { mark: Mark::Plain, unreadable: false }];
        assert_eq!(link(&plain.iter().collect::<Vec<_>>()), Link { page_flags: vec![vec![]], ..Link::default() });
    }

    #[test]
    fn only_edge_pages_move_and_only_to_an_envelope_that_exists() {
        assert!(check_move(&[3, 4, 5], 3, MoveTo::Previous, true).is_ok());
        assert!(check_move(&[3, 4, 5], 5, MoveTo::Next, true).is_ok());
        assert!(check_move(&[3, 4, 5], 4, MoveTo::Next, true).unwrap_err().contains("last page"));
        assert!(check_move(&[3, 4, 5], 5, MoveTo::Previous, true).unwrap_err().contains("first page"));
        assert!(check_move(&[3, 4, 5], 3, MoveTo::Previous, false).unwrap_err().contains("no previous"));
        assert!(check_move(&[3, 4, 5], 9, MoveTo::Next, true).unwrap_err().contains("not in this envelope"));
    }
}
