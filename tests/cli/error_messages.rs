//! Every message a bad scenario gets, pinned exactly (in the style of just's
//! `tests/error_messages.rs`): each case edits one line of a small valid scenario and names the
//! whole of `validate`'s stderr. A change to a message shows here as a diff; update the case
//! when the new text is better.

use std::fs;

use super::caseload;

const BASE: &str = r#"name = "small"
start = 2024-01-01
horizon_years = 1.5
seed = 3
[caseload]
high = 40
medium = 120
low_active = 100
[backlog]
overdue = 30
[registrations.other]
per_month = 2
[staff]
establishment = [[2024-01-01, 5]]
[plan]
deadline = 2024-09-30
target_backlog = 5
"#;

/// `validate x.toml` on BASE with `from` replaced by `to` exits 2 with exactly `stderr`.
fn check(from: &str, to: &str, stderr: &str) {
    assert!(BASE.contains(from), "{from}");
    check_text(&BASE.replacen(from, to, 1), stderr);
}

fn check_text(text: &str, stderr: &str) {
    check_bytes(text.as_bytes(), stderr);
}

fn check_bytes(bytes: &[u8], stderr: &str) {
    assert_eq!(validate_stderr(bytes), stderr);
}

/// `validate x.toml` on `bytes`: must exit 2; its stderr.
fn validate_stderr(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x.toml"), bytes).unwrap();
    let out = caseload()
        .current_dir(dir.path())
        .args(["validate", "x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn datetime_start() {
    check(
        "start = 2024-01-01",
        "start = 2024-01-17T09:00:00",
        r"x.toml: 1 problem in the scenario
  x.toml:2:1: `start` has the wrong type: expected a date like 2024-01-31, got `2024-01-17T09:00:00`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn day_month_year_date() {
    check(
        "start = 2024-01-01",
        "start = 31/01/2024",
        r"x.toml: 1 problem in the scenario
  x.toml:2:11: not valid TOML: expected newline, `#`: dates are written YYYY-MM-DD, without quotes: `2024-01-31` for `31/01/2024` if it is day/month/year
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn percent_after_number() {
    check(
        "per_month = 2",
        "per_month = 0.25%",
        r"x.toml: 1 problem in the scenario
  x.toml:12:17: not valid TOML: expected newline, `#`: write a share as a number without `%`, e.g. `0.25` for 25% (see the key's documentation for whether it takes a share or a percentage)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn unit_after_number() {
    check(
        "establishment = [[2024-01-01, 5]]",
        "establishment = [[2024-01-01, 28 FTE]]",
        r"x.toml: 1 problem in the scenario
  x.toml:14:34: not valid TOML: invalid array expected `]`: a number takes no unit (`FTE`): write the number alone; the key's name or documentation says its unit
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn unit_after_number_top() {
    check(
        "overdue = 30",
        "overdue = 30 visits",
        r"x.toml: 1 problem in the scenario
  x.toml:10:14: not valid TOML: expected newline, `#`: a number takes no unit (`visits`): write the number alone; the key's name or documentation says its unit
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn thousands_separator() {
    check(
        "medium = 120",
        "medium = 1,240",
        r"x.toml: 1 problem in the scenario
  x.toml:7:11: not valid TOML: expected newline, `#`: no thousands separators in numbers: write `1240` (or `1_240`), not `1,240`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn capital_true() {
    check(
        "target_backlog = 5",
        "target_backlog = 5\nno_very_high_overdue = True",
        r#"x.toml: 1 problem in the scenario
  x.toml:18:24: not valid TOML: invalid string expected `"`, `'`: true and false are lower case in TOML: write `true`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn capital_false() {
    check(
        "target_backlog = 5",
        "target_backlog = 5\nno_very_high_overdue = FALSE",
        r#"x.toml: 1 problem in the scenario
  x.toml:18:24: not valid TOML: invalid string expected `"`, `'`: true and false are lower case in TOML: write `false`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn slash_comment() {
    check(
        "medium = 120",
        "medium = 120 // from the 2023 return",
        r"x.toml: 1 problem in the scenario
  x.toml:7:14: not valid TOML: expected newline, `#`: comments start with `#` in TOML, not `//`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn slash_comment_line() {
    check(
        "medium = 120",
        "// caseload\nmedium = 120",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: not valid TOML: invalid key: comments start with `#` in TOML, not `//`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn smart_quotes() {
    check(
        "medium = 120",
        "medium = “120”",
        r#"x.toml: 1 problem in the scenario
  x.toml:7:10: not valid TOML: invalid string expected `"`, `'`: smart quotes (“ ” or ‘ ’): use straight quotes `"`, and no quotes at all around a number
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn smart_quotes_name() {
    check(
        "name = \"small\"",
        "name = “small”",
        r#"x.toml: 1 problem in the scenario
  x.toml:1:8: not valid TOML: invalid string expected `"`, `'`: smart quotes (“ ” or ‘ ’): use straight quotes `"`, and no quotes at all around a number
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn non_breaking_space() {
    check(
        "medium = 120",
        "medium = 120",
        r#"x.toml: 1 problem in the scenario
  x.toml:7:9: not valid TOML: invalid string expected `"`, `'`: the line holds a non-breaking space (U+00A0) copied from a document: retype it as an ordinary space
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn en_dash_minus() {
    check(
        "overdue = 30",
        "overdue = –3",
        r#"x.toml: 1 problem in the scenario
  x.toml:10:11: not valid TOML: invalid string expected `"`, `'`: a dash that is not a minus sign (an en dash or typographic minus, copied from a document): type the number with `-`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn typographic_minus() {
    check(
        "overdue = 30",
        "overdue = −3",
        r#"x.toml: 1 problem in the scenario
  x.toml:10:11: not valid TOML: invalid string expected `"`, `'`: a dash that is not a minus sign (an en dash or typographic minus, copied from a document): type the number with `-`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn section_wrong_case() {
    check(
        "[plan]",
        "[Plan]",
        r"x.toml: 3 problems in the scenario
  x.toml:1:1: `plan.deadline` is missing: expected a date like 2024-01-31
  x.toml:1:1: `plan.target_backlog` is missing: expected a whole number ≥ 0
  x.toml:15:2: `Plan` unknown key `Plan`: did you mean `plan`?
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn key_transposed() {
    check(
        "seed = 3",
        "sede = 3",
        r"x.toml: 1 problem in the scenario
  x.toml:4:1: `sede` unknown key `sede`: did you mean `seed`?
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn section_misspelt() {
    check(
        "[staff]",
        "[staf]",
        r"x.toml: 2 problems in the scenario
  x.toml:1:1: `staff.establishment` is missing: expected FTE in post, a number or dated steps like [[2024-01-01, 30], [2024-04-01, 36]]
  x.toml:13:2: `staf` unknown key `staf`: did you mean `staff`?
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn key_wrong_case() {
    check(
        "medium = 120",
        "Medium = 120",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.Medium` unknown key `Medium`: did you mean `medium`?
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn key_unknown_far() {
    check(
        "seed = 3",
        "colour = 3",
        r"x.toml: 1 problem in the scenario
  x.toml:4:1: `colour` unknown key `colour`: not part of the scenario format (check the spelling; scenarios/default_force.toml lists every key)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn nested_key_misspelt() {
    check(
        "per_month = 2",
        "per_mnth = 2",
        r"x.toml: 2 problems in the scenario
  x.toml:11:16: `registrations.other.per_month` is missing: expected a number ≥ 0 or dated points
  x.toml:12:1: `registrations.other.per_mnth` unknown key `per_mnth`: did you mean `per_month`?
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn string_for_number() {
    check(
        "target_backlog = 5",
        "target_backlog = \"five\"",
        r#"x.toml: 1 problem in the scenario
  x.toml:17:1: `plan.target_backlog` has the wrong type: expected a whole number ≥ 0, got `"five"`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn negative_backlog() {
    check(
        "target_backlog = 5",
        "target_backlog = -1",
        r"x.toml: 1 problem in the scenario
  x.toml:17:1: `plan.target_backlog` must be a whole number ≥ 0 (got `-1`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn negative_fte() {
    check(
        "[[2024-01-01, 5]]",
        "[[2024-01-01, 5], [2024-06-01, -3]]",
        r"x.toml: 1 problem in the scenario
  x.toml:14:35: `staff.establishment[1]` must be a number of FTE from 0 to 100,000 (got `-3`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn fractional_caseload() {
    check(
        "medium = 120",
        "medium = 120.5",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.medium` must be a whole number of RSOs (got `120.5`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn tier_too_large() {
    check(
        "medium = 120",
        "medium = 1e12",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.medium` must be at most 10,000,000 RSOs (got `1e12`): give the force's own count (England and Wales hold about 70,000 in all)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn rate_above_its_range() {
    check(
        "per_month = 2",
        "per_month = 1e7",
        r"x.toml: 1 problem in the scenario
  x.toml:12:1: `registrations.other.per_month` must be at most 1,000,000 registrations per month (got `1e7`): rates are per month for the whole force (e.g. `per_month = 20`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn arrivals_too_many() {
    // 1,000,000 a month (the most the key allows) for 10 years: 3,653 days of 1e6 / 30.4375.
    check_text(
        &BASE
            .replacen("per_month = 2", "per_month = 1e6", 1)
            .replacen("horizon_years = 1.5", "horizon_years = 10", 1),
        r"x.toml: 1 problem in the scenario
  x.toml:11:16: `registrations.other` would bring about 120,016,427 registrations over the run, above the limit of 50,000,000: rates are per month for the whole force (e.g. `per_month = 20`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn horizon_too_long() {
    check(
        "horizon_years = 1.5",
        "horizon_years = 60",
        r"x.toml: 1 problem in the scenario
  x.toml:3:1: `horizon_years` must be at most 50 years (got `60`): a workload plan rarely looks beyond 10
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn horizon_both() {
    check(
        "horizon_years = 1.5",
        "horizon_years = 1.5\nhorizon_days = 400",
        r"x.toml: 1 problem in the scenario
  x.toml:4:1: `horizon_days` and `horizon_years` are both set: give one
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn name_too_long() {
    check(
        "name = \"small\"",
        "name = \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"",
        r"x.toml: 1 problem in the scenario
  x.toml:1:1: `name` must be at most 1,000 characters (got 1,001): keep it to a line or two and put notes in comments
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn visit_hours_infinite() {
    check(
        "[staff]",
        "[visits]\nhigh = { hours = 1e40 }\n[staff]",
        r"x.toml: 1 problem in the scenario
  x.toml:14:10: `visits.high.hours` must be at most 1,000 staff-hours per visit (got `1e40`): hours of one visit, e.g. 3.5
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn unclosed_array() {
    check(
        "establishment = [[2024-01-01, 5]]",
        "establishment = [[2024-01-01, 5]",
        r"x.toml: 1 problem in the scenario
  x.toml:15:1: not valid TOML: invalid array expected `]`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn missing_equals() {
    check(
        "seed = 3",
        "seed 3",
        r"x.toml: 1 problem in the scenario
  x.toml:4:6: not valid TOML: expected `.`, `=`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn duplicate_key() {
    check(
        "seed = 3",
        "seed = 3\nseed = 4",
        r"x.toml: 1 problem in the scenario
  x.toml:5:1: not valid TOML: duplicate key `seed` in document root
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn missing_start() {
    check(
        "start = 2024-01-01\n",
        "",
        r"x.toml: 1 problem in the scenario
  x.toml:1:1: `start` is missing: expected a date like 2024-01-31
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn missing_deadline() {
    check(
        "deadline = 2024-09-30\n",
        "",
        r"x.toml: 1 problem in the scenario
  x.toml:15:2: `plan.deadline` is missing: expected a date like 2024-01-31
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn deadline_not_a_date() {
    check(
        "deadline = 2024-09-30",
        "deadline = 2024-13-45",
        r"x.toml: 1 problem in the scenario
  x.toml:16:17: not valid TOML: invalid date-time value is out of range: not a date of the calendar (months have 28 to 31 days, the year 12 months): check the day and month
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn overdue_above_caseload() {
    check(
        "overdue = 30",
        "overdue = 100000",
        r"x.toml: 1 problem in the scenario
  x.toml:10:1: `backlog.overdue` must be a whole number from 0 to 260 (got `100000`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn bool_for_number() {
    check(
        "seed = 3",
        "seed = true",
        r"x.toml: 1 problem in the scenario
  x.toml:4:1: `seed` has the wrong type: expected a whole number ≥ 0, got `true`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn array_for_number() {
    check(
        "medium = 120",
        "medium = [120]",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.medium` has the wrong type: expected a number ≥ 0, got `[120]`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn table_for_number() {
    check(
        "medium = 120",
        "medium = { value = 120 }",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.medium` has the wrong type: expected a number ≥ 0, got `{ value = 120 }`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn bad_range() {
    check(
        "medium = 120",
        "medium = { low = 130, high = 110 }",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: `caseload.medium` range `low` must be below `high` (got low = 130, high = 110); for a known value write the number itself
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn lag_too_long() {
    check(
        "[registrations.other]",
        "[registrations.online_csa]\nper_month = 3\nlag = { mean_days = 1e9, sd_days = 10 }\n[registrations.other]",
        r"x.toml: 3 problems in the scenario
  x.toml:11:16: `registrations.online_csa.detections_per_month` is missing: expected a number ≥ 0 or dated points
  x.toml:12:1: `registrations.online_csa.per_month` unknown key `per_month`: not part of the scenario format (check the spelling; scenarios/default_force.toml lists every key)
  x.toml:13:9: `registrations.online_csa.lag.mean_days` must be at most 36,500 days (got `1e9`): a lag is given in days, e.g. 365 for a year
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn json_file_is_named_json() {
    check_text(
        "{\"name\": \"small\", \"seed\": 3}\n",
        r"x.toml: 1 problem in the scenario
  x.toml:1:1: not valid TOML: invalid key: this looks like JSON; a scenario is TOML (`key = value` lines under `[section]` headers, see scenarios/default_force.toml)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn a_latin1_file_is_asked_to_be_saved_as_utf8() {
    check_bytes(
        b"name = \"caf\xe9\"\n",
        r"cannot read scenario x.toml: the file is not UTF-8 text (byte 12 is not valid UTF-8): save it as UTF-8 (in Excel or Notepad: Save As, encoding UTF-8)
error: 1 of 1 scenario file is invalid
",
    );
}

/// Valid but suspicious values pass with a warning on stderr that gives the likely intent.
#[test]
fn suspicious_values_warn_and_still_validate() {
    let text = BASE
        .replacen("per_month = 2", "per_month = 2\ntrend_per_year = 5", 1)
        .replacen(
            "[staff]",
            "[visits]\nhigh = { hours = 180 }\n[calendar]\nworking_days = [\"Mon-Fri\"]\n[staff]",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x.toml"), text).unwrap();
    let out = caseload()
        .current_dir(dir.path())
        .args(["validate", "x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: x.toml:13:1: `registrations.other.trend_per_year` = 5 is a growth of +500% a year; for 5% a year write 0.05\n\
         warning: x.toml:15:10: `visits.high.hours` = 180 staff-hours for one visit is more than a day; if it is minutes, write 3\n\
         warning: x.toml:17:17: `calendar.working_days[0]` `\"Mon-Fri\"` is read as its first day only; list each day, e.g. [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"]\n"
    );
}

#[test]
fn missing_start_is_reported_once_not_per_dated_point() {
    check_text(
        &BASE.replacen("start = 2024-01-01\n", "", 1).replacen(
            "[[2024-01-01, 5]]",
            "[[2024-01-01, 5], [2024-06-01, 6]]",
            1,
        ),
        r"x.toml: 1 problem in the scenario
  x.toml:1:1: `start` is missing: expected a date like 2024-01-31
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn control_character_in_a_comment() {
    check(
        "seed = 3",
        "seed = 3 # copied \u{1} from a PDF",
        r"x.toml: 1 problem in the scenario
  x.toml:4:19: not valid TOML: a control character (U+0001) is not allowed anywhere in TOML, not even in a comment: delete it (it is invisible in most editors and often comes from text copied out of a PDF or a spreadsheet)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn negative_seed() {
    check(
        "seed = 3",
        "seed = -3",
        r"x.toml: 1 problem in the scenario
  x.toml:4:1: `seed` must be a whole number ≥ 0 (got `-3`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn zero_horizon_is_refused_with_its_range_and_the_deadline_follows() {
    check(
        "horizon_years = 1.5",
        "horizon_years = 0",
        r"x.toml: 2 problems in the scenario
  x.toml:3:1: `horizon_years` must be a number of years from 0.02 to 100 (got `0`)
  x.toml:16:1: `plan.deadline` must fall within the simulated period, 2024-01-01 to 2024-01-07 (got 2024-09-30; lengthen the horizon or move the deadline)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn deadline_before_start() {
    check(
        "deadline = 2024-09-30",
        "deadline = 2023-09-30",
        r"x.toml: 1 problem in the scenario
  x.toml:16:1: `plan.deadline` must fall within the simulated period, 2024-01-01 to 2025-07-01 (got 2023-09-30; lengthen the horizon or move the deadline)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn negative_target() {
    check(
        "target_backlog = 5",
        "target_backlog = -5",
        r"x.toml: 1 problem in the scenario
  x.toml:17:1: `plan.target_backlog` must be a whole number ≥ 0 (got `-5`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn word_for_a_rate() {
    check(
        "per_month = 2",
        r#"per_month = "two""#,
        r#"x.toml: 1 problem in the scenario
  x.toml:12:1: `registrations.other.per_month` has the wrong type: expected a number ≥ 0 or dated points like [[2024-01-01, 3.0], [2025-01-01, 4.5]], got `"two"`
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn dated_point_without_its_value() {
    check(
        "establishment = [[2024-01-01, 5]]",
        "establishment = [[2024-01-01]]",
        r"x.toml: 1 problem in the scenario
  x.toml:14:1: `staff.establishment` has the wrong type: expected a number of FTE from 0 to 100,000 or dated points like [[2024-01-01, 3.0], [2025-01-01, 4.5]], got `[[2024-01-01]]`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn duplicate_key_in_a_table() {
    check(
        "high = 40",
        "high = 40\nhigh = 41",
        r"x.toml: 1 problem in the scenario
  x.toml:7:1: not valid TOML: duplicate key `high` in table `caseload`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn tier_unknown_to_the_backlog_table() {
    check(
        "[backlog]",
        "[backlog]\nvery_high = 3",
        r"x.toml: 1 problem in the scenario
  x.toml:10:1: `backlog.very_high` unknown key `very_high`: not part of the scenario format (check the spelling; scenarios/default_force.toml lists every key)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn control_character_in_a_comment_line() {
    check(
        "seed = 3",
        "seed = 3\n# pasted \u{7f} here",
        r"x.toml: 1 problem in the scenario
  x.toml:5:10: not valid TOML: a control character (U+007F) is not allowed anywhere in TOML, not even in a comment: delete it (it is invisible in most editors and often comes from text copied out of a PDF or a spreadsheet)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn zero_replicas() {
    check(
        "seed = 3",
        "seed = 3\nreplicas = 0",
        r"x.toml: 1 problem in the scenario
  x.toml:5:1: `replicas` must be a whole number from 1 to 1,000,000 (got `0`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn date_written_as_a_number() {
    check(
        "start = 2024-01-01",
        "start = 20240101",
        r"x.toml: 1 problem in the scenario
  x.toml:2:1: `start` has the wrong type: expected a date like 2024-01-31, got `20240101`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn negative_registration_rate() {
    check(
        "per_month = 2",
        "per_month = -2",
        r"x.toml: 1 problem in the scenario
  x.toml:12:1: `registrations.other.per_month` must be a number ≥ 0 (got `-2`)
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn option_overrides_beside_its_name() {
    check_text(
        &format!("{BASE}[[options]]\nname = \"A\"\n\"staff.establishment\" = [[2024-01-01, 6]]\n"),
        r#"x.toml: 1 problem in the scenario
  x.toml:20:1: option "A": overrides go inside the option's `set` table, not beside its name: write set = { "staff.establishment" = … } (found `staff.establishment`)
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn option_value_of_the_wrong_shape() {
    check_text(
        &format!("{BASE}[[options]]\nname = \"A\"\nset = {{ custody = 5 }}\n"),
        r#"x.toml: 1 problem in the scenario
  x.toml:20:1: option "A": `custody` has the wrong shape: invalid type: integer `5`, expected a table of keys (see scenarios/default_force.toml)
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn array_where_a_table_is_expected() {
    check(
        "seed = 3",
        "seed = 3\nvisits = [1, 2]",
        r"x.toml: 1 problem in the scenario
  x.toml:5:10: `visits` has the wrong shape: invalid type: an array of 2 items, expected a table of keys (see scenarios/default_force.toml)
error: 1 of 1 scenario file is invalid
",
    );
}

/// A run estimated (before anything is simulated) at 1,000,000 national replicas is refused
/// with the estimate and the override, and writes nothing.
#[test]
fn a_run_too_large_for_the_machine_is_refused_with_the_override() {
    let dir = tempfile::tempdir().unwrap();
    let out = caseload()
        .args([
            "run",
            "scenarios/national_2024.toml",
            "-n",
            "1000000",
            "-q",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: this would take about "), "{err}");
    assert!(
        err.contains("hours of computing (limit 4.0 hours) for 1,000,000 simulations of about"),
        "{err}"
    );
    assert!(
        err.contains("pass `--allow-large` to run it anyway"),
        "{err}"
    );
    assert!(!dir.path().join("o").join("summary.json").exists());
}

#[test]
fn duplicate_key_with_a_unit_in_its_comment() {
    // The hint about units must not come from the comment: the duplicate is the whole story.
    check(
        "overdue = 30",
        "overdue = 30\noverdue = 40     # visits, not days",
        r"x.toml: 1 problem in the scenario
  x.toml:11:1: not valid TOML: duplicate key `overdue` in table `backlog`
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn integer_with_too_many_digits() {
    check(
        "overdue = 30",
        "overdue = 123456789012345678901234567890",
        r"x.toml: 1 problem in the scenario
  x.toml:10:11: not valid TOML: number too large to fit in target type: the number has too many digits (whole numbers stop at 9,223,372,036,854,775,807): check what was typed
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn date_not_in_the_calendar() {
    check(
        "deadline = 2024-09-30",
        "deadline = 2024-02-30",
        r"x.toml: 1 problem in the scenario
  x.toml:16:20: not valid TOML: invalid date-time value is out of range: not a date of the calendar (months have 28 to 31 days, the year 12 months): check the day and month
error: 1 of 1 scenario file is invalid
",
    );
}

#[test]
fn option_set_misspelt() {
    check_text(
        &format!("{BASE}[[options]]\nname = \"A\"\nsets = {{ \"staff.establishment\" = 6 }}\n"),
        r#"x.toml: 1 problem in the scenario
  x.toml:20:1: option "A": unknown key `sets`: did you mean `set`?
error: 1 of 1 scenario file is invalid
"#,
    );
}

#[test]
fn too_many_options() {
    let options = "[[options]]\nname = \"A\"\nset = {}\n".repeat(101);
    check_text(
        &format!("{BASE}{options}"),
        r"x.toml: 1 problem in the scenario
  x.toml:18:3: 101 options: at most 100 can be compared in one scenario; split them over several scenario files
error: 1 of 1 scenario file is invalid
",
    );
}

/// A file with tens of thousands of problems (here 30,000 repeated dates on one line) gets
/// every one, each at its own column: problems are located by a line index, not by a scan
/// from the start of the file each (which took minutes at 100,000), and an option's
/// inherited problems are matched by a set, not against each of the base's.
#[test]
fn thirty_thousand_problems_each_located() {
    let steps = vec!["[2024-01-01, 5]"; 30_001].join(", ");
    let text = BASE.replacen(
        "establishment = [[2024-01-01, 5]]",
        &format!("establishment = [{steps}]"),
        1,
    )
        + "[[options]]\nname = \"A\"\nset = { \"staff.productive_hours_per_week\" = 30 }\n";
    let err = validate_stderr(text.as_bytes());
    assert!(
        err.starts_with("x.toml: 30000 problems in the scenario\n"),
        "{}",
        &err[..200]
    );
    // `[2024-01-01, 5]` and ", " are 17 characters: the last entry starts 17 × 30,000 after
    // the first, which stands at column 18 of line 14 (after `establishment = [`).
    let last = format!(
        "  x.toml:14:{}: `staff.establishment[30000]` dates must increase",
        18 + 17 * 30_000
    );
    assert!(err.contains(&last), "{}", &err[err.len() - 300..]);
    assert_eq!(err.lines().count(), 30_002);
}

#[test]
fn nested_value_of_the_wrong_shape_names_its_key() {
    check(
        "per_month = 2",
        "per_month = 2\n[recall]\nrate_per_year = \"x\"",
        r#"x.toml: 1 problem in the scenario
  x.toml:14:17: `recall.rate_per_year` has the wrong shape: invalid type: string "x", expected a table by tier, e.g. { very_high = 0.1, high = 0.05, medium = 0.02 }
error: 1 of 1 scenario file is invalid
"#,
    );
}
