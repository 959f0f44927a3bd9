use super::*;
use crate::model::Prepared;
use crate::montecarlo;
use crate::observe::Outcome;
use crate::scenario::load_str;

const TEXT: &str = r#"name = "Test <force> & co"
start = 2024-01-01
horizon_years = 1
seed = 5
[caseload]
high = 30
medium = 80
low_active = 60
[backlog]
overdue = 25
[registrations.other]
per_month = 2
[staff]
establishment = 3
[plan]
deadline = 2024-09-30
target_backlog = 5
[sources]
"caseload" = "made up for a test (E)"
"#;

fn run(replicas: u32) -> (Scenario, McResult) {
    let s = load_str(TEXT, "t.toml").unwrap();
    let p = Prepared::new(s);
    let r = montecarlo::run(&p, replicas, 5, &mut |_| {});
    (p.scenario, r)
}

fn outcome(days_to_target: Option<u32>) -> Outcome {
    Outcome {
        backlog_at_deadline: 0,
        very_high_at_deadline: 0,
        arms_overdue_at_deadline: 0,
        success: days_to_target.is_some(),
        days_to_target,
        population_start: 0,
        population_end: 0,
        entries: 0,
        exits: 0,
    }
}

/// The page must load nothing: no URL scheme, no protocol-relative source, no script or
/// stylesheet import, no `url(` except inline data.
fn assert_offline(html: &str) {
    for bad in [
        "http:",
        "https:",
        "src=\"//",
        "href=\"//",
        "<script",
        "@import",
    ] {
        assert!(!html.contains(bad), "the page contains {bad}");
    }
    assert_eq!(
        html.matches("url(").count(),
        html.matches("url(data:").count()
    );
}

fn assert_in_order(html: &str, parts: &[&str]) {
    let mut from = 0;
    for p in parts {
        let at = html[from..]
            .find(p)
            .unwrap_or_else(|| panic!("{p:?} missing or out of order"));
        from += at + p.len();
    }
}

fn hand_built_options() -> OptionsSection {
    let p = |estimate, lower, upper| Proportion {
        estimate,
        lower,
        upper,
    };
    OptionsSection {
        rows: vec![
            OptionRow {
                name: "Two more officers".into(),
                description: "+2 FTE from April".into(),
                p_success: p(0.81, 0.78, 0.84),
                backlog_median: 3.0,
                diff_backlog: (-14.2, -18.0, -10.4),
                diff_p_success: (0.2, 0.17, 0.23),
            },
            OptionRow {
                name: "Overtime <surge>".into(),
                description: "120 h a week for 3 months".into(),
                p_success: p(0.64, 0.6, 0.68),
                backlog_median: 9.5,
                diff_backlog: (-2.0, -3.5, -0.5),
                diff_p_success: (0.03, 0.0, 0.06),
            },
        ],
        figures: vec![],
    }
}

fn hand_built_sensitivity() -> SensitivitySection {
    let row = |name: &str, low, high| DriverRow {
        parameter: name.into(),
        path: String::new(),
        low,
        high,
        low_label: format!("{name} low"),
        high_label: format!("{name} high"),
    };
    SensitivitySection {
        measure: "Change in the chance of success".into(),
        shares: true,
        rows: vec![
            row("Sixth", 0.01, -0.01),
            row("Second", -0.2, 0.1),
            row("First", 0.05, -0.3),
            row("Fourth", -0.08, 0.06),
            row("Seventh", 0.0, 0.005),
            row("Third", 0.12, -0.15),
            row("Fifth", -0.07, 0.02),
        ],
    }
}

