//! A range as written in a scenario (`{ low, high }` or `{ low, mode, high }`): how it is
//! read and its central value. Shared by the serde mirror (`raw`, which reads a range as its
//! central value) and by `uncertain` (which draws it per replica), so neither depends on the
//! other.

/// The value a range is validated with: the mode, or the midpoint; rounded when the range is
/// written with whole numbers.
pub(crate) fn central(low: f64, mode: Option<f64>, high: f64, whole: bool) -> f64 {
    let c = mode.unwrap_or(0.5 * (low + high));
    if whole {
        c.round()
    } else {
        c
    }
}

/// A number as shown in a range's messages: at most four decimals, no trailing zeros.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A range as written: low, mode, high, and whether all of them are whole numbers.
pub(crate) type Written = (f64, Option<f64>, f64, bool);

/// The range `t` holds, or how it is written wrongly; `None` if `t` is not meant as a range
/// (it has neither `low` nor `mode`).
pub(crate) fn range_of(t: &toml::Table) -> Option<Result<Written, String>> {
    // `high` alone is a tier key (`{ high = 0.1, medium = 0.05 }`): a range has `low` or `mode`.
    let is_range = t.contains_key("low") || t.contains_key("mode");
    if !is_range {
        return None;
    }
    if let Some(k) = t
        .keys()
        .find(|k| !matches!(k.as_str(), "low" | "mode" | "high"))
    {
        return Some(Err(format!(
            "a range takes only `low`, `high` and optionally `mode` (got `{k}`)"
        )));
    }
    let get = |k: &str| match t.get(k) {
        None => Ok(None),
        Some(toml::Value::Integer(i)) => Ok(Some((*i as f64, true))),
        Some(toml::Value::Float(f)) if f.is_finite() => Ok(Some((*f, false))),
        Some(v) => Err(format!("range `{k}` must be a number (got `{v}`)")),
    };
    Some((|| {
        let (low, high, mode) = (get("low")?, get("high")?, get("mode")?);
        let (Some((low, wl)), Some((high, wh))) = (low, high) else {
            return Err(
                "a range needs both `low` and `high`, e.g. { low = 22, high = 30 } (and optionally `mode`)"
                    .into(),
            );
        };
        if low >= high {
            return Err(format!(
                "range `low` must be below `high` (got low = {}, high = {}); for a known value write the number itself",
                num(low),
                num(high)
            ));
        }
        let whole = wl && wh && mode.is_none_or(|m| m.1);
        if let Some((m, _)) = mode {
            if m < low || m > high {
                return Err(format!(
                    "range `mode` must lie between `low` and `high` (got mode = {}, range {}–{})",
                    num(m),
                    num(low),
                    num(high)
                ));
            }
        }
        Ok((low, mode.map(|m| m.0), high, whole))
    })())
}

/// The central value of `v` when it is a well-formed range (for the serde mirror).
pub(crate) fn central_of(v: &toml::Value) -> Option<f64> {
    let toml::Value::Table(t) = v else {
        return None;
    };
    match range_of(t)? {
        Ok((low, mode, high, whole)) => Some(central(low, mode, high, whole)),
        Err(_) => None,
    }
}
