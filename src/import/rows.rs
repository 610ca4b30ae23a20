//! Turns an uploaded file (CSV bytes or a JSON array of objects) into rows of text fields in a
//! fixed column order, each with the physical line it started on. File-level problems (not UTF-8,
//! empty, missing columns) are errors for the whole file; a row with the wrong number of values is
//! reported against that row only.

use std::collections::HashMap;
use std::sync::Arc;

/// One data row. `get(i)` is the value of `columns[i]` of the caller's column list. The row keeps
/// the record as read (one buffer) and a shared map from column to position, so a 26-column row
/// costs two allocations, not 26.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// Physical line of the file where the row starts (the header is line 1); for JSON input the
    /// 1-based position of the object in the array.
    pub line: u64,
    record: csv::StringRecord,
    positions: Arc<[usize]>,
    /// Set when the row could not be split into the expected fields.
    pub problem: Option<String>,
}

impl RawRow {
    /// A row from values already in column order.
    pub fn from_fields(line: u64, fields: &[String], problem: Option<String>) -> RawRow {
        RawRow {
            line,
            record: csv::StringRecord::from(fields.to_vec()),
            positions: (0..fields.len()).collect(),
            problem,
        }
    }

    pub fn get(&self, i: usize) -> &str {
        self.positions.get(i).and_then(|&p| self.record.get(p)).unwrap_or("")
    }

    /// Replaces the value of column `i` (used to move the demo data's dates).
    pub fn set(&mut self, i: usize, value: &str) {
        let fields: Vec<String> = (0..self.positions.len())
            .map(|c| if c == i { value.to_string() } else { self.get(c).to_string() })
            .collect();
        *self = RawRow::from_fields(self.line, &fields, self.problem.take());
    }
}

/// A problem with the file as a whole: nothing in it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

/// Reads CSV bytes (UTF-8, optional BOM, CRLF or LF, RFC 4180 quoting, header row required).
pub fn from_csv(bytes: &[u8], columns: &[&str]) -> Result<Vec<RawRow>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
        return Err(FileError(format!(
            "the file is not UTF-8 text (first bad byte on line {line}); save it as \"CSV UTF-8\" and import it again"
        )));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError(format!("the file is empty; its first line must be the header: {}", columns.join(","))));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let header = reader.byte_headers().map_err(|e| FileError(format!("the header line cannot be read: {e}")))?.clone();
    let names: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase()).collect();
    let positions: Arc<[usize]> = column_positions(&names, columns)?.into();
    let header_len = names.len();

    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    // The csv crate's own line count lags after CR LF endings, so lines are counted here from
    // each record's byte offset.
    let mut counted_to = 0usize;
    let mut line = 1u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(counted_to).min(bytes.len());
                // After a CR the record is said to start on the LF that follows it.
                while start < bytes.len() && (bytes[start] == b'\r' || bytes[start] == b'\n') {
                    start += 1;
                }
                line += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u64;
                counted_to = start;
                if record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue; // a blank line
                }
                let problem = (record.len() != header_len).then(|| {
                    format!(
                        "this line has {} values but the header has {} columns; a value containing a comma must be in double quotes",
                        record.len(),
                        header_len
                    )
                });
                // The whole file was checked to be UTF-8 above.
                let record = csv::StringRecord::from_byte_record(record.clone())
                    .map_err(|e| FileError(format!("line {line} is not UTF-8 text: {e}")))?;
                rows.push(RawRow { line, record, positions: positions.clone(), problem });
            }
            Err(e) => {
                return Err(FileError(format!("the file cannot be read as CSV near line {line}: {e}")));
            }
        }
    }
    if rows.is_empty() {
        return Err(FileError("the file has a header but no rows".into()));
    }
    Ok(rows)
}

/// Reads a JSON array of objects whose keys are the CSV column names. Values may be strings,
/// numbers or null.
pub fn from_json(bytes: &[u8], columns: &[&str]) -> Result<Vec<RawRow>, FileError> {
    let items: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(bytes).map_err(|e| {
        FileError(format!("the body is not a JSON array of objects with the CSV column names as keys ({e})"))
    })?;
    if items.is_empty() {
        return Err(FileError("the JSON array is empty".into()));
    }
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut problem = None;
        let fields: Vec<String> = columns
            .iter()
            .map(|c| match item.get(*c) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(other) => {
                    problem = Some(format!("'{c}' must be a string or a number, not {other}"));
                    String::new()
                }
            })
            .collect();
        let unknown: Vec<&String> = item.keys().filter(|k| !columns.contains(&k.as_str())).collect();
        if problem.is_none() && !unknown.is_empty() {
            let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            problem = Some(format!("unknown field(s): {}", names.join(", ")));
        }
        rows.push(RawRow::from_fields(i as u64 + 1, &fields, problem));
    }
    Ok(rows)
}

fn column_positions(names: &[String], columns: &[&str]) -> Result<Vec<usize>, FileError> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        if index.insert(n.as_str(), i).is_some() && columns.contains(&n.as_str()) {
            return Err(FileError(format!("the header names column '{n}' twice")));
        }
    }
    let missing: Vec<&str> = columns.iter().copied().filter(|c| !index.contains_key(c)).collect();
    if !missing.is_empty() {
        return Err(FileError(format!(
            "the header is missing column(s): {}; the first line must name every column: {}",
            missing.join(", "),
            columns.join(",")
        )));
    }
    Ok(columns.iter().map(|c| index[c]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[&str] = &["a", "b"];

    #[test]
    fn bom_crlf_quotes_and_lines() {
        let csv = "\u{feff}a,b\r\n1,\"x, y\"\r\n2,\"multi\nline\"\r\n\r\n3,z\r\n";
        let rows = from_csv(csv.as_bytes(), COLS).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].get(1), "x, y");
        assert_eq!(rows[1].get(1), "multi\nline");
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[2].line, 6, "the quoted newline and the blank line move the last row down");
    }

    #[test]
    fn file_level_errors() {
        assert!(from_csv(b"", COLS).unwrap_err().0.contains("empty"));
        assert!(from_csv(b"a\n1\n", COLS).unwrap_err().0.contains("missing column(s): b"));
        assert!(from_csv(b"a,b\n\xff,1\n", COLS).unwrap_err().0.contains("not UTF-8"));
        assert!(from_csv(b"a,b\n", COLS).unwrap_err().0.contains("no rows"));
        assert!(from_csv(b"a,b,a\n1,2,3\n", COLS).unwrap_err().0.contains("twice"));
    }

    #[test]
    fn column_order_follows_the_caller() {
        let rows = from_csv(b"B,extra,A\n2,x,1\n", COLS).unwrap();
        assert_eq!((rows[0].get(0), rows[0].get(1)), ("1", "2"));
        let short = from_csv(b"a,b\n1\n", COLS).unwrap();
        assert!(short[0].problem.as_deref().unwrap().contains("1 values"));
    }

    #[test]
    fn json_rows() {
        let rows = from_json(br#"[{"a":"1","b":2},{"a":null,"c":3}]"#, COLS).unwrap();
        assert_eq!((rows[0].get(0), rows[0].get(1)), ("1", "2"));
        assert_eq!(rows[1].line, 2);
        assert!(rows[1].problem.as_deref().unwrap().contains("unknown field(s): c"));
        assert!(from_json(b"{}", COLS).is_err());
    }
}
