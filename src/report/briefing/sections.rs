//! The page's sections, each written into the page in order.

use super::*;

pub(super) fn verdict_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    h2(html, "verdict", 0);
    let _ = writeln!(html, "<p class=\"verdict\">{}</p>", esc(&verdict(s, r)));
    let bq = b.summary.backlog_at_deadline.q;
    let met = met_by_month(s, r);
    let mut facts = vec![
        format!(
            "{} visits were overdue on {}; the plan is to have at most {} overdue by {}{}.",
            s.initial.overdue_total(),
            s.start.long(),
            s.plan.target_backlog,
            s.plan.deadline.long(),
            if s.plan.no_very_high_overdue {
                ", with no very-high-risk visit overdue"
            } else {
                ""
            }
        ),
        format!(
            "On the deadline the middle run has {} visits overdue; 90% of runs have between {} and {}.",
            count(bq.p50),
            count(bq.p05),
            count(bq.p95)
        ),
    ];
    if let Some(m) = met.iter().find(|m| m.is_deadline) {
        facts.push(format!(
            "{} of runs reach the target at least once by the deadline; {} never reach it by {}, the end of the simulation.",
            percent(m.met.estimate),
            percent(r.never_met_share()),
            last_day(s).long()
        ));
    }
    if let Some(a) = after_deadline(s, r) {
        facts.push(a);
    }
    facts.extend(b.notes.iter().cloned());
    let _ = writeln!(html, "<ul class=\"facts\">");
    for f in facts {
        let _ = writeln!(html, "<li>{}</li>", esc(&f));
    }
    let _ = writeln!(html, "</ul>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">The chance comes from {} simulated runs of the next {} years under the assumptions in section 8. It is only as good as those assumptions. Terms such as RSO, ARMS and P(success) are explained in the glossary at the end.</p>",
        b.facts.replicas,
        num((s.horizon_days as f64 / 365.25 * 10.0).round() / 10.0)
    );
}

/// The terms used in the page, at its end (so the verdict and its chart share page 1).
pub(super) fn glossary(html: &mut String) {
    let _ = writeln!(
        html,
        "<aside class=\"glossary\"><h3 id=\"glossary\">Glossary</h3>\n<dl class=\"terms\">"
    );
    for (t, d) in GLOSSARY {
        let _ = writeln!(html, "<dt>{}</dt><dd>{}</dd>", esc(t), esc(d));
    }
    let _ = writeln!(html, "</dl></aside>");
}

pub(super) fn time_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    let met = met_by_month(s, r);
    let _ = writeln!(
        html,
        "<table class=\"met\"><thead><tr><th>By the end of</th><th class=\"num\">Runs that had met the target</th><th class=\"num\">95% interval</th></tr></thead><tbody>"
    );
    for (i, m) in met.iter().enumerate() {
        // Print keeps quarter ends, the deadline and the last row; the screen shows all.
        let quarter = m.date.ymd().1 % 3 == 0;
        let class = if m.is_deadline {
            " class=\"key\""
        } else if !quarter && i + 1 != met.len() {
            " class=\"minor\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<tr{}><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            class,
            esc(&m.date.long()),
            if m.is_deadline { " (deadline)" } else { "" },
            percent(m.met.estimate),
            percent_range(&m.met)
        );
    }
    let never = r.never_met_share();
    let n = r.outcomes.len() as u64;
    let k = r
        .outcomes
        .iter()
        .filter(|o| o.days_to_target.is_none())
        .count() as u64;
    let _ = writeln!(
        html,
        "<tr><td>Never, by {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        esc(&last_day(s).long()),
        percent(never),
        percent_range(&stats::wilson(k, n, Z95))
    );
    let _ = writeln!(html, "</tbody></table>");
}

