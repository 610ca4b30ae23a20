//! Fits a recipient's address into the envelope window: USPS abbreviations where a line is too
//! wide, then a smaller size (never below [`MIN_SIZE`]), then — only as a last resort — middle
//! names dropped and lines shortened at their end. Whatever the input, every line of the result
//! fits the window's width and the block fits its height.

use super::fonts::Face;

/// The size an address is printed at when it fits.
pub const SIZE: f32 = 10.0;
/// The smallest size the address may shrink to (still easy to read for people and scanners).
pub const MIN_SIZE: f32 = 8.0;
/// USPS: at most five lines in an address block.
pub const MAX_LINES: usize = 5;
/// Line spacing as a share of the size.
pub const LEADING: f32 = 1.15;
/// Conservative ascent and descent of the letters' typeface (DejaVu Sans: 0.93 and 0.24 em).
pub const ASCENT: f32 = 0.95;
pub const DESCENT: f32 = 0.25;

/// Where the address may print: the inside of the window, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Room {
    pub width: f32,
    pub height: f32,
}

/// The address as it will be printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub lines: Vec<String>,
    pub size: f32,
}

impl Fitted {
    pub fn leading(&self) -> f32 {
        self.size * LEADING
    }

    /// Height from the top of the first line's letters to the bottom of the last line's.
    pub fn height(&self) -> f32 {
        height(self.lines.len(), self.size)
    }
}

fn height(lines: usize, size: f32) -> f32 {
    size * ASCENT + lines.saturating_sub(1) as f32 * size * LEADING + size * DESCENT
}

/// USPS Publication 28 abbreviations for street suffixes, secondary units and directionals.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("STREET", "ST"),
    ("AVENUE", "AVE"),
    ("BOULEVARD", "BLVD"),
    ("DRIVE", "DR"),
    ("ROAD", "RD"),
    ("LANE", "LN"),
    ("COURT", "CT"),
    ("PLACE", "PL"),
    ("PARKWAY", "PKWY"),
    ("HIGHWAY", "HWY"),
    ("CIRCLE", "CIR"),
    ("TERRACE", "TER"),
    ("TRAIL", "TRL"),
    ("SQUARE", "SQ"),
    ("EXPRESSWAY", "EXPY"),
    ("FREEWAY", "FWY"),
    ("MOUNTAIN", "MTN"),
    ("APARTMENT", "APT"),
    ("SUITE", "STE"),
    ("BUILDING", "BLDG"),
    ("FLOOR", "FL"),
    ("ROOM", "RM"),
    ("DEPARTMENT", "DEPT"),
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
    ("SOUTHWEST", "SW"),
];

