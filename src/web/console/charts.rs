//! Bar charts drawn on the server (no JavaScript): the geometry of a horizontal bar chart — one
//! row per label, each bar cut into the series' segments (stacked), its total written after it —
//! for `templates/console/chart.html`, which writes the SVG (escaped by minijinja). The numbers
//! are also in a table beside each chart; the chart's `<desc>` lists them too.

use serde::Serialize;

/// The drawing's width in SVG units (it scales to its column; the text stays readable at 360 px).
const WIDTH: i64 = 400;
/// Left of the bars: the row labels (right-aligned).
const LABEL_W: i64 = 124;
/// Right of the longest bar: its total.
const VALUE_W: i64 = 100;
const ROW_H: i64 = 28;
const LEGEND_H: i64 = 28;

/// One of the series a bar is cut into: a CSS class (`pd-bar--{class}`) and its name.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Series {
    pub class: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Chart {
    /// Unique on the page: the ids of the title and description hang on it.
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub width: i64,
    pub height: i64,
    pub label_x: i64,
    pub rows: Vec<Row>,
    /// Shown when there are several series.
    pub legend: Vec<Legend>,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub label: String,
    pub y: i64,
    pub segments: Vec<Segment>,
    pub value: String,
    pub value_x: i64,
}

#[derive(Debug, Serialize)]
pub struct Segment {
    pub class: &'static str,
    pub x: i64,
    pub width: i64,
}

#[derive(Debug, Serialize)]
pub struct Legend {
    pub class: &'static str,
    pub label: &'static str,
    pub x: i64,
}

/// A horizontal bar chart of `rows` (label, one value per series), bars scaled to the largest
/// total, each total written as `shown` makes it. A value above zero is at least 2 units wide, so
/// it never disappears.
pub fn bars(
    id: &'static str,
    title: String,
    rows: &[(String, Vec<i64>)],
    series: &[Series],
    shown: impl Fn(i64) -> String,
) -> Chart {
    let max = rows.iter().map(|(_, v)| v.iter().sum::<i64>()).max().unwrap_or(0).max(1);
    let span = WIDTH - LABEL_W - VALUE_W;
    let top = if series.len() > 1 { LEGEND_H } else { 0 };
    let rows: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, values))| {
            let mut x = LABEL_W;
            let segments = values
                .iter()
                .zip(series)
                .filter(|(v, _)| **v > 0)
                .map(|(v, s)| {
                    let width = (v * span / max).max(2);
                    let seg = Segment { class: s.class, x, width };
                    x += width;
                    seg
                })
                .collect();
            let total = values.iter().sum();
            Row { label: label.clone(), y: top + i as i64 * ROW_H, segments, value: shown(total), value_x: x + 6 }
        })
        .collect();
    let listed: Vec<String> = rows.iter().map(|r| format!("{}: {}", r.label, r.value)).collect();
    let desc = format!("{}. {}.", title, listed.join("; "));
    let legend = if series.len() > 1 {
        series.iter().enumerate().map(|(i, s)| Legend { class: s.class, label: s.label, x: i as i64 * 110 }).collect()
    } else {
        Vec::new()
    };
    Chart { id, title, desc, width: WIDTH, height: top + rows.len() as i64 * ROW_H, label_x: LABEL_W - 8, rows, legend }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &[Series] = &[Series { class: "a", label: "A" }];
    const TWO: &[Series] = &[Series { class: "a", label: "A" }, Series { class: "b", label: "B" }];

    #[test]
    fn bars_scale_to_the_largest_total() {
        let c = bars(
            "t",
            "Things".into(),
            &[("x".into(), vec![10]), ("y".into(), vec![5]), ("z".into(), vec![0])],
            ONE,
            |n| n.to_string(),
        );
        let span = WIDTH - LABEL_W - VALUE_W;
        assert_eq!(c.rows[0].segments[0].width, span);
        assert_eq!(c.rows[1].segments[0].width, span / 2);
        assert!(c.rows[2].segments.is_empty(), "nothing drawn for zero");
        assert_eq!(c.rows[2].value, "0");
        assert_eq!((c.rows[1].y, c.height), (ROW_H, 3 * ROW_H));
        assert!(c.legend.is_empty());
        assert_eq!(c.desc, "Things. x: 10; y: 5; z: 0.");
    }

    #[test]
    fn stacked_segments_follow_each_other_under_a_legend() {
        let c = bars("t", "T".into(), &[("w".into(), vec![1, 1000]), ("v".into(), vec![0, 0])], TWO, |n| {
            format!("{n} pleas")
        });
        let s = &c.rows[0].segments;
        assert_eq!((s[0].x, s[0].width), (LABEL_W, 2), "a small value stays visible");
        assert_eq!(s[1].x, LABEL_W + 2);
        assert_eq!(c.rows[0].value, "1001 pleas");
        assert_eq!(c.rows[0].value_x, s[1].x + s[1].width + 6);
        assert_eq!((c.legend.len(), c.rows[0].y), (2, LEGEND_H));
        let empty = bars("e", "E".into(), &[], ONE, |n| n.to_string());
        assert_eq!((empty.height, empty.rows.len()), (0, 0));
    }
}
