//! Not only Denver: a California court's e-citation export — Vehicle Code sections as offense
//! codes, licences from other states and provinces, `+1` phones, Canadian postal codes, preferred
//! languages beyond English and Spanish — imports whole, and what is stored reads back as sent.

use crate::helpers::TestApp;
use crate::on_both_backends;
use pleadesk::domain::Role;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// code, description, description_es, penalty class, fine, points, plea_by_mail, must_appear.
type OffenseRow =
    (&'static str, &'static str, &'static str, &'static str, &'static str, i32, &'static str, &'static str);

/// A California offense catalog.
const CA_OFFENSES: &[OffenseRow] = &[
    (
        "VC 22350",
        "Unsafe speed for conditions",
        "Velocidad no segura para las condiciones",
        "infraction",
        "238.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 22349(a)",
        "Exceeding 65 mph on a highway",
        "Exceder 65 mph en una carretera",
        "infraction",
        "238.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 27315(d)(1)",
        "Driver not wearing a seat belt",
        "Conductor sin cinturón de seguridad",
        "infraction",
        "162.00",
        0,
        "Y",
        "N",
    ),
    (
        "VC 27315(e)",
        "Passenger 16 or older not wearing a seat belt",
        "Pasajero de 16 años o más sin cinturón de seguridad",
        "infraction",
        "162.00",
        0,
        "Y",
        "N",
    ),
    (
        "VC 21453(a)",
        "Failure to stop at a red light",
        "No detenerse ante un semáforo en rojo",
        "infraction",
        "490.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 22450(a)",
        "Failure to stop at a stop sign",
        "No detenerse ante una señal de alto",
        "infraction",
        "238.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 23123.5(a)",
        "Holding a phone while driving",
        "Sostener un teléfono mientras conduce",
        "infraction",
        "162.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 4000(a)(1)",
        "Vehicle registration expired",
        "Registro del vehículo vencido",
        "infraction",
        "25.00",
        0,
        "Y",
        "N",
    ),
    ("VC 16028(a)", "No proof of insurance", "Sin comprobante de seguro", "infraction", "797.00", 0, "Y", "N"),
    (
        "VC 26708(a)(1)",
        "Obstructed windshield or side windows",
        "Parabrisas o ventanas laterales obstruidos",
        "infraction",
        "178.00",
        0,
        "Y",
        "N",
    ),
    (
        "VC 21801(a)",
        "Failure to yield when turning left",
        "No ceder el paso al girar a la izquierda",
        "infraction",
        "238.00",
        1,
        "Y",
        "N",
    ),
    (
        "VC 14601.1(a)",
        "Driving with a suspended licence",
        "Conducir con la licencia suspendida",
        "misdemeanor-1y",
        "0.00",
        2,
        "N",
        "Y",
    ),
];

const FIRST: &[&str] = &[
    "José",
    "María José",
    "Zoë",
    "Thảo",
    "Minh",
    "Wei",
    "Xiùyīng",
    "Maricel",
    "Jun-ho",
    "Siobhán",
    "Anne-Marie",
    "D'Shawn",
    "Ngozi",
    "Renée",
    "Łukasz",
    "Ana",
];
const LAST: &[&str] = &[
    "Nguyễn",
    "Trần",
    "O'Brien",
    "D’Angelo",
    "García-Márquez",
    "dela Cruz",
    "Zhāng",
    "李",
    "Kim",
    "Ó Súilleabháin",
    "Smith-Jones",
    "Al-Sayed",
    "Björk",
    "Peña",
    "Lê",
    "Santos",
];
const LANGUAGES: &[&str] = &["vi", "zh", "tl", "es", "en", "", "VI", "ko"];

/// A small deterministic generator (xorshift), so the export is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const HEADER: &str = "citation_number,agency,issued_at,location,officer_badge,court_date,first_name,middle_name,last_name,date_of_birth,address_line1,address_line2,city,state,postal_code,license_number,license_state,plate,plate_state,email,phone,language,charge_seq,offense_code,fine,points";

/// The catalog as the offense CSV.
fn catalog_csv() -> String {
    let mut out = String::from(
        "code,description,description_es,penalty_class,fine,points,plea_by_mail,must_appear,effective_from\n",
    );
    for (code, d, es, class, fine, points, mail, appear) in CA_OFFENSES {
        writeln!(
            out,
            "{},{},{},{class},{fine},{points},{mail},{appear},2020-01-01",
            csv_field(code),
            csv_field(d),
            csv_field(es)
        )
        .unwrap();
    }
    out
}

/// One generated citation: its number and rows.
struct Generated {
    csv: String,
    citations: usize,
    rows: usize,
}

/// A San Francisco court's export of `n` citations with one to three charges each.
fn california_export(n: usize) -> Generated {
    let mut rng = Rng(0x5EED_CA11_F0A1_2026);
    let mut csv = format!("{HEADER}\n");
    let mut rows = 0;
    for i in 0..n {
        let number = format!("SF-2026-{:07}", i + 1);
        let day = 1 + (i % 28) as u32;
        let month = 9 + (i % 3) as u32;
        let issued = format!("2026-{month:02}-{day:02}T{:02}:{:02}:00-07:00", 6 + i % 14, i % 60);
        // Court dates in January and February 2027, on weekdays.
        let court = {
            let mut d = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap() + chrono::Days::new((i % 50) as u64);
            while chrono::Datelike::weekday(&d).number_from_monday() > 5 {
                d = d.succ_opt().unwrap();
            }
            d
        };
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let middle = if i % 4 == 0 { "Lý" } else { "" };
        let dob = format!("{}-{:02}-{:02}", 1950 + (i % 55), 1 + i % 12, 1 + i % 28);
        // Mostly Californians; some from Nevada, Oregon, Arizona, British Columbia, Ontario, Baja
        // California (Mexico).
        let (city, state, postal, lic_state) = match i % 10 {
            0 => ("Vancouver", "BC", "V6B 1A1", "BC"),
            1 => ("Toronto", "ON", "M5V 2T6", "ON"),
            2 => ("Las Vegas", "NV", "89101", "NV"),
            3 => ("Portland", "OR", "97205-2514", "OR"),
            4 => ("San José", "CA", "95112", "BCN"),
            5 => ("Phoenix", "AZ", "85004", "AZ"),
            _ => ("San Francisco", "CA", "94103-1234", "CA"),
        };
        let phone = match i % 4 {
            0 => format!("+1408555{:04}", i % 10_000),
            1 => format!("(415) 555-{:04}", i % 10_000),
            2 => format!("+1 604 555 {:04}", i % 10_000),
            _ => String::new(),
        };
        let email = if i % 3 == 0 { format!("driver{i}@example.org") } else { String::new() };
        let language = LANGUAGES[i % LANGUAGES.len()];
        let location = if i % 2 == 0 { "Mission St & 16th St, San Francisco" } else { "US-101 NB, \"Hospital Curve\"" };
        let charges = 1 + i % 3;
        let by_mail: Vec<usize> = (0..CA_OFFENSES.len()).filter(|k| CA_OFFENSES[*k].6 == "Y").collect();
        for seq in 1..=charges {
            // Distinct codes within a citation; every 25th citation has a must-appear charge.
            let k =
                if seq == 1 && i % 25 == 0 { CA_OFFENSES.len() - 1 } else { by_mail[(i + seq * 3) % by_mail.len()] };
            let (code, _, _, _, fine, points, _, _) = CA_OFFENSES[k];
            let fields = [
                number.as_str(),
                "SFPD",
                &issued,
                location,
                &format!("B{}", 1000 + i % 300),
                &court.to_string(),
                first,
                middle,
                last,
                &dob,
                &format!("{} Valencia St", 100 + i),
                if i % 5 == 0 { "Apt 3, rear" } else { "" },
                city,
                state,
                postal,
                &format!("{}{:07}", if lic_state == "CA" { "A" } else { "" }, i),
                lic_state,
                &format!("{}{:04}", ["7ABC", "8XYZ", "BC-", "NV"][i % 4], i % 10_000),
                lic_state,
                &email,
                &phone,
                language,
                &seq.to_string(),
                code,
                fine,
                &points.to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            writeln!(csv, "{}", line.join(",")).unwrap();
            rows += 1;
        }
    }
    Generated { csv, citations: n, rows }
}

/// Imports the catalog with the real command (`pleadesk import offenses FILE`).
async fn import_california_catalog(app: &TestApp) {
    let path = app.data_dir.path().join("ca-offenses.csv");
    std::fs::write(&path, catalog_csv()).unwrap();
    let out = app.cli().args(["import", "offenses", path.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text} {}", String::from_utf8_lossy(&out.stderr));
}

async fn import_csv(app: &TestApp, token: &str, body: String) -> Value {
    let resp = app.post_import(token, "text/csv", body).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn case(app: &TestApp, token: &str, number: &str) -> Value {
    let resp = app.get_citation(token, number).await;
    assert_eq!(resp.status(), 200, "{number}");
    resp.json().await.unwrap()
}

async fn a_california_export_of_ten_thousand_rows_imports_whole(app: TestApp) {
    import_california_catalog(&app).await;
    let integration = app.token(Role::Integration).await;
    let clerk = app.token(Role::Clerk).await;
    let export = california_export(5_200);
    assert!(export.rows >= 10_000, "{} rows", export.rows);

    let summary = import_csv(&app, &integration, export.csv.clone()).await;
    assert_eq!(summary["rejected"], json!([]), "nothing valid is rejected: {}", summary["rejected"]);
    assert_eq!(summary["imported"], export.citations);

    // Spot checks: what was sent is what is stored.
    let c = case(&app, &clerk, "SF-2026-0000001").await; // i = 0
    assert_eq!(c["defendant"]["middle_name"], "Lý");
    assert_eq!(c["defendant"]["license_state"], "BC");
    assert_eq!(c["vehicle"]["plate_state"], "BC");
    assert_eq!(c["defendant"]["address"]["state"], "BC");
    assert_eq!(c["defendant"]["address"]["postal_code"], "V6B 1A1");
    assert_eq!(c["defendant"]["address"]["line2"], "Apt 3, rear");
    assert_eq!(c["defendant"]["phone"], "+14085550000");
    assert_eq!(c["defendant"]["language"], "vi");
    assert_eq!(c["defendant"]["letter_language"], "en");
    assert_eq!(c["location"], "Mission St & 16th St, San Francisco");
    assert_eq!(c["charges"][0]["offense_code"], "VC 14601.1(a)");
    assert_eq!(c["charges"][0]["must_appear"], true);

    let c = case(&app, &clerk, "SF-2026-0000002").await; // i = 1: two charges
    assert_eq!(c["defendant"]["language"], "zh");
    assert_eq!(c["defendant"]["address"]["postal_code"], "M5V 2T6");
    assert_eq!(c["defendant"]["phone"], "(415) 555-0001");
    assert_eq!(c["location"], "US-101 NB, \"Hospital Curve\"");
    let charges = c["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 2);
    for ch in charges {
        let code = ch["offense_code"].as_str().unwrap();
        let (_, d, es, _, fine, points, _, _) = CA_OFFENSES.iter().find(|o| o.0 == code).expect("a catalog code");
        assert_eq!(ch["description"], *d);
        assert_eq!(ch["description_es"], *es);
        let cents = (fine.parse::<f64>().unwrap() * 100.0).round() as i64;
        assert_eq!(ch["fine_cents"], cents);
        assert_eq!(ch["points"], *points);
        assert_eq!(ch["plea_by_mail"], true);
    }

    let c = case(&app, &clerk, "SF-2026-0000003").await; // i = 2
    assert_eq!(c["defendant"]["language"], "tl");
    assert_eq!(c["defendant"]["phone"], "+1 604 555 0002");
    assert_eq!(c["charges"].as_array().unwrap().len(), 3);
    let c = case(&app, &clerk, "SF-2026-0000004").await; // i = 3
    assert_eq!(c["defendant"]["language"], "es");
    assert_eq!(c["defendant"]["letter_language"], "es");
    assert_eq!(c["defendant"]["address"]["postal_code"], "97205-2514");
    assert_eq!(c["defendant"]["phone"], Value::Null);
    let c = case(&app, &clerk, "SF-2026-0000005").await; // i = 4
    assert_eq!(c["defendant"]["license_state"], "BCN");
    assert_eq!(c["defendant"]["address"]["city"], "San José");
    let c = case(&app, &clerk, "SF-2026-0000006").await; // i = 5: an empty language is English
    assert_eq!(c["defendant"]["language"], "en");
    let c = case(&app, &clerk, "SF-2026-0000007").await; // i = 6: "VI" is stored lower-cased
    assert_eq!(c["defendant"]["language"], "vi");
    let c = case(&app, &clerk, "SF-2026-0000008").await; // i = 7
    assert_eq!(c["defendant"]["language"], "ko");

    // Every generated name, with its accents, apostrophes and hyphens, reads back exactly.
    let mut rng = Rng(0x5EED_CA11_F0A1_2026);
    for i in 0..40 {
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let c = case(&app, &clerk, &format!("SF-2026-{:07}", i + 1)).await;
        assert_eq!(
            (c["defendant"]["first_name"].as_str(), c["defendant"]["last_name"].as_str()),
            (Some(first), Some(last))
        );
    }

    // The same export again changes nothing: codes and languages are stored exactly as sent.
    let again = import_csv(&app, &integration, export.csv).await;
    assert_eq!(again, json!({"imported": 0, "updated": 0, "unchanged": export.citations, "rejected": []}));
}

async fn bad_california_rows_are_still_rejected_by_line(app: TestApp) {
    import_california_catalog(&app).await;
    let clerk = app.token(Role::Clerk).await;
    let good = california_export(3);
    let mut lines: Vec<String> = good.csv.lines().map(str::to_string).collect();
    // lines[0] is the header (line 1); lines[1] is SF-2026-0000001's only charge (line 2).
    let row = |n: &str, lang: &str, code: &str| {
        format!("{n},SFPD,2026-10-01T08:00:00-07:00,Market St,B1,2027-01-05,Ana,,Peña,1990-01-01,1 Market St,,San Francisco,CA,94103,A1,CA,7ABC123,CA,,,{lang},1,\"{code}\",238.00,1")
    };
    lines.push(row("SF-BAD-0001", "xx", "VC 22350")); // line 8: not an ISO 639-1 code
    lines.push(row("SF-BAD-0002", "vi", "vc 22350")); // line 9: codes compare exactly
    lines.push(row("SF-BAD-0003", "vi", "VC 99999")); // line 10: not in the catalog
    lines.push(row("SF-BAD-0004", "vi", &"9".repeat(41))); // line 11: absurd
    lines.push(row("SF-BAD-0005", "zh", "VC 22350").replace("94103", "9410")); // line 12
    lines.push(row("SF-BAD-0006", "tl", "VC 22350").replace(",CA,7ABC123", ",B.C.,7ABC123")); // line 13
    let summary = import_csv(&app, &clerk, lines.join("\n") + "\n").await;
    assert_eq!(summary["imported"], good.citations, "{summary}");
    let rejected: Vec<(u64, String)> = summary["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["error"].as_str().unwrap().to_string()))
        .collect();
    let expect = |line: u64, text: &str| {
        let r = rejected.iter().find(|r| r.0 == line).unwrap_or_else(|| panic!("line {line} not rejected: {summary}"));
        assert!(r.1.contains(text), "line {line}: {}", r.1);
    };
    expect(8, "language 'xx' is not an ISO 639-1 code");
    expect(9, "unknown offense code 'vc 22350'");
    expect(10, "unknown offense code 'VC 99999'");
    expect(11, "longer than 40 characters");
    expect(12, "postal code must be");
    expect(13, "not a state or province code");
    assert_eq!(rejected.len(), 6, "{summary}");
}

/// Letters for speakers of Chinese, Arabic, Amharic and Korean carry the language-assistance line
/// in their script, printed (the Chinese, Korean and Amharic glyphs from the fallback fonts, the
/// Arabic shaped and right to left); before, these lines were left off the PDFs.
async fn letters_print_the_language_assistance_line_in_every_script(app: TestApp) {
    import_california_catalog(&app).await;
    let clerk = app.token(Role::Clerk).await;
    // i = 1 zh, i = 2 (tl → ar), i = 6 (VI → am), i = 7 ko.
    let csv = california_export(8).csv.replace(",tl,", ",ar,").replace(",VI,", ",am,");
    let summary = import_csv(&app, &clerk, csv).await;
    assert_eq!(summary["imported"], 8, "{summary}");
    let mut printed = Vec::new();
    for number in ["SF-2026-0000002", "SF-2026-0000003", "SF-2026-0000007", "SF-2026-0000008"] {
        let resp =
            app.post_json(&clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"})).await;
        assert_eq!(resp.status(), 201);
        let letter: Value = resp.json().await.unwrap();
        assert_eq!(letter["language"], "en", "no letters in their language: English, with the line");
        let pdf = app.get(&clerk, &format!("/api/v1/letters/{}/pdf", letter["id"])).await.bytes().await.unwrap();
        printed.push(pdf);
    }
    #[cfg(has_poppler)]
    {
        let text_of = |pdf: &[u8]| {
            let f = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(f.path(), pdf).unwrap();
            let out = std::process::Command::new("pdftotext").args([f.path().to_str().unwrap(), "-"]).output().unwrap();
            assert!(out.status.success());
            String::from_utf8(out.stdout).unwrap()
        };
        let zh = text_of(&printed[0]);
        assert!(zh.contains("注意：如果您使用繁體中文，您可以免費獲得語言援助服務。"), "{zh}");
        assert!(zh.contains("(720) 555-0100"), "{zh}");
        let am = text_of(&printed[2]);
        assert!(am.contains("ማስታወሻ: የሚናገሩት ቋንቋ ኣማርኛ ከሆነ"), "{am}");
        let ko = text_of(&printed[3]);
        assert!(ko.contains("주의: 한국어를 사용하시는 경우"), "{ko}");
        // Arabic is drawn in visual order with contextual forms: the text read back has the
        // presentation forms of the line's words (U+FE70–U+FEFF) and the number left to right.
        let ar = text_of(&printed[1]);
        let forms = ar.chars().filter(|c| ('\u{FE70}'..='\u{FEFF}').contains(c)).count();
        assert!(forms > 60, "{forms} shaped Arabic letters: {ar}");
        assert!(ar.contains("555-0100"), "{ar}");
        // The fallback faces are embedded only where they are used.
        let fonts_of = |pdf: &[u8]| {
            let f = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(f.path(), pdf).unwrap();
            let out = std::process::Command::new("pdffonts").arg(f.path()).output().unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        assert!(fonts_of(&printed[0]).contains("PleaDeskAssistCJK-Bold"), "{}", fonts_of(&printed[0]));
        assert!(fonts_of(&printed[2]).contains("PleaDeskAssistEthiopic-Bold"), "{}", fonts_of(&printed[2]));
        assert!(!fonts_of(&printed[1]).contains("PleaDeskAssist"), "Arabic is in DejaVu: {}", fonts_of(&printed[1]));
    }
}

/// A Vietnamese speaker's letter is in English with the language-assistance line in Vietnamese
/// (printed and emailed).
async fn letters_carry_the_language_assistance_line(app: TestApp) {
    import_california_catalog(&app).await;
    let clerk = app.token(Role::Clerk).await;
    let export = california_export(4);
    let summary = import_csv(&app, &clerk, export.csv).await;
    assert_eq!(summary["imported"], 4, "{summary}");
    // SF-2026-0000001 (vi) and SF-2026-0000004 (es) have email addresses (i % 3 == 0).
    let mut ids = Vec::new();
    for number in ["SF-2026-0000001", "SF-2026-0000004"] {
        let resp =
            app.post_json(&clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"})).await;
        assert_eq!(resp.status(), 201);
        let letter: Value = resp.json().await.unwrap();
        ids.push((number, letter["id"].as_i64().unwrap(), letter["language"].clone()));
    }
    assert_eq!(ids[0].2, "en", "no Vietnamese letters: English, with the line");
    assert_eq!(ids[1].2, "es");
    app.run_jobs().await;
    let outbox = app.data_dir.path().join("data/outbox");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(&outbox).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&raw).expect("a MIME message");
        bodies.push((msg.body_text(0).unwrap().to_string(), msg.body_html(0).unwrap().to_string()));
    }
    assert_eq!(bodies.len(), 2);
    let vi = bodies.iter().find(|(t, _)| t.contains("CHÚ Ý")).expect("the Vietnamese line in the email");
    assert!(vi.0.contains("Gọi số (720) 555-0100."), "with the court's phone: {}", vi.0);
    assert!(vi.1.contains("<p lang=\"vi\"><strong>CHÚ Ý"), "{}", vi.1);
    let es = bodies.iter().find(|(t, _)| !t.contains("CHÚ Ý")).unwrap();
    assert!(!es.0.contains("ATENCIÓN"), "a Spanish speaker's letters are in Spanish: no line");

    #[cfg(has_poppler)]
    {
        let pdf = app.get(&clerk, &format!("/api/v1/letters/{}/pdf", ids[0].1)).await.bytes().await.unwrap();
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), &pdf).unwrap();
        let out = std::process::Command::new("pdftotext").args([f.path().to_str().unwrap(), "-"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("CHÚ Ý: Nếu bạn nói Tiếng Việt"), "{text}");
        assert!(text.contains("Plea by Mail Form"));
    }
}

/// The resident's pages for a Chinese speaker's case carry the Chinese line, marked as Chinese.
async fn pages_carry_the_language_assistance_line(app: TestApp) {
    import_california_catalog(&app).await;
    let clerk = app.token(Role::Clerk).await;
    let summary = import_csv(&app, &clerk, california_export(4).csv).await;
    assert_eq!(summary["imported"], 4, "{summary}");
    let b = reqwest::Client::builder().pool_idle_timeout(crate::helpers::IDLE).cookie_store(true).build().unwrap();
    let form = b.get(app.url("/lookup")).send().await.unwrap().text().await.unwrap();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a CSRF token")
        .to_string();
    // SF-2026-0000002: i = 1, born 1951-02-02, language zh.
    let look_up = |number: &'static str, month: &'static str, day: &'static str, year: &'static str| {
        b.post(app.url("/case"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("citation_number", number),
                ("date_of_birth_month", month),
                ("date_of_birth_day", day),
                ("date_of_birth_year", year),
            ])
            .send()
    };
    let page = look_up("SF-2026-0000002", "2", "2", "1951").await.unwrap().text().await.unwrap();
    assert!(page.contains("SF-2026-0000002"), "{page}");
    assert!(page.contains(r#"id="language-assistance""#) && page.contains(r#"lang="zh""#), "{page}");
    assert!(page.contains("您可以免費獲得語言援助服務。請致電 (720) 555-0100。"), "{page}");
    // SF-2026-0000005: i = 4, born 1954-05-05, English: no line.
    let page = look_up("SF-2026-0000005", "5", "5", "1954").await.unwrap().text().await.unwrap();
    assert!(page.contains("SF-2026-0000005"), "{page}");
    assert!(!page.contains("language-assistance"), "no language-assistance line for an English speaker");
}

on_both_backends!(
    pages_carry_the_language_assistance_line,
    a_california_export_of_ten_thousand_rows_imports_whole,
    bad_california_rows_are_still_rejected_by_line,
    letters_carry_the_language_assistance_line,
    letters_print_the_language_assistance_line_in_every_script,
);
