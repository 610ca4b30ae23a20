//! What a `[slot]` line of a template stands for: the tables, tick boxes and blocks a letter type
//! fills in from its data. The words in them are the layout's own (`strings.rs`).

use super::data::{self, LetterData};
use super::layout::{Align, Block, Column, Span};
use super::strings::{disposition_label, method_label, plea_label, strings, Strings};
use crate::domain::{Cents, Language};

/// Every slot a template may use, for the error that names an unknown one.
const SLOTS: &str = "[charges], [plea_boxes], [pleas], [statement], [documents], [offer], [amounts], [payments], \
                     [dispositions], [signature] or [closing]";

/// The blocks of `[slot]`, or why it cannot be filled.
pub fn blocks(slot: &str, data: &LetterData) -> Result<Vec<Block>, String> {
    let s = strings(data.language);
    match slot {
        "charges" => Ok(vec![charges(data, s)]),
        "plea_boxes" => Ok(plea_boxes(data, s)),
        "pleas" => pleas(data, s),
        "statement" => {
            let sub = submission(data, "statement")?;
            // The person's own words, printed as written: never read as markup.
            Ok(sub
                .statement
                .iter()
                .flat_map(|t| t.split("\n\n"))
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .map(|p| Block::Paragraph(vec![Span::regular(p)]))
                .collect())
        }
        "documents" => {
            let sub = submission(data, "documents")?;
            if sub.documents.is_empty() {
                return Ok(vec![Block::Paragraph(vec![Span::regular(s.no_documents)])]);
            }
            Ok(vec![Block::Bullets(sub.documents.iter().map(|d| vec![Span::regular(d.clone())]).collect())])
        }
        "offer" => offer(data, s),
        "amounts" => amounts(data, s),
        "payments" => payments(data, s),
        "dispositions" => dispositions(data, s),
        "closing" => Ok(vec![Block::Closing {
            closing: s.closing.into(),
            lines: [vec![data.court.signature.clone(), data.court.name.clone()], data.court.address_lines.clone()]
                .concat(),
            contact: format!("{} · {}", data.court.phone, data.court.website),
        }]),
        "signature" => Ok(vec![Block::SignatureLines(vec![s.signature.into(), s.date.into()])]),
        other => Err(format!("unknown slot [{other}]; use {SLOTS}")),
    }
}

fn money(c: i64) -> String {
    Cents::new(c).map(|c| c.to_string()).unwrap_or_default()
}

fn col(title: &str, width: f32, align: Align) -> Column {
    Column { title: title.into(), width, align }
}

fn submission<'a>(data: &'a LetterData, slot: &str) -> Result<&'a data::SubmissionInfo, String> {
    data.submission.as_ref().ok_or_else(|| format!("[{slot}] needs a plea on file, and this letter has none"))
}

fn charges(data: &LetterData, s: &Strings) -> Block {
    let columns = vec![
        col("#", 0.06, Align::Left),
        col(s.code, 0.17, Align::Left),
        col(s.description, 0.51, Align::Left),
        col(s.fine, 0.14, Align::Right),
        col(s.points, 0.12, Align::Right),
    ];
    let rows = data
        .charges
        .iter()
        .map(|c| {
            vec![
                c.seq.to_string(),
                c.offense_code.clone(),
                c.description.clone(),
                money(c.fine_cents),
                c.points.to_string(),
            ]
        })
        .collect();
    let points: i32 = data.charges.iter().map(|c| c.points).sum();
    let footer = vec![String::new(), String::new(), s.total.into(), money(data.total_fine_cents), points.to_string()];
    Block::Table { columns, rows, footer: Some(footer) }
}

fn plea_boxes(data: &LetterData, s: &Strings) -> Vec<Block> {
    data.charges
        .iter()
        .map(|c| {
            let mut label = vec![Span::bold(format!("{} {}: ", s.charge, c.seq)), Span::regular(c.description.clone())];
            let options = if c.by_mail {
                crate::domain::Plea::ALL.iter().map(|p| plea_label(*p, data.language).to_string()).collect()
            } else {
                label.push(Span::bold(match data.language {
                    Language::En => " — this charge cannot be settled by mail; you must appear in court.",
                    Language::Es => " — este cargo no se puede resolver por correo; debe presentarse en el tribunal.",
                }));
                Vec::new()
            };
            Block::Checkboxes { label, options }
        })
        .collect()
}

