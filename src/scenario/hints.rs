//! Hints for the mistakes analysts make when typing a scenario: a unit or `%` after a number, a
//! thousands separator, `True`, a date not in YYYY-MM-DD, `//` comments, smart quotes and
//! look-alike spaces or dashes, a JSON file; and "did you mean" for unknown keys, by edit
//! distance against the keys of `scenarios/default_force.toml` (which lists every key).
//!
//! Pure text in, text out: validation appends what these return to its messages.

/// The commented example scenario, whose tables name every key of the format.
const EXAMPLE: &str = include_str!("../../scenarios/default_force.toml");

/// The text of a date-time value that serde hands over as its private table form.
pub(crate) fn datetime_text(v: &toml::Value) -> Option<String> {
    if let toml::Value::Datetime(d) = v {
        return Some(d.to_string());
    }
    let t = v.as_table()?;
    if t.len() != 1 {
        return None;
    }
    t.get("$__toml_private_datetime")
        .and_then(|d| d.as_str())
        .map(str::to_string)
}

/// The words for a TOML syntax error at byte `offset` of `text`, after "not valid TOML: ":
/// the parser's own message with a hint for the fix.
///
/// - At a control character the parser says nothing, or "expected newline", even inside a
///   comment: the message names the character instead, and that is the whole story.
/// - A duplicate key is the whole story too: a hint read off the line's value would be about
///   something else.
/// - Otherwise a hint for what the parser said ([`parser`]) or, failing that, for what the
///   line holds ([`syntax`]).
pub(crate) fn syntax_error(text: &str, offset: usize, parser_msg: &str) -> String {
    let c = text.get(offset..).and_then(|t| t.chars().next());
    let what = match c {
        Some(c) if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {
            return format!(
                "a control character (U+{:04X}) is not allowed anywhere in TOML, not even in a comment: delete it (it is invisible in most editors and often comes from text copied out of a PDF or a spreadsheet)",
                u32::from(c)
            );
        }
        _ if !parser_msg.is_empty() => parser_msg.to_string(),
        Some(c) => format!(
            "unexpected character `{}` (U+{:04X})",
            c.escape_default(),
            u32::from(c)
        ),
        None => "the file ends too early".to_string(),
    };
    let hint = if parser_msg.contains("duplicate key") {
        String::new()
    } else if let Some(h) = parser(parser_msg) {
        h.to_string()
    } else {
        syntax(text, offset).unwrap_or_default()
    };
    format!("{what}{hint}")
}

/// A hint for a TOML syntax error at byte `offset` of `text`, from the line it is on: text to
/// append to the message (starting with `: `), or `None`.
fn syntax(text: &str, offset: usize) -> Option<String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{')
        || trimmed.starts_with('[') && trimmed[1..].trim_start().starts_with('{')
    {
        return Some(
            ": this looks like JSON; a scenario is TOML (`key = value` lines under `[section]` headers, see scenarios/default_force.toml)".into(),
        );
    }
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    // The hints read the value a user typed, not the comment after it (`= 180 # days`).
    let value = without_comment(line.split_once('=').map_or(line, |(_, v)| v)).trim();
    if let Some(c) = line
        .chars()
        .find(|c| matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}'))
    {
        return Some(format!(
            ": the line holds a non-breaking space (U+{:04X}) copied from a document: retype it as an ordinary space",
            u32::from(c)
        ));
    }
    if value.starts_with(['\u{2013}', '\u{2014}', '\u{2212}'])
        || value.contains(['\u{2013}', '\u{2212}']) && value.chars().any(|c| c.is_ascii_digit())
    {
        return Some(": a dash that is not a minus sign (an en dash or typographic minus, copied from a document): type the number with `-`".into());
    }
    if value.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']) {
        return Some(": smart quotes (“ ” or ‘ ’): use straight quotes `\"`, and no quotes at all around a number".into());
    }
    if line.trim_start().starts_with("//") || value.contains(" //") {
        return Some(": comments start with `#` in TOML, not `//`".into());
    }
    let first = value.split_whitespace().next().unwrap_or("");
    if first.eq_ignore_ascii_case("true") && first != "true"
        || first.eq_ignore_ascii_case("false") && first != "false"
    {
        return Some(format!(
            ": true and false are lower case in TOML: write `{}`",
            first.to_lowercase()
        ));
    }
    let bytes: Vec<char> = value.chars().collect();
    let digits_then = |c: char| bytes.windows(2).any(|w| w[0].is_ascii_digit() && w[1] == c);
    if digits_then('%') {
        return Some(": write a share as a number without `%`, e.g. `0.25` for 25% (see the key's documentation for whether it takes a share or a percentage)".into());
    }
    if value.split(['[', ']', ' ']).any(|w| {
        let w = w.trim_end_matches(',');
        w.contains(',')
            && w.split(',')
                .skip(1)
                .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
            && w.split(',').next().is_some_and(|g| {
                !g.is_empty() && g.len() <= 3 && g.chars().all(|c| c.is_ascii_digit())
            })
    }) {
        return Some(
            ": no thousands separators in numbers: write `1240` (or `1_240`), not `1,240`".into(),
        );
    }
    if let Some(d) = value.split([' ', ',', ']', '[']).find(|w| {
        let p: Vec<&str> = w.split(['/', '.']).collect();
        p.len() == 3
            && p.iter()
                .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()))
            && p[2].len() == 4
    }) {
        let p: Vec<&str> = d.split(['/', '.']).collect();
        return Some(format!(
            ": dates are written YYYY-MM-DD, without quotes: `{}-{:0>2}-{:0>2}` for `{d}` if it is day/month/year",
            p[2], p[1], p[0]
        ));
    }
    // A number followed by a word: a unit (not an exponent `1e6` nor a date-time `T`).
    let cs: Vec<char> = value.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        if cs[i].is_ascii_digit() && (i == 0 || !cs[i - 1].is_alphanumeric()) {
            let mut j = i;
            while j < cs.len() && (cs[j].is_ascii_digit() || cs[j] == '.' || cs[j] == '_') {
                j += 1;
            }
            let mut k = j;
            while k < cs.len() && cs[k] == ' ' {
                k += 1;
            }
            let unit: String = cs[k..].iter().take_while(|c| c.is_alphabetic()).collect();
            let exponent = k == j
                && matches!(unit.chars().next(), Some('e' | 'E' | 'T'))
                && cs
                    .get(j + 1)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+');
            if !unit.is_empty() && !exponent {
                return Some(format!(
                    ": a number takes no unit (`{unit}`): write the number alone; the key's name or documentation says its unit"
                ));
            }
            i = j;
        }
        i += 1;
    }
    None
}

