use super::*;

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).unwrap()
}

pub(super) fn sample_fan() -> Chart {
    let n = 105; // two years, weekly
    let x: Vec<f64> = (0..n).map(|i| i as f64 * 7.0).collect();
    let med: Vec<f64> = x
        .iter()
        .map(|&d| 12.0 + d / 40.0 + 2.0 * (d / 60.0).sin())
        .collect();
    let spread = |k: f64| -> Vec<f64> { x.iter().map(|&d| k * (1.0 + d / 250.0)).collect() };
    let (s95, s75) = (spread(4.0), spread(1.6));
    let band = |s: &[f64], label: &str| Band {
        lower: med.iter().zip(s).map(|(m, s)| m - s).collect(),
        upper: med.iter().zip(s).map(|(m, s)| m + s).collect(),
        label: Some(label.to_string()),
    };
    let start = date(2024, 1, 15);
    let deadline = date(2025, 1, 31).days_since(start) as f64;
    Chart::Line(LineChart {
        title: "Caseload per officer is likely to exceed the target of 20 before the \
                deadline of 31 January 2025 unless staffing increases"
            .to_string(),
        subtitle: Some("Median and 5–95% / 25–75% ranges over 1,000 runs".to_string()),
        x_axis: XAxis::Dated { start },
        y_label: "Cases per officer".to_string(),
        series: vec![Series {
            name: "Median".to_string(),
            color: 0,
            x: x.clone(),
            line: med.clone(),
            bands: vec![band(&s75, "25–75% range"), band(&s95, "5–95% range")],
            dashed: false,
        }],
        hlines: vec![(20.0, "target 20".to_string())],
        vlines: vec![(deadline, "deadline 31 Jan 2025".to_string())],
        y_from_zero: true,
        y_max: None,
        right_axis: None,
    })
}

pub(super) fn sample_interval() -> Chart {
    let rows = [
        ("Status quo", 0.42, 0.36, 0.48),
        ("Two more officers", 0.71, 0.65, 0.77),
        ("Risk-based visit schedule", 0.83, 0.78, 0.88),
        ("Both measures combined", 0.97, 0.94, 0.99),
    ];
    Chart::Interval(IntervalChart {
        title: "Combining both measures is the only option that reliably meets the target"
            .to_string(),
        x_label: "Probability of meeting the target".to_string(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, &(l, e, lo, hi))| IntervalRow {
                label: l.to_string(),
                estimate: e,
                lower: lo,
                upper: hi,
                color: i,
            })
            .collect(),
        percent: true,
        reference: Some((0.8, "80% confidence".to_string())),
    })
}

pub(super) fn sample_tornado() -> Chart {
    let rows = [
        ("Referral rate", -6.2, 7.9, "80/month", "120/month"),
        ("Officer hours per week", 5.1, -4.3, "30 h", "40 h"),
        ("Visit duration", -3.0, 3.4, "1.5 h", "2.5 h"),
        ("Reoffence rate", -1.9, 2.2, "2%", "6%"),
        ("Sick leave", -0.8, 1.1, "3%", "8%"),
        ("Travel time", -0.2, 0.35, "20 min", "40 min"),
    ];
    Chart::Tornado(TornadoChart {
        title: "Referral rate drives caseload more than any other input".to_string(),
        x_label: "Change in peak caseload per officer".to_string(),
        rows: rows
            .iter()
            .map(|&(l, lo, hi, ll, hl)| TornadoRow {
                label: l.to_string(),
                low: lo,
                high: hi,
                low_label: ll.to_string(),
                high_label: hl.to_string(),
            })
            .collect(),
    })
}

fn check_png(png: &[u8]) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (WIDTH, HEIGHT));
}

fn check_svg(svg: &str, title_fragment: &str) {
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(title_fragment), "title missing from SVG");
    let stripped = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!stripped.contains("http"), "external reference in SVG");
    assert!(!stripped.contains("<image"), "embedded image in SVG");
}

fn render_both(c: &Chart) -> (String, Vec<u8>) {
    let svg = render_svg(c).expect("svg");
    let png = render_png(c).expect("png");
    check_png(&png);
    (svg, png)
}

#[test]
fn line_chart_renders() {
    let (svg, _) = render_both(&sample_fan());
    check_svg(&svg, "Caseload per officer");
    assert!(svg.contains("target 20"));
    assert!(svg.contains("Jan 2025"));
}

#[test]
fn interval_chart_renders() {
    let (svg, _) = render_both(&sample_interval());
    check_svg(&svg, "Combining both measures");
    assert!(svg.contains("Status quo"));
}

#[test]
fn tornado_chart_renders() {
    let (svg, _) = render_both(&sample_tornado());
    check_svg(&svg, "Referral rate drives");
    assert!(svg.contains("120/month"));
}

