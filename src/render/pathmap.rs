//! The path map: a diagram of one learning path drawn at build time as inline SVG. Phases
//! run top to bottom along a numbered rail; a phase's own modules sit in a grid, its groups
//! and tracks in lanes side by side; every module is a link. Colours come from the theme's
//! CSS variables, so the map follows light and dark; the reader script marks done modules
//! (`.is-done`) and chosen tracks once progress is loaded.

use super::urls::{group_url, module_url, phase_url};
use crate::links::relative_url;
use crate::markdown::html::escape_attr;
use crate::model::{LearningPath, ModuleRef, Site};
use std::fmt::Write;

const WIDTH: f64 = 760.0;
const LEFT: f64 = 48.0;
const GAP: f64 = 12.0;
const NODE_MIN_W: f64 = 200.0;
const LINE_H: f64 = 16.0;
/// Average glyph width of the node font (13px system UI), for wrapping titles.
const CHAR_W: f64 = 7.1;
const MAX_LINES: usize = 3;

fn esc(text: &str) -> String {
    escape_attr(text)
}

/// Greedy word wrap into at most `MAX_LINES` lines of `width` characters; the last line
/// gets an ellipsis when text is left over.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if candidate.chars().count() <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    for line in &mut lines {
        if line.chars().count() > width {
            *line = format!("{}…", line.chars().take(width - 1).collect::<String>());
        }
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = lines.last_mut().expect("lines");
        let kept: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

struct Map<'a> {
    site: &'a Site,
    page_url: &'a str,
    out: String,
}

impl Map<'_> {
    fn node_height(&self, title: &str, w: f64) -> f64 {
        let lines = wrap(title, ((w - 34.0) / CHAR_W) as usize).len().max(1);
        14.0 + lines as f64 * LINE_H
    }

    fn title(&self, m: &ModuleRef) -> String {
        self.site.module_title(&m.slug)
    }

    /// Modules in a grid of `columns` starting at (x, y) over `w`; returns the grid height.
    fn grid(&mut self, modules: &[ModuleRef], x: f64, y: f64, w: f64) -> f64 {
        if modules.is_empty() {
            return 0.0;
        }
        let columns = ((w + GAP) / (NODE_MIN_W + GAP)).floor().max(1.0) as usize;
        let columns = columns.min(modules.len());
        let node_w = (w - GAP * (columns as f64 - 1.0)) / columns as f64;
        let mut top = y;
        for row in modules.chunks(columns) {
            let row_h = row
                .iter()
                .map(|m| self.node_height(&self.title(m), node_w))
                .fold(0.0, f64::max);
            for (i, m) in row.iter().enumerate() {
                let nx = x + i as f64 * (node_w + GAP);
                self.node(m, nx, top, node_w, row_h);
            }
            top += row_h + GAP;
        }
        top - y - GAP
    }

    fn node(&mut self, m: &ModuleRef, x: f64, y: f64, w: f64, h: f64) {
        let title = self.title(m);
        let lines = wrap(&title, ((w - 34.0) / CHAR_W) as usize);
        let exists = self.site.modules.get(&m.slug).is_some_and(|m| m.exists);
        let out = &mut self.out;
        if exists {
            let href = relative_url(self.page_url, &module_url(&m.slug));
            let _ = write!(
                out,
                r#"<a class="map-node" href="{}" data-module="{}" aria-label="{}"><title>{}</title>"#,
                esc(&href),
                esc(&m.slug),
                esc(&title),
                esc(&title)
            );
        } else {
            let _ = write!(
                out,
                r#"<g class="map-node is-missing" aria-label="{} (missing)"><title>{} (missing)</title>"#,
                esc(&title),
                esc(&title)
            );
        }
        let _ = write!(
            out,
            r#"<rect class="map-node-box" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="6"/>"#
        );
        let _ = write!(
            out,
            r#"<text class="map-node-text" x="{:.1}" y="{:.1}">"#,
            x + 10.0,
            y + 7.0 + LINE_H * 0.8
        );
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                out,
                r#"<tspan x="{:.1}" dy="{}">{}</tspan>"#,
                x + 10.0,
                if i == 0 { 0.0 } else { LINE_H },
                esc(line)
            );
        }
        out.push_str("</text>");
        // The done mark, shown by CSS when the script adds `.is-done`.
        let cx = x + w - 13.0;
        let cy = y + 13.0;
        let _ = write!(
            out,
            r#"<g class="map-check" aria-hidden="true"><circle cx="{cx:.1}" cy="{cy:.1}" r="7"/><path d="M{:.1} {:.1}l2.5 2.5 4.5-5"/></g>"#,
            cx - 3.5,
            cy
        );
        out.push_str(if exists { "</a>" } else { "</g>" });
    }
}