fn pleas(data: &LetterData, s: &Strings) -> Result<Vec<Block>, String> {
    let sub = submission(data, "pleas")?;
    let columns = vec![
        col("#", 0.05, Align::Left),
        col(s.description, 0.39, Align::Left),
        col(s.plea, 0.30, Align::Left),
        col(s.fine, 0.14, Align::Right),
        col(s.points, 0.12, Align::Right),
    ];
    let rows = data
        .charges
        .iter()
        .map(|c| {
            let plea = sub.pleas.iter().find(|p| p.seq == c.seq).map(|p| p.plea);
            let (plea, fine) = match plea {
                Some(p) => (plea_label(p, data.language).to_string(), money(c.fine_cents)),
                // Not answerable by mail: the judge sets the fine; "$0.00" would mislead.
                None => (s.must_appear.to_string(), "—".to_string()),
            };
            vec![c.seq.to_string(), c.description.clone(), plea, fine, c.points.to_string()]
        })
        .collect();
    let pleaded = |c: &&data::ChargeLine| sub.pleas.iter().any(|p| p.seq == c.seq);
    let fines: i64 = data.charges.iter().filter(pleaded).map(|c| c.fine_cents).sum();
    let points: i32 = data.charges.iter().map(|c| c.points).sum();
    let footer = vec![String::new(), String::new(), s.total.into(), money(fines), points.to_string()];
    Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
}

/// The offer charge by charge: what the ticket says, what is offered instead, fine and points.
fn offer(data: &LetterData, s: &Strings) -> Result<Vec<Block>, String> {
    let offer = data.offer.as_ref().ok_or("[offer] needs an offer, and this letter has none")?;
    let columns = vec![
        col("#", 0.05, Align::Left),
        col(s.charged_with, 0.30, Align::Left),
        col(s.offered, 0.39, Align::Left),
        col(s.fine, 0.14, Align::Right),
        col(s.points, 0.12, Align::Right),
    ];
    let rows = offer
        .lines
        .iter()
        .map(|l| {
            let offered = format!("{} {}", l.offense_code, l.description);
            vec![l.seq.to_string(), l.charged.clone(), offered, l.fine.to_string(), l.points.to_string()]
        })
        .collect();
    let points: i32 = offer.lines.iter().map(|l| l.points).sum();
    let footer = vec![String::new(), String::new(), s.total.into(), offer.total_fine.to_string(), points.to_string()];
    Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
}

/// What is owed charge by charge (the court-costs column only where there are costs), then the
/// payments already made and the balance.
fn amounts(data: &LetterData, s: &Strings) -> Result<Vec<Block>, String> {
    let m = data.money.as_ref().ok_or("[amounts] needs the amounts due, and this letter has none")?;
    let costs = m.lines.iter().any(|l| l.costs > Cents::ZERO);
    let mut columns =
        vec![col("#", 0.06, Align::Left), col(s.description, if costs { 0.44 } else { 0.64 }, Align::Left)];
    columns.push(col(s.fine, 0.15, Align::Right));
    if costs {
        columns.push(col(s.costs, 0.20, Align::Right));
    }
    columns.push(col(s.amount, 0.15, Align::Right));
    // A row whose label sits in the description column and whose amount is in the last.
    let labelled = |label: &str, amount: Cents| {
        let mut row = vec![String::new(), label.to_string(), String::new()];
        if costs {
            row.push(String::new());
        }
        row.push(amount.to_string());
        row
    };
    let mut rows: Vec<Vec<String>> = m
        .lines
        .iter()
        .map(|l| {
            let mut row = vec![l.seq.to_string(), l.description.clone(), l.fine.to_string()];
            if costs {
                row.push(l.costs.to_string());
            }
            row.push(Cents::new(l.fine.get() + l.costs.get()).map(|c| c.to_string()).unwrap_or_default());
            row
        })
        .collect();
    let footer = if m.payments.is_empty() {
        labelled(s.total, m.due)
    } else {
        rows.push(labelled(s.total, m.due));
        rows.push(labelled(s.paid, m.paid));
        labelled(s.balance, m.balance)
    };
    Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
}

