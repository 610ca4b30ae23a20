//! The few fixed words the layout itself prints (page numbers, table headings, plea names), in
//! English and Spanish. Everything else a letter says comes from its template.

use crate::domain::{Disposition, Language, LetterType, PaymentMethod, Plea};

pub struct Strings {
    pub page_of: fn(u32, u32) -> String,
    pub citation: &'static str,
    pub charge: &'static str,
    pub code: &'static str,
    pub description: &'static str,
    pub fine: &'static str,
    pub points: &'static str,
    pub total: &'static str,
    pub plea: &'static str,
    pub signature: &'static str,
    pub date: &'static str,
    pub printed_name: &'static str,
    /// The closing before the court's signature.
    pub closing: &'static str,
    /// The label under the QR code: what the court uses to find this letter.
    pub court_reference: &'static str,
    /// Beside the citation number: "letter 42".
    pub letter_lower: &'static str,
    /// A document received with no name of its own.
    pub no_documents: &'static str,
    /// In the pleas table, for a charge that could not be answered by mail.
    pub must_appear: &'static str,
    /// The offer table's headings: the charge on the ticket, and what is offered instead.
    pub charged_with: &'static str,
    pub offered: &'static str,
    /// The amounts table: court costs, a line's amount, what was paid and what is left.
    pub costs: &'static str,
    pub amount: &'static str,
    pub paid: &'static str,
    pub balance: &'static str,
    /// The payments table: how it was paid, and the total.
    pub method: &'static str,
    pub total_paid: &'static str,
    /// The dispositions table: each charge's result.
    pub result: &'static str,
}

const EN: Strings = Strings {
    page_of: |n, m| format!("Page {n} of {m}"),
    citation: "Citation",
    charge: "Charge",
    code: "Code",
    description: "Description",
    fine: "Fine",
    points: "Points",
    total: "Total",
    plea: "Plea",
    signature: "Signature",
    date: "Date",
    printed_name: "Printed name",
    closing: "Sincerely,",
    court_reference: "Court reference",
    letter_lower: "letter",
    no_documents: "No documents were sent with your plea.",
    must_appear: "You must appear in court",
    charged_with: "Charged with",
    offered: "Offered instead",
    costs: "Court costs",
    amount: "Amount",
    paid: "Paid so far",
    balance: "Balance due",
    method: "Paid by",
    total_paid: "Total paid",
    result: "Result",
};

const ES: Strings = Strings {
    page_of: |n, m| format!("Página {n} de {m}"),
    citation: "Citación",
    charge: "Cargo",
    code: "Código",
    description: "Descripción",
    fine: "Multa",
    points: "Puntos",
    total: "Total",
    plea: "Declaración",
    signature: "Firma",
    date: "Fecha",
    printed_name: "Nombre en letra de molde",
    closing: "Atentamente,",
    court_reference: "Referencia del tribunal",
    letter_lower: "carta",
    no_documents: "No se enviaron documentos con su declaración.",
    must_appear: "Debe presentarse en el tribunal",
    charged_with: "Cargo en la citación",
    offered: "Cargo ofrecido",
    costs: "Costas judiciales",
    amount: "Importe",
    paid: "Pagado hasta ahora",
    balance: "Saldo pendiente",
    method: "Forma de pago",
    total_paid: "Total pagado",
    result: "Resultado",
};

pub fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::En => &EN,
        Language::Es => &ES,
    }
}

/// What each plea is called on paper.
pub fn plea_label(plea: Plea, lang: Language) -> &'static str {
    match (lang, plea) {
        (Language::En, Plea::Guilty) => "Guilty",
        (Language::En, Plea::NoContest) => "No contest",
        (Language::En, Plea::NotGuilty) => "Not guilty",
        (Language::En, Plea::RequestOffer) => "Ask the prosecutor for an offer",
        (Language::Es, Plea::Guilty) => "Culpable",
        (Language::Es, Plea::NoContest) => "Sin oposición (no admite culpa)",
        (Language::Es, Plea::NotGuilty) => "No culpable",
        (Language::Es, Plea::RequestOffer) => "Pedir una oferta al fiscal",
    }
}

/// What became of a charge, on paper.
pub fn disposition_label(d: Disposition, lang: Language) -> &'static str {
    use Disposition::*;
    match (lang, d) {
        (Language::En, PaidAsCharged) => "Paid as charged",
        (Language::En, PaidAmended) => "Paid as amended by the offer",
        (Language::En, Dismissed) => "Dismissed",
        (Language::En, HearingSet) => "Set for a hearing",
        (Language::En, DefaultJudgment) => "Default judgment",
        (Language::Es, PaidAsCharged) => "Pagado según la citación",
        (Language::Es, PaidAmended) => "Pagado según la oferta aceptada",
        (Language::Es, Dismissed) => "Desestimado",
        (Language::Es, HearingSet) => "Fijado para audiencia",
        (Language::Es, DefaultJudgment) => "Fallo en rebeldía",
    }
}

/// How a payment was made, on paper.
pub fn method_label(m: PaymentMethod, lang: Language) -> &'static str {
    use PaymentMethod::*;
    match (lang, m) {
        (Language::En, Check) => "Check",
        (Language::En, MoneyOrder) => "Money order",
        (Language::En, Card) => "Card",
        (Language::En, Cash) => "Cash",
        (Language::Es, Check) => "Cheque",
        (Language::Es, MoneyOrder) => "Giro postal",
        (Language::Es, Card) => "Tarjeta",
        (Language::Es, Cash) => "Efectivo",
    }
}

