//! The page skeleton and its pieces: escaping, inline SVG, run facts and print CSS.
//! The skeleton (`page.html`) and the style sheet (`style.css`) are asset files.

use super::*;

/// The page skeleton: `{{title}}`, `{{css}}`, `{{print_css}}`, `{{body}}` and `{{facts}}`
/// are filled by [`render_html`].
const PAGE: &str = include_str!("page.html");

/// The page's style sheet (screen and print).
const CSS: &str = include_str!("style.css");

// HTML.

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Makes a standalone SVG document fit for inlining: the root keeps only its `viewBox` (the
/// page's CSS scales it to the column width), gains an accessible label and loses the
/// namespace URL, which HTML does not need; text asks for the chart's own font first.
pub(crate) fn inline_svg(svg: &str, label: &str) -> String {
    let body_start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[body_start..];
    let root_end = svg.find('>').map_or(svg.len(), |i| i + 1);
    let (root, rest) = svg.split_at(root_end);
    let view_box = root
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .map_or_else(
            || format!("0 0 {} {}", charts::WIDTH, charts::HEIGHT),
            str::to_string,
        );
    let rest = rest.replace(
        "font-family=\"sans-serif\"",
        "font-family=\"DejaVu Sans, Verdana, sans-serif\"",
    );
    format!(
        "<svg viewBox=\"{}\" role=\"img\" aria-label=\"{}\">{}",
        esc(&view_box),
        esc(label),
        rest.trim_end()
    )
}

/// The section headings, in page order (the tests check them).
pub(crate) const HEADINGS: [&str; 9] = [
    "1. The verdict",
    "2. The backlog week by week",
    "3. When the target is first reached",
    "4. Capacity: hours needed and hours worked",
    "5. Options compared with the current plan",
    "6. What staffing it takes",
    "7. What drives the result",
    "8. Assumptions",
    "9. Method and validation",
];

pub(super) const GLOSSARY: [(&str, &str); 9] = [
    ("RSO", "Registered sex offender: a person convicted or cautioned for a sexual offence who must notify the police of their details (Sexual Offences Act 2003) and is managed by them in the community."),
    ("ARMS", "Active Risk Management System: the structured assessment officers use to judge an RSO's risk and plan their management; it is repeated at least once a year."),
    ("AP", "Approved premises: supervised hostels where some people live when they leave prison."),
    ("Backlog", "The number of RSOs whose scheduled home visit is overdue."),
    ("P(success)", "The chance that the plan works: the share of simulated runs in which the backlog is at or below the target at the end of the deadline day."),
    ("Interval", "The range (95%) that holds the true chance given the number of runs simulated. It covers the randomness of the simulation, not doubt about the assumptions: for that, see what drives the result."),
    ("Run", "One simulated future of the caseload (a replica). Runs differ in who enters, leaves, and how long each visit takes."),
    ("FTE", "Full-time equivalent officers in post."),
    ("MOSOVO", "The police team that manages sexual and violent offenders in the community."),
];

/// The run's facts under the title: scenario file, hash, runs, seed, version, date.
pub(super) fn run_facts_html(f: &RunFacts) -> String {
    let mut parts = vec![
        format!("{} runs", f.replicas),
        format!("seed {}", f.seed),
        format!("caseload {}", esc(f.version)),
    ];
    if !f.scenario_path.is_empty() {
        parts.push(format!(
            "scenario file <code>{}</code> (SHA-256 <code title=\"{}\">{}…</code>)",
            esc(&f.scenario_path),
            esc(&f.scenario_sha256),
            esc(f.short_hash())
        ));
    }
    if let Some(g) = &f.generated {
        parts.push(format!("generated {}", esc(g)));
    }
    parts.join(" · ")
}

/// A CSS string literal: quotes, backslashes and control characters escaped.
pub(super) fn css_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                o.push('\\');
                o.push(c);
            }
            c if c.is_control() => o.push(' '),
            '<' => o.push_str("\\3c "),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Page numbers and the protective marking in the print margins of every page.
pub(super) fn print_css(f: &RunFacts) -> String {
    let mut css = String::from(
        "@page { @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt sans-serif; color: #555; } ",
    );
    css.push_str(&format!(
        "@bottom-left {{ content: {}; font: 8pt sans-serif; color: #555; }} ",
        css_string(&format!(
            "caseload {} · seed {} · {} runs",
            f.version, f.seed, f.replicas
        ))
    ));
    if let Some(m) = &f.marking {
        let m = css_string(m);
        css.push_str(&format!(
            "@top-center {{ content: {m}; font: bold 9pt sans-serif; color: #b00020; }} @bottom-center {{ content: {m}; font: bold 9pt sans-serif; color: #b00020; }} "
        ));
    }
    css.push_str("}\n");
    if f.marking.is_some() {
        css.push_str("@media print { .marking { display: none; } }\n");
    }
    css
}