/// The payments received, with their total.
fn payments(data: &LetterData, s: &Strings) -> Result<Vec<Block>, String> {
    let m = data.money.as_ref().ok_or("[payments] needs the payments, and this letter has none")?;
    let columns =
        vec![col(s.date, 0.34, Align::Left), col(s.method, 0.42, Align::Left), col(s.amount, 0.24, Align::Right)];
    let rows = m
        .payments
        .iter()
        .map(|p| {
            vec![
                super::strings::long_date(p.received_on, data.language),
                method_label(p.method, data.language).to_string(),
                p.amount.to_string(),
            ]
        })
        .collect();
    let footer = vec![String::new(), s.total_paid.into(), m.paid.to_string()];
    Ok(vec![Block::Table { columns, rows, footer: Some(footer) }])
}

/// Each charge's result and the day it was decided.
fn dispositions(data: &LetterData, s: &Strings) -> Result<Vec<Block>, String> {
    if data.dispositions.is_empty() {
        return Err("[dispositions] needs each charge's disposition, and this letter has none".into());
    }
    let columns = vec![
        col("#", 0.06, Align::Left),
        col(s.description, 0.38, Align::Left),
        col(s.result, 0.30, Align::Left),
        col(s.date, 0.26, Align::Left),
    ];
    let rows = data
        .dispositions
        .iter()
        .map(|d| {
            vec![
                d.seq.to_string(),
                d.description.clone(),
                disposition_label(d.disposition, data.language).to_string(),
                super::strings::long_date(d.decided_on, data.language),
            ]
        })
        .collect();
    Ok(vec![Block::Table { columns, rows, footer: None }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LetterType;

    #[test]
    fn an_unknown_slot_lists_the_ones_there_are() {
        let data = super::super::example_data(LetterType::PleaForm, Language::En, 1);
        let e = blocks("nonsense", &data).unwrap_err();
        assert!(e.contains("unknown slot [nonsense]") && e.contains("[amounts]"), "{e}");
    }

    /// A heading wider than its column runs into the next one ("MultaCostas judiciales").
    #[test]
    fn every_table_heading_fits_its_column_in_both_languages() {
        use crate::letters::fonts::{fonts, Weight};
        use crate::letters::layout::{LEFT, RIGHT};
        let f = fonts().unwrap();
        for lang in [Language::En, Language::Es] {
            for (kind, slot) in [
                (LetterType::PleaForm, "charges"),
                (LetterType::Acknowledgement, "pleas"),
                (LetterType::Offer, "offer"),
                (LetterType::AmountDue, "amounts"),
                (LetterType::Outcome, "payments"),
                (LetterType::Outcome, "dispositions"),
            ] {
                let data = super::super::example_data(kind, lang, 1);
                let Block::Table { columns, .. } = &blocks(slot, &data).unwrap()[0] else { panic!("a table") };
                for c in columns {
                    let room = c.width * (RIGHT - LEFT) - 6.0;
                    let w = f.width(Weight::Bold, &c.title, 9.0);
                    assert!(w <= room, "[{slot}] in {lang}: '{}' is {w:.0} pt wide in {room:.0} pt", c.title);
                }
            }
        }
    }

    #[test]
    fn the_amounts_table_shows_payments_and_the_balance() {
        let data = super::super::example_data(LetterType::AmountDue, Language::En, 1);
        let Block::Table { rows, footer, columns } = &blocks("amounts", &data).unwrap()[0] else { panic!("a table") };
        assert_eq!(columns.len(), 5, "court costs have their column");
        assert_eq!(rows[0], ["1", "Speeding 20-24 mph over the limit", "$200.00", "$35.00", "$235.00"]);
        assert_eq!(rows[2][4], "$770.00");
        assert_eq!(rows[3][1], "Paid so far");
        assert_eq!(footer.as_ref().unwrap()[4], "$670.00");
    }
}