/// A street line with every word the USPS abbreviates abbreviated.
pub fn abbreviate(line: &str) -> String {
    line.split(' ')
        .map(|w| ABBREVIATIONS.iter().find(|(long, _)| *long == w).map(|(_, short)| *short).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fits `lines` (name first, the city/state/ZIP line last) into `room`.
pub fn fit(lines: &[String], face: &Face, room: Room) -> Fitted {
    let mut lines: Vec<String> = lines.iter().filter(|l| !l.trim().is_empty()).cloned().collect();
    if lines.is_empty() {
        return Fitted { lines, size: SIZE };
    }
    let fits = |l: &str, size: f32| face.width(l, size) <= room.width;
    // Too many lines: join the street lines from the bottom up (the unit goes beside the street).
    while lines.len() > MAX_LINES {
        let n = lines.len();
        let tail = lines.remove(n - 2);
        lines[n - 3] = format!("{} {tail}", lines[n - 3]);
    }
    // Street lines that are too wide: the USPS abbreviations.
    let last = lines.len() - 1;
    for line in lines.iter_mut().take(last).skip(1) {
        if !fits(line, SIZE) {
            *line = abbreviate(line);
        }
    }
    // The largest size, in half points, at which every line fits and the block fits the height.
    let mut size = SIZE;
    while size > MIN_SIZE && !(lines.iter().all(|l| fits(l, size)) && height(lines.len(), size) <= room.height) {
        size -= 0.5;
    }
    // Still too wide at the smallest size: drop the name's middle words, keeping the first and
    // the last; then shorten the line at its end. The last line keeps its state and ZIP code.
    if !fits(&lines[0], size) {
        let words: Vec<&str> = lines[0].split(' ').collect();
        if words.len() > 2 {
            lines[0] = format!("{} {}", words[0], words[words.len() - 1]);
        }
    }
    for (i, line) in lines.iter_mut().enumerate() {
        if fits(line, size) {
            continue;
        }
        if i == last && i > 0 {
            // CITY ST ZIP: shorten the city only.
            let parts: Vec<&str> = line.rsplitn(3, ' ').collect();
            if parts.len() == 3 {
                let tail = format!(" {} {}", parts[1], parts[0]);
                let mut city: String = parts[2].to_string();
                while !city.is_empty() && !fits(&format!("{city}{tail}"), size) {
                    city.pop();
                }
                *line = format!("{}{tail}", city.trim_end());
                continue;
            }
        }
        while !line.is_empty() && !fits(line, size) {
            line.pop();
        }
        *line = line.trim_end().to_string();
    }
    Fitted { lines, size }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::fonts::fonts;

    const ROOM: Room = Room { width: 3.3 * 72.0, height: 0.755 * 72.0 };

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn assert_inside(f: &Fitted) {
        let face = &fonts().unwrap().regular;
        assert!(f.size >= MIN_SIZE && f.size <= SIZE, "{f:?}");
        assert!(f.lines.len() <= MAX_LINES, "{f:?}");
        assert!(f.height() <= ROOM.height + 0.01, "{f:?}");
        for l in &f.lines {
            assert!(face.width(l, f.size) <= ROOM.width, "'{l}' at {} pt is too wide", f.size);
        }
    }

    #[test]
    fn an_ordinary_address_is_left_alone() {
        let face = &fonts().unwrap().regular;
        let a = lines(&["JOSÉ LUIS MUÑOZ PEÑA", "3301 W 38TH AVE", "DENVER CO 80211"]);
        assert_eq!(fit(&a, face, ROOM), Fitted { lines: a.clone(), size: SIZE });
    }

    #[test]
    fn a_long_street_is_abbreviated_before_anything_shrinks() {
        let face = &fonts().unwrap().regular;
        let a = lines(&[
            "ANA DE LA CRUZ",
            "12345 NORTH MOUNTAIN VIEW BOULEVARD APARTMENT 1234",
            "COLORADO SPRINGS CO 80918-1234",
        ]);
        let f = fit(&a, face, ROOM);
        assert_eq!(f.lines[1], "12345 N MTN VIEW BLVD APT 1234");
        assert_eq!(f.size, SIZE);
        assert_inside(&f);
    }

    #[test]
    fn five_lines_shrink_to_fit_the_height_and_six_are_joined() {
        let face = &fonts().unwrap().regular;
        let five = lines(&["LAN NGUYỄN", "C/O MAI TRAN", "1450 N LAFAYETTE ST", "APT 3", "DENVER CO 80218"]);
        let f = fit(&five, face, ROOM);
        assert_eq!(f.lines.len(), 5);
        assert!(f.size < SIZE, "five lines at 10 pt are taller than the window");
        assert_inside(&f);
        let six =
            lines(&["LAN NGUYỄN", "C/O MAI TRAN", "BUILDING 4", "1450 N LAFAYETTE ST", "APT 3", "DENVER CO 80218"]);
        let f = fit(&six, face, ROOM);
        assert_eq!(f.lines[3], "1450 N LAFAYETTE ST APT 3");
        assert_inside(&f);
    }

    #[test]
    fn the_worst_cases_never_leave_the_window() {
        let face = &fonts().unwrap().regular;
        let huge = "MARÍA DE LOS ÁNGELES GUADALUPE FERNÁNDEZ DE CÓRDOBA Y VILLASEÑOR-MONTENEGRO";
        let f = fit(
            &lines(&[
                huge,
                "C/O WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
                "98765 SOUTHWEST MOUNTAIN VIEW EXPRESSWAY FRONTAGE ROAD BUILDING 12",
                "APARTMENT 1234567 FLOOR 89 ROOM 1011",
                "LLANFAIRPWLLGWYNGYLLGOGERYCHWYRNDROBWLLLLANTYSILIOGOGOGOCH CO 80204-1234",
            ]),
            face,
            ROOM,
        );
        assert_inside(&f);
        assert_eq!(f.lines[0], "MARÍA VILLASEÑOR-MONTENEGRO", "first and last name kept");
        assert!(f.lines[4].ends_with(" CO 80204-1234"), "state and ZIP kept: {}", f.lines[4]);
        assert!(f.lines[4].starts_with("LLANFAIR"));
    }
}