#[test]
fn the_plain_page_is_offline_and_says_what_is_missing() {
    let (s, r) = run(20);
    let html = render_html(&Briefing::new(&s, &r)).unwrap();
    assert_offline(&html);
    assert_in_order(&html, &HEADINGS);
    assert_in_order(
        &html,
        &[
            &esc(&verdict(&s, &r)),
            "<svg viewBox=\"0 0 1600 900\"",
            "<svg viewBox=\"0 0 1600 900\"",
            "is not produced by this version",
            "This scenario declares no options",
            "Not run: use --min-staff",
            "Sensitivity not run: use --sensitivity",
            "made up for a test (E)",
            "STRESS-DES",
            "Little&#39;s law",
            "<h3 id=\"glossary\">Glossary</h3>",
        ],
    );
    for term in ["RSO", "ARMS", "AP", "Backlog", "P(success)", "Interval"] {
        assert!(html.contains(&format!("<dt>{}</dt>", esc(term))), "{term}");
    }
    // Two charts, no third.
    assert_eq!(html.matches("<svg").count(), 2);
    // The scenario name is escaped, never raw markup.
    assert!(html.contains("Test &lt;force&gt; &amp; co"));
    assert!(!html.contains("<force>"));
    let mut b = Briefing::new(&s, &r);
    b.run.sensitivity_requested = true;
    let html = render_html(&b).unwrap();
    assert!(html.contains("Sensitivity was requested (--sensitivity) but"));
}

#[test]
fn optional_sections_render_when_present() {
    let (s, r) = run(20);
    let mut b = Briefing::new(&s, &r);
    b.capacity = Some(Figure {
        slug: "capacity".into(),
        chart: backlog_fan(&s, &r),
        caption: "Capacity caption".into(),
        existing: None,
    });
    b.options = Some(hand_built_options());
    b.sensitivity = Some(hand_built_sensitivity());
    let html = render_html(&b).unwrap();
    assert_offline(&html);
    assert_in_order(&html, &HEADINGS);
    // Fan, time to target, capacity, options, drivers.
    assert_eq!(html.matches("<svg").count(), 5);
    assert!(!html.contains("is not produced by this version"));
    assert!(!html.contains("declares no options"));
    assert!(!html.contains("Sensitivity not run"));
    assert_in_order(
        &html,
        &[
            "Capacity caption",
            "Two more officers has the best chance of meeting the plan: 81%",
            "<td>Current plan</td>",
            "<td>Two more officers</td><td>+2 FTE from April</td><td class=\"num\">81% (78–84%)</td><td class=\"num\">3</td><td class=\"num\">+20 (+17 to +23)</td><td class=\"num\">−14 (−18 to −10)</td>",
            "<td>Overtime &lt;surge&gt;</td>",
            "<td class=\"num\">+3 (0 to +6)</td><td class=\"num\">−2 (−3.5 to −0.5)</td>",
            "First moves the result most",
        ],
    );
    // The five largest swings, largest first; the two smallest are left out.
    assert_in_order(
        &html,
        &[
            "<td>First</td><td class=\"num\">First low</td><td class=\"num\">+5 points</td><td class=\"num\">First high</td><td class=\"num\">−30 points</td>",
            "<td>Second</td>",
            "<td>Third</td>",
            "<td>Fourth</td>",
            "<td>Fifth</td>",
            "7 assumptions were varied",
        ],
    );
    assert!(!html.contains("<td>Sixth</td>") && !html.contains("<td>Seventh</td>"));
    // Every chart is also a slide, in page order.
    let slides = render_slides(&b).unwrap();
    let names: Vec<&str> = slides.iter().map(|o| o.name.as_str()).collect();
    // The backlog fan is already backlog_fan.png: no copy.
    assert_eq!(
        names,
        [
            "slide_2_time_to_target.png",
            "slide_3_capacity.png",
            "slide_4_options.png",
            "slide_5_drivers.png"
        ]
    );
    for o in &slides {
        assert_eq!(&o.bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(
            u32::from_be_bytes(o.bytes[16..20].try_into().unwrap()),
            1600
        );
        assert_eq!(u32::from_be_bytes(o.bytes[20..24].try_into().unwrap()), 900);
    }
}

/// Numbers outside the charts: every number (digits, possibly with a decimal point) in
/// the page text.
fn numbers_outside_charts(html: &str) -> usize {
    let mut text = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        text.push_str(&rest[..i]);
        rest = rest[i..]
            .split_once("</svg>")
            .map_or("", |(_, after)| after);
    }
    text.push_str(rest);
    // A decimal ("0.6%") is one number, like "6%": rounding may add a decimal place.
    text.split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
        .count()
}