pub(super) fn options_section(html: &mut String, b: &Briefing, o: &OptionsSection) {
    let r = b.result;
    let base = r.p_success();
    let median = b.summary.backlog_at_deadline.q.p50;
    let _ = writeln!(
        html,
        "<table class=\"options\"><thead><tr><th>Option</th><th>What changes</th><th class=\"num\">Chance of meeting the plan</th><th class=\"num\">Median backlog at the deadline</th><th class=\"num\">Change in chance vs current plan (points)</th><th class=\"num\">Change in mean backlog vs current plan</th></tr></thead><tbody>"
    );
    let _ = writeln!(
        html,
        "<tr class=\"key\"><td>Current plan</td><td>The scenario as described</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>",
        percent(base.estimate),
        percent_range(&base),
        count(median)
    );
    for row in &o.rows {
        let (d, dl, dh) = row.diff_p_success;
        let (m, ml, mh) = row.diff_backlog;
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{} ({} to {})</td><td class=\"num\">{} ({} to {})</td></tr>",
            esc(&row.name),
            esc(&row.description),
            percent(row.p_success.estimate),
            percent_range(&row.p_success),
            count(row.backlog_median),
            points(d),
            points(dl),
            points(dh),
            signed(&count(m)),
            signed(&count(ml)),
            signed(&count(mh))
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">Each option is simulated on the same random numbers as the current plan (the same people, arrivals and visit times), so the differences are paired: their 95% intervals are narrower than the two separate intervals suggest.</p>"
    );
}