/// The map's SVG for the path page at `page_url`.
pub fn svg(site: &Site, path: &LearningPath, page_url: &str) -> String {
    let mut map = Map {
        site,
        page_url,
        out: String::new(),
    };
    let inner_w = WIDTH - LEFT - 4.0;
    let mut y = 8.0;
    let mut markers: Vec<f64> = Vec::new();
    let module_count = path.module_order().len();
    for (number, phase) in path.phases.iter().enumerate() {
        markers.push(y + 14.0);
        let href = relative_url(page_url, &phase_url(path, phase));
        let mut facts = Vec::new();
        if let Some(d) = phase.duration {
            facts.push(d.to_string());
        }
        if let Some(c) = phase.choose {
            facts.push(c.to_string());
        }
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!(
                r#"<tspan class="map-phase-facts" dx="10">{}</tspan>"#,
                esc(&facts.join(" · "))
            )
        };
        let _ = write!(
            map.out,
            r#"<g class="map-phase" data-phase="{}"><circle class="map-marker" cx="18" cy="{:.1}" r="14"/><text class="map-marker-text" x="18" y="{:.1}" text-anchor="middle" aria-hidden="true">{}</text><a class="map-phase-link" href="{}"><text class="map-phase-title" x="{LEFT}" y="{:.1}">{}{facts}</text></a>"#,
            esc(&phase.slug),
            y + 14.0,
            y + 19.0,
            number + 1,
            esc(&href),
            y + 19.0,
            esc(&phase.title),
        );
        y += 36.0;
        let h = map.grid(&phase.modules, LEFT, y, inner_w);
        if h > 0.0 {
            y += h + GAP;
        }
        let per_row = phase.groups.len().clamp(1, 3);
        for row in phase.groups.chunks(per_row) {
            let lane_w = (inner_w - GAP * (per_row as f64 - 1.0)) / per_row as f64;
            // Lay each lane out into a buffer first: the row's height is the tallest lane.
            let mut lanes = Vec::new();
            let mut row_h: f64 = 0.0;
            for group in row {
                let mut lane = Map {
                    site,
                    page_url,
                    out: String::new(),
                };
                let grid_h = lane.grid(&group.modules, 0.0, 0.0, lane_w - 20.0);
                row_h = row_h.max(grid_h + 44.0);
                lanes.push((group, lane.out, grid_h));
            }
            for (i, (group, nodes, _)) in lanes.into_iter().enumerate() {
                let lx = LEFT + i as f64 * (lane_w + GAP);
                let title_chars = ((lane_w - 24.0) / 7.0) as usize;
                let mut label = wrap(&group.title, title_chars.max(8))
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                if group.is_track {
                    label = format!("{label} · track");
                }
                let _ = write!(
                    map.out,
                    r#"<g class="map-lane{}" data-track="{}"><rect class="map-lane-box" x="{lx:.1}" y="{y:.1}" width="{lane_w:.1}" height="{row_h:.1}" rx="8"/>"#,
                    if group.is_track { " is-track" } else { "" },
                    if group.is_track {
                        esc(&group.slug)
                    } else {
                        String::new()
                    },
                );
                let title = format!(
                    r#"<text class="map-lane-title" x="{:.1}" y="{:.1}">{}</text>"#,
                    lx + 10.0,
                    y + 20.0,
                    esc(&label)
                );
                if group.is_track {
                    let href = relative_url(page_url, &group_url(path, phase, group));
                    let _ = write!(
                        map.out,
                        r#"<a class="map-lane-link" href="{}" aria-label="{} track">{title}</a>"#,
                        esc(&href),
                        esc(&group.title)
                    );
                } else {
                    map.out.push_str(&title);
                }
                let _ = write!(
                    map.out,
                    r#"<g transform="translate({:.1} {:.1})">{nodes}</g></g>"#,
                    lx + 10.0,
                    y + 32.0
                );
            }
            y += row_h + GAP;
        }
        map.out.push_str("</g>");
        y += 14.0;
    }
    let height = (y - 8.0).max(40.0);
    let rail = match (markers.first(), markers.last()) {
        (Some(first), Some(last)) if markers.len() > 1 => {
            format!(r#"<line class="map-rail" x1="18" y1="{first:.1}" x2="18" y2="{last:.1}"/>"#)
        }
        _ => String::new(),
    };
    let phases = path.phases.len();
    format!(
        r#"<svg class="path-map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" role="group" aria-labelledby="path-map-title" aria-describedby="path-map-desc"><title id="path-map-title">Map of {}</title><desc id="path-map-desc">{} phase{} in order, {} module{}; each module links to its page.</desc>{rail}{}</svg>"#,
        esc(&path.title),
        phases,
        if phases == 1 { "" } else { "s" },
        module_count,
        if module_count == 1 { "" } else { "s" },
        map.out
    )
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn titles_wrap_into_at_most_three_lines() {
        assert_eq!(
            wrap("Data Processing & Visualization", 20),
            ["Data Processing &", "Visualization"]
        );
        let long = wrap("one two three four five six seven eight nine ten", 9);
        assert_eq!(long.len(), 3);
        assert!(long[2].ends_with('…'), "{long:?}");
    }
}
