//! The reference list behind source ids such as `S19a` or `DOMAIN §9`: `docs/SOURCES.md`,
//! embedded at build time, and a finder for the ids a scenario's notes cite.
//!
//! Pure: text in, references out. The briefing prints the references as plain text (the
//! addresses carry no scheme, so the page still loads nothing).

use std::collections::BTreeMap;

/// `docs/SOURCES.md`, compiled in.
pub(crate) const SOURCES_MD: &str = include_str!("../../docs/SOURCES.md");

/// One reference: its id as listed (`S19`, `DOMAIN §9`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub(crate) id: String,
    pub(crate) text: String,
}

/// Every list entry of `docs/SOURCES.md` (`- S19 (a) BBC …`, `- DOMAIN §6 …`), by id.
pub(crate) fn catalogue() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in SOURCES_MD.lines() {
        let Some(entry) = line.strip_prefix("- ") else {
            continue;
        };
        let (id, rest) = if let Some(r) = entry.strip_prefix("DOMAIN §") {
            let n: String = r.chars().take_while(char::is_ascii_digit).collect();
            (format!("DOMAIN §{n}"), r[n.len()..].trim())
        } else {
            let id: String = entry.chars().take_while(|c| !c.is_whitespace()).collect();
            (id.clone(), entry[id.len()..].trim())
        };
        if !id.is_empty() {
            out.insert(id, rest.to_string());
        }
    }
    out
}

/// Source ids in `text`, in order of first appearance: `S19a`, `S24b`, `DOMAIN §9`. An id
/// must stand alone (`SDS40` is not `S40`).
pub(crate) fn cited_ids(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let before_ok = i == 0 || !chars[i - 1].is_alphanumeric();
        if before_ok && chars[i] == 'S' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 {
                while j < chars.len() && chars[j].is_ascii_lowercase() && j < i + 5 {
                    j += 1;
                }
                let after_ok = j == chars.len() || !chars[j].is_alphanumeric();
                if after_ok {
                    let id: String = chars[i..j].iter().collect();
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                i = j;
                continue;
            }
        }
        if before_ok && text_at(&chars, i, "DOMAIN §") {
            let mut j = i + "DOMAIN §".chars().count();
            let from = j;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > from {
                let id: String = chars[i..j].iter().collect();
                if !out.contains(&id) {
                    out.push(id);
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn text_at(chars: &[char], i: usize, s: &str) -> bool {
    s.chars()
        .enumerate()
        .all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// The references for the ids cited in `texts`: each entry of the catalogue once (`S19a`
/// and `S19b` share `S19`), `DOMAIN` entries first, then by number; ids with no entry are
/// returned second so the page can say so.
pub(crate) fn references<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> (Vec<Reference>, Vec<String>) {
    let cat = catalogue();
    let mut found: Vec<Reference> = Vec::new();
    let mut missing = Vec::new();
    for t in texts {
        for id in cited_ids(t) {
            let stem = id.trim_end_matches(|c: char| c.is_ascii_lowercase());
            let base = if id.starts_with("DOMAIN") || cat.contains_key(&id) {
                id.clone()
            } else if cat.contains_key(stem) {
                stem.to_string()
            } else {
                // Listed inside another entry ("S7 Hansard …. S8 Home Office …").
                cat.iter()
                    .find(|(_, text)| {
                        let inner = cited_ids(text);
                        inner.iter().any(|x| x == &id || x == stem)
                    })
                    .map_or(id.clone(), |(k, _)| k.clone())
            };
            match cat.get(&base) {
                Some(text) if !found.iter().any(|r| r.id == base) => found.push(Reference {
                    id: base,
                    text: text.clone(),
                }),
                Some(_) => {}
                None if !missing.contains(&id) => missing.push(id),
                None => {}
            }
        }
    }
    let key = |r: &Reference| {
        let domain = r.id.starts_with("DOMAIN");
        let n: u32 =
            r.id.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0);
        (!domain, n, r.id.clone())
    };
    found.sort_by_key(key);
    (found, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_that_stand_alone() {
        assert_eq!(
            cited_ids("PCC board (S19a, C); SDS40 (S24); S19a/S19b; DOMAIN §9, S2."),
            ["S19a", "S24", "S19b", "DOMAIN §9", "S2"]
        );
    }

    #[test]
    fn every_cited_id_of_the_bundled_scenarios_has_a_reference() {
        let cat = catalogue();
        assert!(cat["S19"].contains("BBC"));
        assert!(cat["S16"].contains("wheldonlaw"));
        assert!(cat["DOMAIN §9"].contains("default parameters"));
        let (refs, missing) = references(["1,521 RSOs (S19c, C); S19a; DOMAIN §6; S24b; S8"]);
        let ids: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["DOMAIN §6", "S7", "S19", "S24"]);
        assert!(missing.is_empty(), "{missing:?}");
    }
}
