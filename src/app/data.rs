//! `caseload template extract|history` and `caseload summarise-extract`: the data files a
//! force prepares for calibration, and what a caseload extract implies for a scenario.

use anyhow::anyhow;

use super::AppError;
use crate::cli::{SummariseArgs, TemplateKind};
use caseload::time::Date;

pub(super) fn template(kind: TemplateKind) -> Result<(), AppError> {
    say_part!(
        "{}",
        match kind {
            TemplateKind::Extract => caseload::scenario::extract::template_extract(),
            TemplateKind::History => caseload::calibrate::history::template_history(),
        }
    );
    Ok(())
}

pub(super) fn summarise_extract(a: &SummariseArgs) -> Result<(), AppError> {
    let input = |e: anyhow::Error| AppError::Input(e);
    let start = Date::parse(&a.start).ok_or_else(|| {
        input(anyhow!(
            "--start `{}` is not a date like 2024-01-31",
            a.start
        ))
    })?;
    let bytes = caseload::scenario::limits::read_capped_bytes(&a.file, "caseload extract")
        .map_err(|e| input(anyhow!("cannot read {}: {e}", a.file.display())))?;
    let extract = caseload::scenario::extract::parse_extract(&bytes, &a.file.display().to_string())
        .map_err(|e| input(e.into()))?;
    say_part!(
        "{}",
        caseload::scenario::extract::summarise(&extract, start)
    );
    Ok(())
}