/// What a downloaded or attached letter file is called after its reference: `receipt`, `recibo`…
pub fn file_stem(kind: LetterType, lang: Language) -> &'static str {
    use LetterType::*;
    match (lang, kind) {
        (Language::En, PleaForm) => "plea-form",
        (Language::En, Acknowledgement) => "receipt",
        (Language::En, Deficiency) => "what-is-missing",
        (Language::En, Offer) => "plea-offer",
        (Language::En, AmountDue) => "amount-due",
        (Language::En, Hearing) => "hearing-notice",
        (Language::En, Outcome) => "case-outcome",
        (Language::En, DefaultNotice) => "missed-deadline",
        (Language::En, Reminder) => "reminder",
        (Language::Es, PleaForm) => "formulario-de-declaracion",
        (Language::Es, Acknowledgement) => "recibo",
        (Language::Es, Deficiency) => "lo-que-falta",
        (Language::Es, Offer) => "oferta",
        (Language::Es, AmountDue) => "cantidad-a-pagar",
        (Language::Es, Hearing) => "aviso-de-audiencia",
        (Language::Es, Outcome) => "resultado-del-caso",
        (Language::Es, DefaultNotice) => "plazo-vencido",
        (Language::Es, Reminder) => "recordatorio",
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// `December 15, 2026` / `15 de diciembre de 2026`.
pub fn long_date(d: chrono::NaiveDate, lang: Language) -> String {
    use chrono::Datelike;
    let m = d.month0() as usize;
    match lang {
        Language::En => format!("{} {}, {}", MONTHS_EN[m], d.day(), d.year()),
        Language::Es => format!("{} de {} de {}", d.day(), MONTHS_ES[m], d.year()),
    }
}

/// `8:30 a.m.` / `8:30 a. m.` (a court session's start).
pub fn clock(t: chrono::NaiveTime, lang: Language) -> String {
    use chrono::Timelike;
    let (pm, h) = t.hour12();
    let suffix = match (lang, pm) {
        (Language::En, false) => "a.m.",
        (Language::En, true) => "p.m.",
        (Language::Es, false) => "a. m.",
        (Language::Es, true) => "p. m.",
    };
    format!("{h}:{:02} {suffix}", t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(long_date(d, Language::En), "December 15, 2026");
        assert_eq!(long_date(d, Language::Es), "15 de diciembre de 2026");
        assert_eq!((strings(Language::Es).page_of)(1, 3), "Página 1 de 3");
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(clock(t(8, 30), Language::En), "8:30 a.m.");
        assert_eq!(clock(t(13, 5), Language::Es), "1:05 p. m.");
        assert_eq!(clock(t(12, 0), Language::En), "12:00 p.m.");
    }
}

/// Issue 7, A6: the Spanish a resident reads uses one word for each thing and no leftovers —
/// "sin oposición" (never "sin disputa" or Latin) for no contest, "Pedir una oferta al fiscal",
/// "cita en el tribunal" for the court date, "Cantidad a pagar" for the amount due, no English
/// "money order", no doubled full stops, and a comma after an opening "Por favor".
#[cfg(test)]
mod spanish_words {
    const SPANISH: [(&str, &str); 13] = [
        ("pages", include_str!("../../templates/pages/i18n/es.toml")),
        ("receipt", include_str!("../../templates/letters/es/acknowledgement.txt")),
        ("plea form", include_str!("../../templates/letters/es/plea_form.txt")),
        ("deficiency notice", include_str!("../../templates/letters/es/deficiency_notice.txt")),
        ("plea offer", include_str!("../../templates/letters/es/plea_offer.txt")),
        ("amount due", include_str!("../../templates/letters/es/amount_due.txt")),
        ("hearing notice", include_str!("../../templates/letters/es/hearing_notice.txt")),
        ("outcome", include_str!("../../templates/letters/es/outcome.txt")),
        ("default notice", include_str!("../../templates/letters/es/default_notice.txt")),
        ("reminder", include_str!("../../templates/letters/es/reminder.txt")),
        ("email text", include_str!("../../templates/email/es/letter.txt")),
        ("email html", include_str!("../../templates/email/es/letter.html")),
        ("letter words", include_str!("strings.rs")),
    ];

    #[test]
    fn the_spanish_texts_use_the_agreed_words() {
        // Spelled in pieces so that this list does not find itself in strings.rs.
        let wrong = [
            ["Sin dis", "puta"],
            ["sin dis", "puta"],
            ["nolo con", "tendere"],
            ["a la fis", "calía"],
            ["fecha de tri", "bunal"],
            ["fecha en el tri", "bunal"],
            ["Total a pa", "gar"],
            ["money or", "der"],
            ["pedido de o", "ferta"],
            ["Por favor em", "piece"],
            ["condu", "cir"],
            ["acompa", "ñarle"],
            ["de tri", "bunal del"],
            [". ", "."],
        ];
        for (name, text) in SPANISH {
            let text = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            for w in wrong {
                let w = w.concat();
                assert!(!text.contains(&w), "the Spanish {name} still says '{w}'");
            }
            // The court's hours end in "p. m.": a full stop after them would be doubled.
            for hours in [["hours }", "}."], ["hours_es }", "}."]] {
                assert!(!text.contains(&hours.concat()), "the Spanish {name} puts a full stop after the hours");
            }
        }
    }
}
