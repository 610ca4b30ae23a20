//! A strict reader of the Prometheus text exposition format (version 0.0.4), so that the tests
//! check `/metrics` as a scraper would read it: `# HELP` and `# TYPE` before a family's samples,
//! one family in one block, well-formed names, quoted and escaped label values, numeric values,
//! and histograms whose buckets grow up to `+Inf` = `_count`.

use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Parses the text or names the first line that breaks the format.
pub fn parse(text: &str) -> Result<Vec<Sample>, String> {
    let mut types: HashMap<String, String> = HashMap::new();
    let mut finished: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut samples = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = |m: &str| format!("line {}: {m}: {line}", i + 1);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (keyword, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if keyword != "HELP" && keyword != "TYPE" {
                continue; // an ordinary comment
            }
            if !is_metric_name(name) {
                return Err(at("bad metric name"));
            }
            if current.as_deref() != Some(name) {
                if finished.iter().any(|f| f == name) {
                    return Err(at("family appears twice"));
                }
                if let Some(c) = current.take() {
                    finished.push(c);
                }
                current = Some(name.to_string());
            }
            if keyword == "TYPE" {
                let kind = parts.next().unwrap_or("");
                if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                    return Err(at("unknown type"));
                }
                if types.insert(name.to_string(), kind.to_string()).is_some() {
                    return Err(at("a second TYPE"));
                }
            }
            continue;
        }
        let sample = sample(line).map_err(|e| at(&e))?;
        let family = current.as_deref().ok_or_else(|| at("a sample before any TYPE"))?;
        let kind = types.get(family).ok_or_else(|| at("a sample without TYPE"))?;
        let belongs = match kind.as_str() {
            "histogram" => ["_bucket", "_sum", "_count"].iter().any(|s| sample.name == format!("{family}{s}")),
            _ => sample.name == family,
        };
        if !belongs {
            return Err(at(&format!("not a sample of the family {family}")));
        }
        if sample.name.ends_with("_bucket") && !sample.labels.contains_key("le") {
            return Err(at("a bucket without le"));
        }
        samples.push(sample);
    }
    check_histograms(&samples, &types)?;
    Ok(samples)
}

fn is_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `name{a="x",b="y"} value [timestamp]`
fn sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("no value")?;
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err("bad metric name".into());
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(body) = rest.strip_prefix('{') {
        let mut chars = body.char_indices().peekable();
        loop {
            let start = chars.peek().map(|(i, _)| *i).ok_or("unclosed labels")?;
            if body[start..].starts_with('}') {
                rest = &body[start + 1..];
                break;
            }
            let eq = body[start..].find("=\"").ok_or("a label without =\"")? + start;
            let label = &body[start..eq];
            if !is_label_name(label) {
                return Err(format!("bad label name '{label}'"));
            }
            while chars.next_if(|(i, _)| *i < eq + 2).is_some() {}
            let mut value = String::new();
            loop {
                match chars.next().ok_or("unclosed label value")?.1 {
                    '"' => break,
                    '\\' => match chars.next().ok_or("a lone backslash")?.1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        c => return Err(format!("bad escape \\{c}")),
                    },
                    '\n' => return Err("a line break in a label value".into()),
                    c => value.push(c),
                }
            }
            if labels.insert(label.to_string(), value).is_some() {
                return Err(format!("label {label} twice"));
            }
            if chars.next_if(|(_, c)| *c == ',').is_none() && chars.peek().map(|(_, c)| *c) != Some('}') {
                return Err("labels not separated by commas".into());
            }
        }
    }
    let mut fields = rest.split_whitespace();
    let value = fields.next().ok_or("no value")?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        v => v.parse::<f64>().map_err(|_| format!("'{v}' is not a number"))?,
    };
    if let Some(ts) = fields.next() {
        ts.parse::<i64>().map_err(|_| format!("'{ts}' is not a timestamp"))?;
    }
    if fields.next().is_some() {
        return Err("text after the value".into());
    }
    Ok(Sample { name: name.to_string(), labels, value })
}

/// A series' labels other than `le`.
type LabelSet = Vec<(String, String)>;

/// Each histogram series: buckets non-decreasing, the `+Inf` bucket equal to `_count`.
fn check_histograms(samples: &[Sample], types: &HashMap<String, String>) -> Result<(), String> {
    for (family, _) in types.iter().filter(|(_, t)| *t == "histogram") {
        let mut series: BTreeMap<LabelSet, Vec<(f64, f64)>> = BTreeMap::new();
        for s in samples.iter().filter(|s| s.name == format!("{family}_bucket")) {
            let key: Vec<_> =
                s.labels.iter().filter(|(k, _)| *k != "le").map(|(k, v)| (k.clone(), v.clone())).collect();
            let le = match s.labels["le"].as_str() {
                "+Inf" => f64::INFINITY,
                v => v.parse().map_err(|_| format!("{family}: le '{v}'"))?,
            };
            series.entry(key).or_default().push((le, s.value));
        }
        for (key, mut buckets) in series {
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            if buckets.windows(2).any(|w| w[1].1 < w[0].1) || buckets.last().map(|b| b.0) != Some(f64::INFINITY) {
                return Err(format!("{family} {key:?}: buckets must grow up to +Inf"));
            }
            let count = samples
                .iter()
                .find(|s| {
                    s.name == format!("{family}_count")
                        && s.labels.iter().map(|(k, v)| (k.clone(), v.clone())).eq(key.clone())
                })
                .ok_or(format!("{family} {key:?}: no _count"))?;
            if count.value != buckets.last().map(|b| b.1).unwrap_or(-1.0) {
                return Err(format!("{family} {key:?}: +Inf bucket differs from _count"));
            }
        }
    }
    Ok(())
}

/// The value of the sample `name` whose labels include `labels`; `None` if there is none.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

#[test]
fn the_reader_accepts_the_format_and_refuses_what_breaks_it() {
    let good = "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"q\\\"\\\\\\n\",y=\"\"} 3\n\
                # TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.7\nh_count 2\n";
    let s = parse(good).unwrap();
    assert_eq!(value(&s, "a_total", &[("x", "q\"\\\n")]), Some(3.0));
    assert_eq!(value(&s, "h_count", &[]), Some(2.0));
    for bad in [
        "a 1\n",                                                                          // no TYPE
        "# TYPE a counter\na{x=\"1\"} one\n",                                             // not a number
        "# TYPE a counter\na{x=1} 1\n",                                                   // unquoted
        "# TYPE a counter\nb 1\n",                                                        // another family's sample
        "# TYPE a counter\na 1\n# TYPE b gauge\nb 1\n# TYPE a counter\n",                 // a family twice
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", // shrinking
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",                       // +Inf != count
        "# TYPE a gauge\na{1x=\"v\"} 1\n",                                                // bad label name
    ] {
        assert!(parse(bad).is_err(), "accepted: {bad}");
    }
}
