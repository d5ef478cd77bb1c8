//! Durations and "(Choose N)" markers as authors write them in headings.

use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Unit {
    Hours,
    Days,
    Weeks,
    Months,
}

impl Unit {
    fn name(self, plural: bool) -> &'static str {
        match (self, plural) {
            (Unit::Hours, false) => "hour",
            (Unit::Hours, true) => "hours",
            (Unit::Days, false) => "day",
            (Unit::Days, true) => "days",
            (Unit::Weeks, false) => "week",
            (Unit::Weeks, true) => "weeks",
            (Unit::Months, false) => "month",
            (Unit::Months, true) => "months",
        }
    }

    fn in_weeks(self) -> f64 {
        match self {
            Unit::Hours => 1.0 / 40.0, // a full-time study week
            Unit::Days => 1.0 / 7.0,
            Unit::Weeks => 1.0,
            Unit::Months => 52.0 / 12.0,
        }
    }
}

/// `12-16 weeks`, `4 weeks`, `8+ weeks`: a range whose upper end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    pub min: f64,
    /// `None` for an open-ended `8+`.
    pub max: Option<f64>,
    pub unit: Unit,
}

impl Duration {
    pub(crate) fn to_unit(self, unit: Unit) -> Duration {
        let factor = self.unit.in_weeks() / unit.in_weeks();
        Duration {
            min: self.min * factor,
            max: self.max.map(|m| m * factor),
            unit,
        }
    }

    /// Adds durations; mixed units are summed in weeks. An open-ended part makes the
    /// whole open-ended, from the sum of the lower bounds.
    pub fn sum(parts: impl IntoIterator<Item = Duration>) -> Option<Duration> {
        let parts: Vec<Duration> = parts.into_iter().collect();
        let first = parts.first()?;
        let unit = if parts.iter().all(|p| p.unit == first.unit) {
            first.unit
        } else {
            Unit::Weeks
        };
        let mut total = Duration {
            min: 0.0,
            max: Some(0.0),
            unit,
        };
        for part in parts.iter().map(|p| p.to_unit(unit)) {
            total.min += part.min;
            total.max = match (total.max, part.max) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
        Some(total)
    }

    pub fn min_weeks(&self) -> f64 {
        self.min * self.unit.in_weeks()
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let number = |n: f64| {
            let rounded = (n * 10.0).round() / 10.0;
            if rounded.fract() == 0.0 {
                format!("{}", rounded as i64)
            } else {
                format!("{rounded:.1}")
            }
        };
        match self.max {
            None => write!(f, "{}+ {}", number(self.min), self.unit.name(true)),
            Some(max) if (max - self.min).abs() < 0.05 => {
                write!(
                    f,
                    "{} {}",
                    number(self.min),
                    self.unit.name(self.min != 1.0)
                )
            }
            Some(max) => write!(
                f,
                "{}-{} {}",
                number(self.min),
                number(max),
                self.unit.name(true)
            ),
        }
    }
}

/// How many tracks of a phase a learner picks: `(Choose 2)`, `(Choose 1-2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Choose {
    pub min: u32,
    pub max: u32,
}

impl std::fmt::Display for Choose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.min == self.max {
            write!(f, "choose {}", self.min)
        } else {
            write!(f, "choose {}-{}", self.min, self.max)
        }
    }
}

/// A heading with its trailing parentheticals taken apart.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadingParts {
    pub title: String,
    pub duration: Option<Duration>,
    pub choose: Option<Choose>,
    /// A parenthetical that reads like a duration but does not parse, e.g. `(several weeks)`.
    pub bad_duration: Option<String>,
}

fn duration_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(\d+(?:\.\d+)?)\s*(?:(?:-|–|—|to)\s*(\d+(?:\.\d+)?)|(\+))?\s*(hours?|hrs?|days?|weeks?|wks?|months?|mos?)(\+)?$")
            .expect("valid regex")
    })
}

fn choose_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(?:choose|pick|select)\s+(?:any\s+)?(\d+)(?:\s*(?:-|–|to|or)\s*(\d+))?$")
            .expect("valid regex")
    })
}

fn looks_like_duration(inner: &str) -> bool {
    let lower = inner.to_lowercase();
    ["week", "month", "day", "hour", "wk"]
        .iter()
        .any(|unit| lower.contains(unit))
}

