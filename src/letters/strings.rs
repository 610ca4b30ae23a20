//! The few fixed words the layout itself prints (page numbers, table headings, plea names), in
//! English and Spanish. Everything else a letter says comes from its template.

use crate::domain::{Language, Plea};

pub struct Strings {
    pub page_of: fn(u32, u32) -> String,
    pub citation: &'static str,
    pub letter: &'static str,
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
}

const EN: Strings = Strings {
    page_of: |n, m| format!("Page {n} of {m}"),
    citation: "Citation",
    letter: "Letter",
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
};

const ES: Strings = Strings {
    page_of: |n, m| format!("Página {n} de {m}"),
    citation: "Citación",
    letter: "Carta",
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
        (Language::Es, Plea::NoContest) => "Sin disputa (nolo contendere)",
        (Language::Es, Plea::NotGuilty) => "No culpable",
        (Language::Es, Plea::RequestOffer) => "Pedir una oferta a la fiscalía",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(long_date(d, Language::En), "December 15, 2026");
        assert_eq!(long_date(d, Language::Es), "15 de diciembre de 2026");
        assert_eq!((strings(Language::Es).page_of)(1, 3), "Página 1 de 3");
    }
}
