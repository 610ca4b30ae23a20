//! A complete example of every letter type, in English or Spanish: for tests, benchmarks and the
//! admin's preview of the templates (`/staff/admin/letters`). One case throughout — José Luis
//! Muñoz Peña, speeding and no proof of insurance — at the point in its life each letter is sent.

use super::data::*;
use crate::domain::{Cents, Disposition, Language, LetterType, PaymentMethod, Plea};
use chrono::{NaiveDate, NaiveTime};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn c(cents: i64) -> Cents {
    Cents::new(cents).unwrap_or_default()
}

/// The example letter of `letter_type` in `language`, numbered `letter_id`.
pub fn example_data(letter_type: LetterType, language: Language, letter_id: i64) -> LetterData {
    let words = |en: &str, es: &str| match language {
        Language::En => en.to_string(),
        Language::Es => es.to_string(),
    };
    let speeding = words("Speeding 20-24 mph over the limit", "Exceso de velocidad de 20 a 24 mph sobre el límite");
    let insurance = words("No proof of insurance", "Sin comprobante de seguro");
    let mut data = LetterData {
        letter_id,
        letter_type,
        language,
        date: d("2026-11-28"),
        court: CourtProfile {
            name: "Denver County Court".into(),
            address_lines: vec!["1437 Bannock St, Room 135".into(), "Denver, CO 80202".into()],
            phone: "(720) 555-0100".into(),
            hours: words("Monday to Friday, 8 a.m. to 4:30 p.m.", "de lunes a viernes, de 8 a. m. a 4:30 p. m."),
            website: "https://court.example.org".into(),
            signature: words("Clerk of the Court", "Secretaría del Tribunal"),
            appearance_time: NaiveTime::from_hms_opt(8, 30, 0),
            appearance_place: vec!["Courtroom 3H".into(), "1437 Bannock St".into(), "Denver, CO 80202".into()],
        },
        recipient: Recipient {
            name: "José Luis Muñoz Peña".into(),
            address_lines: crate::domain::address::usps_block(
                "José Luis Muñoz Peña",
                "3301 W 38th Ave",
                None,
                "Denver",
                "CO",
                "80211",
            ),
            email: Some("jose.munoz@example.org".into()),
        },
        citation: CaseInfo {
            number: "DV-2026-000103".into(),
            issued_on: d("2026-10-04"),
            court_date: d("2026-12-16"),
            response_due: d("2026-12-07"),
            location: "I-25 NB, mile 210".into(),
            agency: "DPD".into(),
        },
        charges: vec![
            ChargeLine {
                seq: 1,
                offense_code: "42-4-1101-D".into(),
                description: speeding.clone(),
                fine_cents: 20_000,
                points: 6,
                by_mail: true,
            },
            ChargeLine {
                seq: 2,
                offense_code: "42-4-1409".into(),
                description: insurance.clone(),
                fine_cents: 50_000,
                points: 4,
                by_mail: true,
            },
        ],
        total_fine_cents: 70_000,
        submission: Some(SubmissionInfo {
            confirmation: "PD-7Q4K-M2XD".into(),
            received_on: d("2026-11-27"),
            channel: "online".into(),
            pleas: vec![PleaLine { seq: 1, plea: Plea::NoContest }, PleaLine { seq: 2, plea: Plea::RequestOffer }],
            statement: Some(words("I was driving my daughter to the hospital.", "Llevaba a mi hija al hospital.")),
            documents: vec!["hospital-discharge.pdf".into()],
        }),
        base_url: "https://pleadesk.example.org".into(),
        assistance: None,
        next: None,
        deficiency: None,
        offer: None,
        money: None,
        hearing: None,
        dispositions: Vec::new(),
        deadline: None,
        judgment: None,
        hardship: None,
        confirmation: None,
    };
    let due = |seq: i32, description: &str, fine: i64| DueLine {
        seq,
        description: description.to_string(),
        fine: c(fine),
        costs: c(3_500),
    };
    let paid =
        |on: &str, method: PaymentMethod, amount: i64| PaymentLine { received_on: d(on), method, amount: c(amount) };
    match letter_type {
        LetterType::PleaForm | LetterType::Acknowledgement => {}
        LetterType::Deficiency => {
            data.deficiency = Some(DeficiencyInfo {
                received_on: data.date,
                postmark: Some(d("2026-11-24")),
                unsigned: true,
                missing: vec![MissingPlea { seq: 2, description: insurance.clone() }],
                fix_by: d("2026-12-14"),
                online_until: Some(data.citation.response_due),
            });
            data.citation.response_due = d("2026-12-14");
        }
        LetterType::Offer => {
            data.offer = Some(OfferInfo {
                expires_on: d("2026-12-14"),
                lines: vec![
                    OfferLine {
                        seq: 1,
                        charged: speeding.clone(),
                        offense_code: "42-4-1412".into(),
                        description: words("Defective vehicle (no points)", "Vehículo defectuoso (sin puntos)"),
                        fine: c(15_000),
                        points: 0,
                    },
                    OfferLine {
                        seq: 2,
                        charged: insurance.clone(),
                        offense_code: "42-4-1409".into(),
                        description: insurance.clone(),
                        fine: c(25_000),
                        points: 4,
                    },
                ],
                total_fine: c(40_000),
            });
        }
        LetterType::AmountDue => {
            let lines = vec![due(1, &speeding, 20_000), due(2, &insurance, 50_000)];
            data.money =
                MoneyInfo::new(lines, vec![paid("2026-11-20", PaymentMethod::Check, 10_000)], Some(d("2026-12-28")))
                    .ok();
        }
        LetterType::Hearing => {
            data.hearing = Some(HearingInfo {
                date: d("2026-12-16"),
                time: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default(),
                place: data.court.appearance_place.clone(),
                charges: vec![HearingCharge {
                    seq: 2,
                    description: insurance.clone(),
                    reason: HearingReason::OfferRejected,
                }],
            });
        }
        LetterType::Outcome => {
            let amended = words("Defective vehicle (no points)", "Vehículo defectuoso (sin puntos)");
            let payments = vec![
                paid("2026-11-10", PaymentMethod::Card, 10_000),
                paid("2026-11-25", PaymentMethod::MoneyOrder, 8_500),
            ];
            data.money = MoneyInfo::new(vec![due(1, &amended, 15_000)], payments, None).ok();
            data.dispositions = vec![
                DispositionLine {
                    seq: 1,
                    description: speeding.clone(),
                    disposition: Disposition::PaidAmended,
                    decided_on: d("2026-11-25"),
                },
                DispositionLine {
                    seq: 2,
                    description: insurance.clone(),
                    disposition: Disposition::Dismissed,
                    decided_on: d("2026-11-25"),
                },
            ];
        }
        LetterType::DefaultNotice => {
            data.submission = None;
            data.citation.response_due = d("2026-11-16");
            data.deadline = Some(DeadlineInfo { about: DeadlineAbout::Respond, due_on: d("2026-11-16") });
            data.judgment = Some(JudgmentInfo { entered_on: d("2026-11-27"), set_aside_by: d("2026-12-07") });
            let lines = vec![due(1, &speeding, 20_000), due(2, &insurance, 50_000)];
            data.money = MoneyInfo::new(lines, Vec::new(), Some(d("2026-12-28"))).ok();
        }
        LetterType::Reminder => {
            data.submission = None;
            data.deadline = Some(DeadlineInfo { about: DeadlineAbout::Respond, due_on: data.citation.response_due });
        }
    }
    data
}