#[test]
fn no_row_level_data_grows_with_the_replica_count() {
    let (s, small) = run(12);
    let (_, large) = run(96);
    let a = render_html(&Briefing::new(&s, &small)).unwrap();
    let b = render_html(&Briefing::new(&s, &large)).unwrap();
    for tag in ["<tr", "<li>", "<td", "<dt>", "<figure>", "<svg"] {
        assert_eq!(a.matches(tag).count(), b.matches(tag).count(), "{tag}");
    }
    assert_eq!(numbers_outside_charts(&a), numbers_outside_charts(&b));
    // Eight times the replicas, the same size give or take digits of rounding.
    let ratio = b.len() as f64 / a.len() as f64;
    assert!((0.97..1.03).contains(&ratio), "{ratio}");
}

#[test]
fn counts_the_runs_that_met_the_target_by_each_month_end() {
    let (s, mut r) = run(4);
    // Day index t = end of day t − 1: the end of 31 January 2024 is t = 31.
    r.outcomes = [Some(0), Some(31), Some(32), Some(100), None]
        .into_iter()
        .map(outcome)
        .collect();
    let m = met_by_month(&s, &r);
    let first: Vec<(String, f64)> = m
        .iter()
        .take(4)
        .map(|x| (x.date.long(), x.met.estimate))
        .collect();
    assert_eq!(
        first,
        [
            ("31 January 2024".to_string(), 0.4),
            ("29 February 2024".to_string(), 0.6),
            ("31 March 2024".to_string(), 0.6),
            ("30 April 2024".to_string(), 0.8),
        ]
    );
    let deadline: Vec<&MetBy> = m.iter().filter(|x| x.is_deadline).collect();
    assert_eq!(deadline.len(), 1);
    assert_eq!(deadline[0].date.long(), "30 September 2024");
    // Up to three months after the deadline, but only month ends the runs reach: the
    // one-year horizon is 365 days, and the last check is at the end of 30 December.
    assert_eq!(m.last().unwrap().date.long(), "30 November 2024");
    let html = render_html(&Briefing::new(&s, &r)).unwrap();
    assert!(html.contains(
        "By 30 September 2024, 80% of runs have reached the target at least once (80% are at or below it on the deadline)"
    ));
    assert!(html.contains("<td>Never, by 30 December 2024</td><td class=\"num\">20%</td>"));
}

#[test]
fn inlined_svg_keeps_only_its_view_box_and_loses_the_namespace_url() {
    let svg = "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\" xmlns=\"http://www.w3.org/2000/svg\">\n<text font-family=\"sans-serif\">a</text>\n</svg>\n";
    assert_eq!(
        inline_svg(svg, "A \"title\""),
        "<svg viewBox=\"0 0 1600 900\" role=\"img\" aria-label=\"A &quot;title&quot;\">\n<text font-family=\"DejaVu Sans, Verdana, sans-serif\">a</text>\n</svg>"
    );
}

#[test]
fn marks_defaults_when_the_file_keys_are_known() {
    let (s, r) = run(4);
    let declared = params::declared_keys(TEXT);
    let mut b = Briefing::new(&s, &r);
    b.declared = Some(&declared);
    let html = render_html(&b).unwrap();
    // Plain label first, the key path in small print, the unit beside the value.
    assert_in_order(
        &html,
        &[
            "<td>Very-high risk: RSOs in the community at the start<code class=\"key\">caseload.<wbr>very_high</code></td><td>0 <span class=\"unit\">RSOs</span></td><td><span class=\"default\">default</span> made up for a test (E)</td>",
            "<td>High risk: RSOs in the community at the start<code class=\"key\">caseload.<wbr>high</code></td><td>30 <span class=\"unit\">RSOs</span></td><td><span class=\"muted\">as above</span>",
            "<td>Medium risk: staff time per visit<code class=\"key\">visits.<wbr>medium.<wbr>hours</code></td><td>3 <span class=\"unit\">staff-hours per officer</span></td><td><span class=\"default\">default</span> ",
        ],
    );
    let plain = render_html(&Briefing::new(&s, &r)).unwrap();
    assert!(!plain.contains("class=\"default\""));
}
