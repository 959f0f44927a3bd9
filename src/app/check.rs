//! `caseload check`: the consistency check of each scenario, printed for a person.

use std::path::PathBuf;

use super::AppError;
use caseload::model::balance::{assess, balance, Assessment, Balance};
use caseload::scenario::{self, Scenario};

/// The one-line summary `run` and the briefing show.
pub(super) fn one_line(a: &Assessment) -> String {
    format!(
        "utilisation at the start {:.2} ({:.0} hours demanded a week, {:.0} available); over the horizon {:.2}",
        a.start_utilisation, a.start_demanded_per_week, a.start_available_per_week, a.mean_utilisation
    )
}

/// The full text of `check` for one scenario.
pub(super) fn render(s: &Scenario, b: &Balance, a: &Assessment) -> String {
    let mut out = format!("{}\n", s.name);
    out.push_str(&format!(
        "  at the start: {:.0} hours demanded a week, {:.0} available: utilisation {:.2}\n",
        a.start_demanded_per_week, a.start_available_per_week, a.start_utilisation
    ));
    out.push_str(&format!(
        "  over the horizon: utilisation {:.2} (quarters from {:.2} to {:.2}); register {:+.1}% a year\n",
        a.mean_utilisation,
        a.min_quarter_utilisation,
        a.max_quarter_utilisation,
        100.0 * a.register_growth_per_year
    ));
    out.push_str(&format!(
        "  backlog at the start {}; at starting staffing it would move by {:+.1} a week, {:+.0} in six months (after the team stops working ahead)\n",
        s.initial.overdue_total(),
        a.backlog_drift_per_week,
        a.backlog_change_six_months
    ));
    out.push_str(
        "  quarter starting   managed RSOs   demanded h/wk   available h/wk   utilisation\n",
    );
    for q in b.weeks.chunks(13) {
        let n = q.len() as f64;
        let (d, av, m) = q.iter().fold((0.0, 0.0, 0.0), |(d, a, m), w| {
            (d + w.demanded, a + w.available, m + w.managed)
        });
        let date = s.date_of(7 * (q[0].week as i32 - 1));
        let u = if av > 0.0 { d / av } else { f64::INFINITY };
        out.push_str(&format!(
            "  {date}         {:>8.0}   {:>13.0}   {:>14.0}   {:>11.2}\n",
            m / n,
            d / n,
            av / n,
            u
        ));
    }
    if b.weeks.iter().any(|w| w.pool_on_call > 0.0) {
        out.push_str(
            "  (a flexible pool on call when the backlog is high is not counted as available)\n",
        );
    }
    if a.warnings.is_empty() {
        out.push_str("  ok: the scenario can hold its starting state\n");
    }
    for w in &a.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    out
}

/// Checks each scenario; exit 1 if any warns, 2 if any is invalid.
pub(super) fn check_command(paths: &[PathBuf]) -> Result<(), AppError> {
    let mut invalid = 0;
    let mut warned = 0;
    for p in paths {
        match scenario::load_file(p) {
            Ok(s) => {
                let b = balance(&s);
                let a = assess(&s, &b);
                if !a.warnings.is_empty() {
                    warned += 1;
                }
                say_part!("{}: {}", p.display(), render(&s, &b, &a));
            }
            Err(e) => {
                invalid += 1;
                eprintln!("{e}");
            }
        }
    }
    if invalid > 0 {
        return Err(AppError::Input(anyhow::anyhow!(
            "{invalid} of {} scenario files invalid",
            paths.len()
        )));
    }
    if warned > 0 {
        return Err(AppError::Run(anyhow::anyhow!(
            "{warned} of {} scenarios cannot hold their own starting state (see the warnings above)",
            paths.len()
        )));
    }
    Ok(())
}