#[test]
fn output_is_deterministic() {
    for c in [sample_fan(), sample_interval(), sample_tornado()] {
        assert_eq!(render_svg(&c).unwrap(), render_svg(&c).unwrap());
        assert_eq!(render_png(&c).unwrap(), render_png(&c).unwrap());
    }
}

fn line(series: Vec<Series>, x_axis: XAxis, y_from_zero: bool) -> Chart {
    Chart::Line(LineChart {
        title: "Odd".to_string(),
        subtitle: None,
        x_axis,
        y_label: String::new(),
        series,
        hlines: vec![(f64::NAN, "nan".to_string())],
        vlines: vec![],
        y_from_zero,
        y_max: None,
        right_axis: None,
    })
}

fn series(x: Vec<f64>, y: Vec<f64>) -> Series {
    Series {
        name: "s".to_string(),
        color: 99,
        bands: vec![Band {
            lower: y.iter().map(|v| v - 1.0).collect(),
            upper: y.iter().map(|v| v + 1.0).collect(),
            label: None,
        }],
        x,
        line: y,
        dashed: true,
    }
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let dated = || XAxis::Dated {
        start: date(2024, 2, 29),
    };
    let num = || XAxis::Numeric {
        label: "x".to_string(),
    };
    let nan = f64::NAN;
    let cases = vec![
        line(vec![], dated(), true),
        line(vec![], num(), false),
        line(vec![series(vec![], vec![])], dated(), true),
        line(vec![series(vec![3.0], vec![5.0])], dated(), false),
        line(vec![series(vec![3.0], vec![5.0])], num(), true),
        line(
            vec![series(vec![2.0, 2.0, 2.0], vec![1.0, 2.0, 3.0])],
            num(),
            false,
        ),
        line(
            vec![series(vec![0.0, 1.0, 2.0], vec![0.0, 0.0, 0.0])],
            num(),
            true,
        ),
        line(
            vec![series(vec![0.0, 1.0, 2.0], vec![0.0, 0.0, 0.0])],
            dated(),
            false,
        ),
        line(
            vec![series(
                vec![0.0, nan, 2.0, 3.0, 4.0],
                vec![nan, 1.0, nan, 4.0, f64::INFINITY],
            )],
            dated(),
            true,
        ),
        line(vec![series(vec![nan, nan], vec![nan, nan])], num(), false),
        line(
            vec![series(vec![0.0, 1.0, 2.0], vec![-5.0, -7.0, -1.0])],
            num(),
            true,
        ),
        line(
            vec![series(vec![0.0, 1.0], vec![1e15, -1e15])],
            num(),
            false,
        ),
        line(
            vec![series(vec![0.0, 5000.0], vec![1e-9, 2e-9])],
            dated(),
            false,
        ),
        line(vec![series(vec![0.0, 1.0, 2.0], vec![1.0])], num(), false),
        Chart::Interval(IntervalChart {
            title: String::new(),
            x_label: String::new(),
            rows: vec![],
            percent: true,
            reference: None,
        }),
        Chart::Interval(IntervalChart {
            title: "x".repeat(400),
            x_label: "p".to_string(),
            rows: vec![IntervalRow {
                label: "a very long label ".repeat(20),
                estimate: nan,
                lower: 2.0,
                upper: -1.0,
                color: 3,
            }],
            percent: false,
            reference: Some((nan, "r".to_string())),
        }),
        Chart::Interval(IntervalChart {
            title: "same".to_string(),
            x_label: String::new(),
            rows: vec![IntervalRow {
                label: "z".to_string(),
                estimate: 0.0,
                lower: 0.0,
                upper: 0.0,
                color: 0,
            }],
            percent: false,
            reference: None,
        }),
        Chart::Tornado(TornadoChart {
            title: String::new(),
            x_label: String::new(),
            rows: vec![],
        }),
        Chart::Tornado(TornadoChart {
            title: "t".to_string(),
            x_label: String::new(),
            rows: vec![
                TornadoRow {
                    label: "zero".to_string(),
                    low: 0.0,
                    high: 0.0,
                    low_label: "a".to_string(),
                    high_label: "b".to_string(),
                },
                TornadoRow {
                    label: "same side".to_string(),
                    low: -3.0,
                    high: -1.0,
                    low_label: "lo".to_string(),
                    high_label: "hi".to_string(),
                },
                TornadoRow {
                    label: "nan".to_string(),
                    low: nan,
                    high: 2.0,
                    low_label: String::new(),
                    high_label: "x".to_string(),
                },
            ],
        }),
    ];
    for c in &cases {
        render_both(c);
    }
}

