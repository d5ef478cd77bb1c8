//! The search documents: what search sees of each page the site publishes.

use crate::model::{Section, Site};
use crate::render::urls::{Urls, group_url, module_url, path_url, phase_url};
use rayon::prelude::*;
use std::collections::BTreeSet;

pub(crate) fn topics_text(refs: &[&crate::model::ModuleRef], site: &Site) -> String {
    let mut text = String::new();
    for m in refs {
        text.push_str(&site.module_title(&m.slug));
        text.push_str(". ");
        for topic in &m.topics {
            text.push_str(topic);
            text.push_str(". ");
        }
    }
    text
}

/// Every page search covers: paths (their prose), phases, tracks, modules and the other
/// pages modules link to (`plain_pages`, as the plan split them from paths and modules).
pub(crate) fn search_pages(
    site: &Site,
    urls: &Urls,
    plain_pages: &[String],
) -> Vec<crate::search::Page> {
    use crate::search::{Page, Section as SearchSection, doc_sections};
    let top = |text: String| SearchSection {
        heading: String::new(),
        anchor: String::new(),
        text,
    };
    let mut out = Vec::new();
    for path in &site.paths {
        let doc = &site.project.docs[&path.rel];
        let prose: BTreeSet<usize> = path
            .sections
            .iter()
            .filter_map(|s| match s {
                Section::Prose(Some(h)) => Some(*h),
                _ => None,
            })
            .collect();
        // Keep the top and the sections under prose `##` headings: phases have pages.
        let mut sections = doc_sections(doc).into_iter();
        let mut kept = vec![sections.next().unwrap_or_else(|| top(String::new()))];
        let mut current_h2: Option<usize> = None;
        let mut title_skipped = false;
        for (i, heading) in doc.parsed.headings.iter().enumerate() {
            // The sections follow the headings, less the title.
            if heading.level == 1 && !title_skipped {
                title_skipped = true;
                continue;
            }
            let Some(section) = sections.next() else {
                break;
            };
            if heading.level <= 2 {
                current_h2 = Some(i);
            }
            if current_h2.is_some_and(|h| prose.contains(&h)) {
                kept.push(section);
            }
        }
        if let Some(description) = &path.description
            && !kept[0].text.contains(description.as_str())
        {
            kept[0].text = format!("{description} {}", kept[0].text);
        }
        out.push(Page {
            title: path.title.clone(),
            url: path_url(path),
            kind: "path",
            context: path
                .total
                .map(|d| format!("Learning path · {d}"))
                .unwrap_or_else(|| "Learning path".into()),
            sections: kept,
        });
        for phase in &path.phases {
            let mut sections = vec![top(topics_text(
                &phase.modules.iter().collect::<Vec<_>>(),
                site,
            ))];
            for group in &phase.groups {
                sections.push(SearchSection {
                    heading: group.title.clone(),
                    anchor: group.heading_id.clone(),
                    text: topics_text(&group.modules.iter().collect::<Vec<_>>(), site),
                });
            }
            out.push(Page {
                title: phase.title.clone(),
                url: phase_url(path, phase),
                kind: "phase",
                context: path.title.clone(),
                sections,
            });
            for group in phase.tracks() {
                out.push(Page {
                    title: group.title.clone(),
                    url: group_url(path, phase, group),
                    kind: "track",
                    context: format!("{} · {}", phase.title, path.title),
                    sections: vec![top(topics_text(
                        &group.modules.iter().collect::<Vec<_>>(),
                        site,
                    ))],
                });
            }
        }
    }
    let modules: Vec<&crate::model::Module> = site.modules.values().filter(|m| m.exists).collect();
    // Extracting the sections re-reads every module: do it on every core, in module order.
    let module_pages: Vec<Page> = modules
        .par_iter()
        .filter_map(|module| {
            let doc = site.doc(&module.rel)?;
            let mut sections = doc_sections(doc);
            let mut context = String::from("Module");
            if let Some(usage) = module.used_by.first() {
                let path = &site.paths[usage.path];
                context = format!("{} · {}", path.phases[usage.phase].title, path.title);
            }
            let topics: Vec<&str> = module
                .used_by
                .iter()
                .flat_map(|u| site.reference(*u).topics.iter().map(String::as_str))
                .collect();
            if !topics.is_empty() {
                sections[0].text = format!("{} {}", sections[0].text, topics.join(". "));
            }
            Some(Page {
                title: site.module_title(&module.slug),
                url: module_url(&module.slug),
                kind: "module",
                context,
                sections,
            })
        })
        .collect();
    out.extend(module_pages);
    for rel in plain_pages {
        let Some(doc) = site.doc(rel) else { continue };
        out.push(Page {
            title: doc.parsed.title.clone().unwrap_or_else(|| rel.clone()),
            // The theme writes this after the page's root prefix, which is empty on the
            // home page: a root file named `javascript:…` must not read as a scheme.
            url: crate::links::without_scheme(urls.output_of(rel)),
            kind: "page",
            context: "Page".into(),
            sections: doc_sections(doc),
        });
    }
    out
}