/// The keys of the table at `parent` (dotted, `""` for the top level) in the example scenario.
fn example_keys(parent: &[String]) -> Vec<String> {
    let Ok(tree) = EXAMPLE.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut t = &tree;
    for k in parent {
        match t.get(k) {
            Some(toml::Value::Table(inner)) => t = inner,
            Some(toml::Value::Array(a)) => match a.first() {
                Some(toml::Value::Table(inner)) => t = inner,
                _ => return Vec::new(),
            },
            _ => return Vec::new(),
        }
    }
    t.keys().cloned().collect()
}

/// "did you mean" for an unknown key at `parent.key`: the closest key of that table, if close.
pub(crate) fn did_you_mean(parent: &[String], key: &str) -> Option<String> {
    closest(example_keys(parent), key)
}

/// The candidate `key` was probably meant as: one equal but for case, else the nearest
/// within an edit distance of 1 (keys under 4 characters) or 2.
pub(crate) fn closest(candidates: impl IntoIterator<Item = String>, key: &str) -> Option<String> {
    let keys: Vec<String> = candidates.into_iter().collect();
    if let Some(k) = keys.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k.clone());
    }
    let limit = if key.chars().count() >= 4 { 2 } else { 1 };
    keys.into_iter()
        .map(|k| (crate::calibrate::edit_distance(&k, key), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// A hint for what the TOML parser itself said, where its words alone do not tell the fix.
fn parser(msg: &str) -> Option<&'static str> {
    if msg.contains("number too large to fit") {
        Some(": the number has too many digits (whole numbers stop at 9,223,372,036,854,775,807): check what was typed")
    } else if msg.contains("date-time value is out of range") {
        Some(": not a date of the calendar (months have 28 to 31 days, the year 12 months): check the day and month")
    } else {
        None
    }
}

/// `s` up to a `#` that starts a comment (one outside double or single quotes).
fn without_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '#') => return &s[..i],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_key_of_the_same_table() {
        assert_eq!(did_you_mean(&[], "Plan").as_deref(), Some("plan"));
        assert_eq!(did_you_mean(&[], "staf").as_deref(), Some("staff"));
        assert_eq!(did_you_mean(&[], "zzzzzz"), None);
    }

    #[test]
    fn reads_the_value_without_its_comment() {
        assert_eq!(without_comment(" 180  # (default 90) days"), " 180  ");
        assert_eq!(without_comment(" \"a # b\" # c"), " \"a # b\" ");
        assert_eq!(without_comment(" 'x#' "), " 'x#' ");
        // A unit named only in the comment is not a unit after the number.
        assert_eq!(syntax("x = 180 # days\n", 4), None);
        assert!(syntax("x = 180 days\n", 4).is_some());
    }
}