pub fn parse_duration(inner: &str) -> Option<Duration> {
    let caps = duration_regex().captures(inner.trim())?;
    let min: f64 = caps[1].parse().ok()?;
    let open = caps.get(3).is_some() || caps.get(5).is_some();
    let max = match (caps.get(2), open) {
        (_, true) => None,
        (Some(max), false) => Some(max.as_str().parse().ok()?),
        (None, false) => Some(min),
    };
    if max.is_some_and(|max| max < min) {
        return None;
    }
    let unit_text = caps[4].to_lowercase();
    let unit = match unit_text.chars().next()? {
        'h' => Unit::Hours,
        'd' => Unit::Days,
        'w' => Unit::Weeks,
        _ => Unit::Months,
    };
    Some(Duration { min, max, unit })
}

pub fn split_heading(text: &str) -> HeadingParts {
    let mut parts = HeadingParts {
        title: text.trim().to_string(),
        duration: None,
        choose: None,
        bad_duration: None,
    };
    loop {
        let title = parts.title.trim_end();
        let Some(open) = matching_open_paren(title) else {
            break;
        };
        let inner = &title[open + 1..title.len() - 1];
        if let Some(duration) = parse_duration(inner).filter(|_| parts.duration.is_none()) {
            parts.duration = Some(duration);
        } else if let Some(caps) = choose_regex()
            .captures(inner.trim())
            .filter(|_| parts.choose.is_none())
        {
            let min: u32 = caps[1].parse().unwrap_or(1);
            let max: u32 = caps
                .get(2)
                .and_then(|m| m.as_str().parse().ok())
                .unwrap_or(min);
            parts.choose = Some(Choose {
                min: min.min(max),
                max: max.max(min),
            });
        } else if looks_like_duration(inner)
            && inner
                .chars()
                .any(|c| c.is_ascii_digit() || c.is_alphabetic())
            && parts.bad_duration.is_none()
            && parts.duration.is_none()
        {
            parts.bad_duration = Some(inner.to_string());
        } else {
            break;
        }
        parts.title = title[..open].trim_end().to_string();
    }
    parts
}

/// The index of the `(` that opens the parenthetical ending `text`, if `text` ends with one.
fn matching_open_paren(text: &str) -> Option<usize> {
    if !text.ends_with(')') {
        return None;
    }
    let mut depth = 0;
    for (i, ch) in text.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return (i > 0).then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_with_both_parentheticals() {
        let parts = split_heading("Specialization Tracks (Choose 2) (8-10 weeks)");
        assert_eq!(parts.title, "Specialization Tracks");
        assert_eq!(parts.choose, Some(Choose { min: 2, max: 2 }));
        assert_eq!(parts.duration.unwrap().to_string(), "8-10 weeks");
        let parts = split_heading("Tracks (Choose 1-2)");
        assert_eq!(parts.choose, Some(Choose { min: 1, max: 2 }));
    }

    #[test]
    fn other_parentheticals_stay_in_the_title() {
        let parts = split_heading("Framework Mastery (PyTorch/TensorFlow)");
        assert_eq!(parts.title, "Framework Mastery (PyTorch/TensorFlow)");
        assert_eq!(parts.duration, None);
        assert_eq!(parts.bad_duration, None);
    }

    #[test]
    fn duration_forms() {
        assert_eq!(parse_duration("4 weeks").unwrap().to_string(), "4 weeks");
        assert_eq!(parse_duration("8+ weeks").unwrap().to_string(), "8+ weeks");
        assert_eq!(
            parse_duration("2-3 months").unwrap().to_string(),
            "2-3 months"
        );
        assert_eq!(parse_duration("1 week").unwrap().to_string(), "1 week");
        assert!(parse_duration("several weeks").is_none());
        assert_eq!(
            split_heading("Foundations (several weeks)")
                .bad_duration
                .as_deref(),
            Some("several weeks")
        );
    }

    #[test]
    fn sums_follow_the_seed() {
        let d = |s| parse_duration(s).unwrap();
        let total = Duration::sum([d("12-16 weeks"), d("8-10 weeks"), d("8-10 weeks")]).unwrap();
        assert_eq!(total.to_string(), "28-36 weeks");
        let open = Duration::sum([d("12-16 weeks"), d("8-10 weeks"), d("8+ weeks")]).unwrap();
        assert_eq!(open.to_string(), "28+ weeks");
        let mixed = Duration::sum([d("1 month"), d("2 weeks")]).unwrap();
        assert_eq!(mixed.unit, Unit::Weeks);
    }
}