pub(super) fn drivers_section(html: &mut String, s: &SensitivitySection) {
    let fmt = |x: f64| {
        if s.shares {
            format!("{} points", points(x))
        } else {
            signed(&count(x))
        }
    };
    let _ = writeln!(
        html,
        "<table class=\"drivers\"><thead><tr><th>Assumption</th><th class=\"num\">Low value</th><th class=\"num\">{m} (low)</th><th class=\"num\">High value</th><th class=\"num\">{m} (high)</th></tr></thead><tbody>",
        m = esc(&s.measure)
    );
    for r in top_drivers(s) {
        let path = if r.path.is_empty() {
            String::new()
        } else {
            format!("<code class=\"key\">{}</code>", esc(&r.path))
        };
        let _ = writeln!(
            html,
            "<tr><td>{}{path}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.parameter),
            esc(&r.low_label),
            fmt(r.low),
            esc(&r.high_label),
            fmt(r.high)
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">{} assumptions were varied one at a time; the five with the largest effect are shown.</p>",
        s.rows.len()
    );
}

pub(super) fn assumptions_section(html: &mut String, b: &Briefing, groups: &[Group]) {
    let s = b.scenario;
    let _ = writeln!(
        html,
        "<p>Every parameter of the scenario, with the source and confidence note from the scenario file where it gives one (C cited, D derived from cited figures, E estimate). The same table, with each parameter's key in the scenario file, is in <code>parameters.csv</code>.{}</p>",
        if b.declared.is_some() {
            " Parameters marked <em>default</em> were not set in the scenario file: caseload used its built-in value, documented in <code>scenarios/default_force.toml</code>."
        } else {
            ""
        }
    );
    let _ = writeln!(
        html,
        "<table class=\"assumptions\"><colgroup><col class=\"c-label\"><col class=\"c-value\"><col></colgroup><thead><tr><th>Parameter</th><th>Value</th><th>Source and confidence</th></tr></thead><tbody>"
    );
    for g in groups {
        let _ = writeln!(
            html,
            "<tr class=\"group\"><th colspan=\"3\">{}</th></tr>",
            esc(g.title)
        );
        let mut last_note = None;
        for p in &g.params {
            let default = match b.declared {
                Some(d) if !p.is_set_in(d) => "<span class=\"default\">default</span> ",
                _ => "",
            };
            let note = match p.note(&s.sources) {
                Some(n) if last_note == Some(n) => "<span class=\"muted\">as above</span>".into(),
                Some(n) => esc(n),
                None => "<span class=\"muted\">—</span>".into(),
            };
            last_note = p.note(&s.sources);
            let unit = match p.unit {
                "" | "—" | "–" => String::new(),
                u => format!(" <span class=\"unit\">{}</span>", esc(u)),
            };
            let _ = writeln!(
                html,
                "<tr><td>{}<code class=\"key\">{}</code></td><td>{}{unit}</td><td>{default}{note}</td></tr>",
                esc(&p.label),
                esc(&p.path).replace('.', ".<wbr>"),
                esc(&p.value),
            );
        }
    }
    let _ = writeln!(html, "</tbody></table>");
    let other = params::unmatched_sources(&s.sources, groups);
    if !other.is_empty() {
        let _ = writeln!(html, "<h3>Other source notes</h3>\n<ul class=\"notes\">");
        for (k, v) in other {
            let _ = writeln!(
                html,
                "<li>{} <code class=\"key\">{}</code>: {}</li>",
                esc(&crate::report::labels::label(k)),
                esc(k),
                esc(v)
            );
        }
        let _ = writeln!(html, "</ul>");
    }
    let (refs, missing) =
        crate::report::sources::references(s.sources.values().map(String::as_str));
    if !refs.is_empty() || !missing.is_empty() {
        let _ = writeln!(
            html,
            "<h3>References</h3>\n<p class=\"muted\">The source ids in the notes above (S19a is item (a) of S19). Addresses are given as text, without links.</p>\n<ul class=\"refs\">"
        );
        for r in &refs {
            let _ = writeln!(
                html,
                "<li><strong>{}</strong> {}</li>",
                esc(&r.id),
                esc(&r.text)
            );
        }
        for id in &missing {
            let _ = writeln!(
                html,
                "<li><strong>{}</strong> <span class=\"muted\">not in the reference list (docs/SOURCES.md)</span></li>",
                esc(id)
            );
        }
        let _ = writeln!(html, "</ul>");
    }
}

pub(super) fn method_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    let p = r.p_success();
    let conserved = r
        .outcomes
        .iter()
        .filter(|o| {
            i64::from(o.population_end)
                == i64::from(o.population_start) + o.entries as i64 - o.exits as i64
        })
        .count();
    let items = [
        (
            "Objectives",
            format!(
                "To estimate the chance that {}, and how the backlog of overdue home visits develops week by week, under the assumptions of the scenario “{}”.",
                crate::report::target_words(s),
                s.name
            ),
        ),
        (
            "Model logic",
            format!(
                "A discrete-event simulation, day by day from {}. Each RSO in the community has a risk tier that sets how often they are visited; visits fall due, can be made a few days early, and some find no one home and are tried again. Yearly ARMS reassessments can move an RSO between tiers. New registrations arrive as random streams (rape and serious sexual offences after charge and court, online child sexual abuse, other offences, transfers in), and people leave when their notification period ends, on review, death or moving away. Each working day the team's hours (staff in post × productive hours, plus any pool or overtime) are spent on the workable visits and assessments in {} order. The backlog is the number of RSOs with a visit past its due date.",
                s.start.long(),
                s.policy.key()
            ),
        ),
        (
            "Data",
            "Aggregate figures only (counts, rates, hours), listed with their sources in section 8. No personal or case-level data is used or shown.".to_string(),
        ),
        (
            "Experimentation",
            format!(
                "{} independent runs (replicas) from master seed {}, each over {} days, to the end of {}. P(success) is the share of runs meeting the target at the end of the deadline day, with a 95% Wilson score interval ({} to {}: ±{} points). Bands in the charts are quantiles across runs, week by week (type 7, linear interpolation: 5–95% and 25–75%). Shares in the time-to-target table have Wilson 95% intervals. The whole run repeats exactly with the same scenario and seed.",
                b.facts.replicas,
                b.facts.seed,
                s.horizon_days,
                last_day(s).long(),
                percent(p.lower),
                percent(p.upper),
                num(((p.upper - p.lower) * 50.0 * 10.0).round() / 10.0)
            ),
        ),
        (
            "Implementation",
            format!(
                "caseload {} (Rust). Runs are spread over processor cores; each run draws its own random numbers from the master seed and its number, so results do not depend on the number of threads.",
                b.run.version
            ),
        ),
        (
            "Code access",
            "caseload is open-source software (MIT or Apache-2.0 licence); its source code, bundled scenarios and test suite are distributed together. The scenario file and the seed above reproduce every number in this briefing.".to_string(),
        ),
    ];
    let _ = writeln!(
        html,
        "<p>Reported following the STRESS-DES guidelines for discrete-event simulation studies.</p>\n<dl class=\"stress\">"
    );
    for (i, (t, d)) in items.iter().enumerate() {
        let _ = writeln!(html, "<dt>{}. {}</dt><dd>{}</dd>", i + 1, t, esc(d));
    }
    let _ = writeln!(html, "</dl>");
    let _ = writeln!(html, "<h3>Validation</h3>");
    let _ = writeln!(
        html,
        "<p>Checked in this run: the register balanced (start + entries − exits = end) in {} of {} runs.</p>",
        conserved,
        r.outcomes.len()
    );
    let _ = writeln!(
        html,
        "<p>The test suite of caseload {} asserts these properties against theory, with fixed seeds (<code>cargo test --release</code> re-checks them):</p>\n<ul class=\"checks\">",
        b.run.version
    );
    for c in &b.run.checks {
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>: {} <span class=\"muted\">({})</span></li>",
            esc(c.name),
            esc(c.what),
            esc(c.test)
        );
    }
    let _ = writeln!(html, "</ul>");
}