#[test]
fn extreme_values_do_not_panic() {
    let big = f64::MAX;
    let cases = vec![
        line(
            vec![series(vec![0.0, 1.0], vec![big, -big])],
            XAxis::Numeric {
                label: String::new(),
            },
            false,
        ),
        line(
            vec![series(vec![-big, big], vec![1.0, 2.0])],
            XAxis::Dated {
                start: date(2024, 1, 1),
            },
            true,
        ),
        line(
            vec![series(vec![2e9, 2e9 + 10.0], vec![1.0, 2.0])],
            XAxis::Dated {
                start: date(2024, 1, 1),
            },
            true,
        ),
        line(
            vec![series(vec![0.0, 1e-300], vec![1e-300, 2e-300])],
            XAxis::Numeric {
                label: String::new(),
            },
            false,
        ),
        Chart::Tornado(TornadoChart {
            title: "t".to_string(),
            x_label: String::new(),
            rows: vec![TornadoRow {
                label: "huge".to_string(),
                low: -big,
                high: big,
                low_label: "a".to_string(),
                high_label: "b".to_string(),
            }],
        }),
        Chart::Interval(IntervalChart {
            title: "i".to_string(),
            x_label: String::new(),
            rows: vec![IntervalRow {
                label: "huge".to_string(),
                estimate: big,
                lower: -big,
                upper: f64::INFINITY,
                color: 0,
            }],
            percent: true,
            reference: Some((f64::NEG_INFINITY, "r".to_string())),
        }),
    ];
    // Release builds wrap integer overflow instead of panicking: these must terminate.
    for c in &cases {
        // Errors are acceptable for absurd input; panics are not.
        let _ = render_svg(c);
        let _ = render_png(c);
    }
}

#[test]
fn title_wraps_to_two_lines() {
    let (lines, _) = layout_title(&"word ".repeat(40), 1500);
    assert_eq!(lines.len(), 2);
    let (lines, size) = layout_title("Short title", 1500);
    assert_eq!(lines, vec!["Short title".to_string()]);
    assert_eq!(size, TITLE_SIZE);
}

#[test]
fn dated_ticks_are_month_starts_and_thinned() {
    let start = date(2024, 1, 15);
    let (ticks, daily) = dated_ticks(start, &(0.0..730.0), 12);
    assert!(!daily);
    assert!(ticks.len() <= 12 && ticks.len() >= 4);
    for t in &ticks {
        assert_eq!(start.add_days(*t as i32).ymd().2, 1);
    }
    let (ticks, daily) = dated_ticks(start, &(0.0..10.0), 12);
    assert!(daily && !ticks.is_empty());
}

#[test]
fn number_formatting() {
    assert_eq!(fmt_num(1234567.0, 0), "1,234,567");
    assert_eq!(fmt_num(-2.5, 1), "−2.5");
    assert_eq!(fmt_num(-0.0001, 0), "0");
    assert_eq!(fmt_pct(0.25, 0), "25%");
    assert_eq!(decimals_for(0.25), 2);
    assert_eq!(decimals_for(5.0), 0);
}

/// Writes sample PNGs to /tmp for visual inspection:
/// `cargo test write_samples -- --ignored`.
#[test]
#[ignore = "writes the sample charts for a visual check; run by hand"]
fn write_samples() {
    let long = {
        let x: Vec<f64> = (0..=120).map(|i| i as f64 * 30.4).collect();
        let a: Vec<f64> = x.iter().map(|d| -500.0 + d * 0.9).collect();
        let b: Vec<f64> = x.iter().map(|d| 300.0 - d * 0.2).collect();
        let mut s1 = series(x.clone(), a);
        s1.name = "Current staffing".to_string();
        s1.dashed = false;
        s1.color = 0;
        let mut s2 = series(x, b);
        s2.name = "With two extra officers (dashed)".to_string();
        s2.color = 1;
        Chart::Line(LineChart {
            title: "Ten years, two series, negative values".to_string(),
            subtitle: None,
            x_axis: XAxis::Dated {
                start: date(2020, 3, 3),
            },
            y_label: "Backlog (hours)".to_string(),
            series: vec![s1, s2],
            hlines: vec![(0.0, "break-even".to_string())],
            vlines: vec![
                (1000.0, "review".to_string()),
                (1100.0, "budget".to_string()),
            ],
            y_from_zero: false,
            y_max: None,
            right_axis: None,
        })
    };
    let short = line(
        vec![series(
            (0..20).map(f64::from).collect(),
            (0..20).map(|i| f64::from(i % 5)).collect(),
        )],
        XAxis::Dated {
            start: date(2024, 12, 20),
        },
        true,
    );
    let single = line(
        vec![series(vec![3.0], vec![5.0])],
        XAxis::Numeric {
            label: "Officers".to_string(),
        },
        true,
    );
    let empty = line(
        vec![],
        XAxis::Dated {
            start: date(2024, 1, 1),
        },
        true,
    );
    for (name, c) in [
        ("fan", sample_fan()),
        ("interval", sample_interval()),
        ("tornado", sample_tornado()),
        ("long", long),
        ("short", short),
        ("single", single),
        ("empty", empty),
    ] {
        std::fs::write(format!("/tmp/charts_{name}.png"), render_png(&c).unwrap()).unwrap();
        std::fs::write(format!("/tmp/charts_{name}.svg"), render_svg(&c).unwrap()).unwrap();
    }
}
