//! Issue 7, A7: an address that would not fit the envelope window is fitted and never prints
//! outside it — checked on the real PDF with `pdftotext -bbox` (independent of our layout code).

use crate::helpers::{spawn, Backend};
use serde_json::{json, Value};
use std::process::Command;

const HEADER: &str = "citation_number,agency,issued_at,location,officer_badge,court_date,first_name,middle_name,last_name,date_of_birth,address_line1,address_line2,city,state,postal_code,license_number,license_state,plate,plate_state,email,phone,language,charge_seq,offense_code,fine,points";

/// (xMin, yMin, xMax, yMax, word) of every word on page 1, in points from the top left.
fn words(pdf: &[u8]) -> Vec<(f32, f32, f32, f32, String)> {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", "1", "-l", "1", f.path().to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            (attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), attr(l, "yMax"), text)
        })
        .collect()
}

#[actix_web::test]
#[cfg_attr(not(has_poppler), ignore = "install poppler-utils (pdftotext) to run this")]
async fn the_longest_addresses_print_inside_the_envelope_window() {
    for (offset_x, offset_y) in [("0", "0"), ("0.2", "-0.12")] {
        let app = spawn(
            Backend::Sqlite,
            &[("PLEADESK_ENVELOPE_OFFSET_X", offset_x), ("PLEADESK_ENVELOPE_OFFSET_Y", offset_y)],
        )
        .await;
        let clerk = app.with_samples().await;
        let row = |n: &str, first: &str, middle: &str, last: &str, l1: &str, l2: &str, city: &str| {
            format!("{n},DPD,2026-10-03T08:14:00,Main St,P1,2026-12-15,{first},{middle},{last},1980-01-01,{l1},{l2},{city},CO,80204-1234,,,,,,,en,1,42-4-1101-C,135.00,4")
        };
        let csv = [
            HEADER.to_string(),
            row(
                "DV-2026-000301",
                "María de los Ángeles",
                "Guadalupe Fernández de Córdoba y",
                "Villaseñor-Montenegro",
                "98765 Southwest Mountain View Expressway Frontage Road",
                "Apartment 1234567 Building 12 Floor 89",
                "Colorado Springs",
            ),
            row(
                "DV-2026-000302",
                "Wwwwwwwwwwwwwwwwwww",
                "",
                "Wwwwwwwwwwwwwwwwwwwwwwwwww",
                "1 Main Street",
                "",
                "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
            ),
        ]
        .join("\n");
        let resp = app.post_import(&clerk, "text/csv", csv).await;
        let summary: Value = resp.json().await.unwrap();
        assert_eq!(summary["imported"], 2, "{summary}");

        let (ox, oy) = (offset_x.parse::<f32>().unwrap() * 72.0, offset_y.parse::<f32>().unwrap() * 72.0);
        // SPEC §3: the window is 3.5" × 0.875", 2" from the top and 0.5" from the left; the
        // printer calibration moves the print to meet it.
        let (left, top) = (0.5 * 72.0 + ox, 2.0 * 72.0 + oy);
        let (right, bottom) = (left + 3.5 * 72.0, top + 0.875 * 72.0);
        for number in ["DV-2026-000301", "DV-2026-000302"] {
            let resp = app
                .post_json(&clerk, &format!("/api/v1/citations/{number}/letters"), &json!({"type": "plea_form"}))
                .await;
            assert_eq!(resp.status(), 201);
            let id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
            let pdf = app.get(&clerk, &format!("/api/v1/letters/{id}/pdf")).await.bytes().await.unwrap();
            // The recipient block: everything left of the date column, between the return address
            // and the letter's body.
            let block: Vec<_> = words(&pdf)
                .into_iter()
                .filter(|(x0, y0, _, _, _)| *x0 < 4.2 * 72.0 && *y0 > 1.5 * 72.0 + oy && *y0 < 3.3 * 72.0 + oy)
                .collect();
            let text: Vec<&str> = block.iter().map(|w| w.4.as_str()).collect();
            assert!(text.contains(&"80204-1234") && text.contains(&"CO"), "the last line is printed: {text:?}");
            assert!(block.len() >= 5, "{text:?}");
            for (x0, y0, x1, y1, w) in &block {
                assert!(
                    *x0 >= left && *x1 <= right && *y0 >= top && *y1 <= bottom,
                    "{number}: '{w}' at ({x0}, {y0})–({x1}, {y1}) is outside the window ({left}, {top})–({right}, {bottom}); the block: {text:?}"
                );
            }
        }
    }
}