/// Which file holds each chart as a slide.
pub(super) fn slides_list(html: &mut String, figs: &[(Place, Fig)]) {
    let names: Vec<String> = figs
        .iter()
        .enumerate()
        .map(|(i, (_, f))| format!("<code>{}</code>", esc(&slide_name(i, f.get()))))
        .collect();
    let _ = writeln!(
        html,
        "<p class=\"muted\">Every chart of this page is also a 1600×900 PNG for slides, in page order: {}.</p>",
        names.join(", ")
    );
}

pub(super) fn h2(html: &mut String, id: &str, i: usize) {
    let _ = writeln!(html, "<h2 id=\"{id}\">{}</h2>", esc(HEADINGS[i]));
}

pub(super) fn figure(html: &mut String, f: &Figure) -> Result<(), ChartError> {
    let svg = charts::render_svg(&f.chart)?;
    let label = match &f.chart {
        Chart::Line(c) => c.title.clone(),
        Chart::Interval(c) => c.title.clone(),
        Chart::Tornado(c) => c.title.clone(),
    };
    let _ = write!(
        html,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        inline_svg(&svg, &label),
        esc(&f.caption)
    );
    Ok(())
}

pub(super) fn absent(html: &mut String, text: &str) {
    let _ = writeln!(html, "<p class=\"absent\">{}</p>", esc(text));
}

/// The whole page. Deterministic: the same briefing gives the same bytes.
pub(crate) fn render_html(b: &Briefing) -> Result<String, ChartError> {
    let s = b.scenario;
    let figs = figures(b);
    let place = |html: &mut String, at: Place| -> Result<(), ChartError> {
        for (p, f) in &figs {
            if *p == at {
                figure(html, f.get())?;
            }
        }
        Ok(())
    };
    let mut html = String::with_capacity(256 * 1024);
    let _ = writeln!(
        html,
        "<header>\n{}<p class=\"kicker\">Briefing · RSO home-visit backlog</p>\n<h1>{}</h1>\n<p class=\"runfacts\">{}</p>",
        b.facts.marking.as_ref().map_or(String::new(), |m| format!("<p class=\"marking\">{}</p>\n", esc(m))),
        esc(&s.name),
        run_facts_html(&b.facts)
    );
    if !s.description.is_empty() {
        let _ = writeln!(html, "<p class=\"desc\">{}</p>", esc(&s.description));
    }
    let _ = writeln!(html, "</header>");

    let _ = writeln!(html, "<section>");
    verdict_section(&mut html, b);
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "backlog", 1);
    place(&mut html, Place::Backlog)?;
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "time-to-target", 2);
    place(&mut html, Place::TimeToTarget)?;
    time_section(&mut html, b);
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "capacity", 3);
    if b.capacity.is_some() {
        place(&mut html, Place::Capacity)?;
    } else {
        absent(
            &mut html,
            "The capacity chart (hours of work falling due against hours worked) is not produced by this version of caseload.",
        );
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "options", 4);
    match &b.options {
        Some(o) if !o.rows.is_empty() => {
            place(&mut html, Place::Options)?;
            options_section(&mut html, b, o);
        }
        _ => absent(
            &mut html,
            "This scenario declares no options: only the current plan was simulated.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "staffing", 5);
    match &b.staffing {
        Some(st) => {
            let _ = writeln!(html, "<p class=\"answer\">{}</p>", esc(&st.words));
            place(&mut html, Place::Staffing)?;
        }
        None => absent(
            &mut html,
            "Not run: use --min-staff to find the least extra staff that meets the plan with 90% confidence.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "drivers", 6);
    match &b.sensitivity {
        Some(sens) if !sens.rows.is_empty() => {
            place(&mut html, Place::Drivers)?;
            drivers_section(&mut html, sens);
        }
        _ if b.run.sensitivity_requested => absent(
            &mut html,
            "Sensitivity was requested (--sensitivity) but no assumption could be varied: every numeric input of this scenario is 0.",
        ),
        _ => absent(
            &mut html,
            "Sensitivity not run: use --sensitivity to see which assumptions move the result most.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "assumptions", 7);
    assumptions_section(
        &mut html,
        b,
        &params::parameters_of_run(s, b.facts.replicas, b.facts.seed),
    );
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "method", 8);
    method_section(&mut html, b);
    slides_list(&mut html, &figs);
    glossary(&mut html);
    let _ = writeln!(html, "</section>");
    Ok(fill(
        PAGE,
        &[
            ("title", &esc(&s.name)),
            ("css", CSS),
            ("print_css", &print_css(&b.facts)),
            ("body", &html),
            ("facts", &esc(&b.facts.line())),
        ],
    ))
}

/// Fills the `{{name}}` slots of `template` with `values` in one pass: an inserted value
/// is never scanned again, and a slot with no value is kept as written.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (end, *v))
        }) {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
