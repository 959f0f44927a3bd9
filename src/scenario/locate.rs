//! Source locations: key paths (`staff.overtime[1].from`) and where they stand in the file.
//!
//! Validation names problems by key path; this module turns a path into `line:column` by
//! walking a span-preserving parse of the same text. It owns no validation rules.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// One step of a key path. A key written in the code is borrowed, not copied: validation
/// builds a path for every field it reads (to name it in a message), so a path costs one
/// allocation, not one per step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    Key(Cow<'static, str>),
    Index(usize),
}

/// A key path into the scenario document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub(crate) fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    /// The path one key deeper: `k` a `&'static str` (borrowed) or a `String` (owned).
    pub(crate) fn key(&self, k: impl Into<Cow<'static, str>>) -> KeyPath {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend(self.0.iter().cloned());
        v.push(Seg::Key(k.into()));
        KeyPath(v)
    }

    pub(crate) fn index(&self, i: usize) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }

    /// Parses `a.b[2].c` (as produced by `Display`).
    pub(crate) fn parse(s: &str) -> KeyPath {
        let mut out = Vec::new();
        for part in s.split('.') {
            let mut rest = part;
            if let Some(i) = rest.find('[') {
                if i > 0 {
                    out.push(Seg::Key(rest[..i].to_string().into()));
                }
                rest = &rest[i..];
                while let Some(stripped) = rest.strip_prefix('[') {
                    let end = stripped.find(']').unwrap_or(stripped.len());
                    if let Ok(n) = stripped[..end].parse() {
                        out.push(Seg::Index(n));
                    }
                    rest = stripped.get(end + 1..).unwrap_or("");
                }
            } else if !rest.is_empty() {
                out.push(Seg::Key(rest.to_string().into()));
            }
        }
        KeyPath(out)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// A span-preserving view of the scenario text.
pub(crate) struct SourceMap<'a> {
    text: &'a str,
    doc: Option<toml_edit::ImDocument<&'a str>>,
    /// Byte offset of each line's start, and whether the line is ASCII (a column is then
    /// a byte count), so a file with many problems is located in O(log lines) each, not
    /// by a scan from its start per problem.
    lines: Vec<(usize, bool)>,
}

impl<'a> SourceMap<'a> {
    pub(crate) fn new(text: &'a str) -> SourceMap<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            lines.push((start, line.is_ascii()));
            start += line.len();
        }
        if lines.is_empty() || text.ends_with('\n') {
            lines.push((start, true));
        }
        SourceMap {
            text,
            doc: toml_edit::ImDocument::parse(text).ok(),
            lines,
        }
    }

    /// 1-based (line, column) of a byte offset (a column counts characters).
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The last line starting at or before `offset` (line 0 starts at 0).
        let i = self.lines.partition_point(|&(start, _)| start <= offset) - 1;
        let (start, ascii) = self.lines[i];
        let col = if ascii {
            offset - start
        } else {
            self.text
                .get(start..offset)
                .map_or(offset - start, |s| s.chars().count())
        };
        (i + 1, col + 1)
    }

    /// Where the value at `path` stands; for a missing key, the nearest existing parent.
    pub(crate) fn locate(&self, path: &KeyPath) -> Option<(usize, usize)> {
        let span = self.span(path)?;
        Some(self.line_col(span.start))
    }

    fn span(&self, path: &KeyPath) -> Option<Range<usize>> {
        let doc = self.doc.as_ref()?;
        let mut cur = Node::Item(doc.as_item());
        let mut best: Option<Range<usize>> = None;
        for seg in &path.0 {
            let next = match (&cur, seg) {
                (Node::Item(item), Seg::Key(k)) => item_key(item, k),
                (Node::Value(toml_edit::Value::InlineTable(t)), Seg::Key(k)) => t
                    .get_key_value(k)
                    .map(|(key, v)| (key.span(), Node::Item(v))),
                (Node::Item(item), Seg::Index(i)) => match item {
                    toml_edit::Item::ArrayOfTables(a) => {
                        a.get(*i).map(|t| (t.span(), Node::Table(t)))
                    }
                    toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
                        a.get(*i).map(|v| (v.span(), Node::Value(v)))
                    }
                    _ => None,
                },
                (Node::Value(toml_edit::Value::Array(a)), Seg::Index(i)) => {
                    a.get(*i).map(|v| (v.span(), Node::Value(v)))
                }
                (Node::Table(t), Seg::Key(k)) => t
                    .get_key_value(k)
                    .map(|(key, item)| (key.span(), Node::Item(item))),
                _ => None,
            };
            match next {
                Some((span, node)) => {
                    if let Some(s) = span.or_else(|| node.span()) {
                        best = Some(s);
                    }
                    cur = node;
                }
                None => break,
            }
        }
        best
    }
}

enum Node<'d> {
    Item(&'d toml_edit::Item),
    Table(&'d toml_edit::Table),
    Value(&'d toml_edit::Value),
}

impl Node<'_> {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Item(i) => i.span(),
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
        }
    }
}

fn item_key<'d>(item: &'d toml_edit::Item, k: &str) -> Option<(Option<Range<usize>>, Node<'d>)> {
    match item {
        toml_edit::Item::Table(t) => t
            .get_key_value(k)
            .map(|(key, item)| (key.span(), Node::Item(item))),
        toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => t
            .get_key_value(k)
            .map(|(key, v)| (key.span(), Node::Item(v))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line index gives the (line, column) a scan from the start gives, at every offset
    /// (ASCII and non-ASCII lines, CRLF, a last line with or without its newline, empty).
    #[test]
    fn line_col_is_the_scan_from_the_start() {
        let naive = |text: &str, offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before
                .rfind('\n')
                .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
                + 1;
            (line, col)
        };
        for text in [
            "",
            "\n",
            "a = 1",
            "a = 1\n",
            "a = 1\r\nb = \"é—x\"\n\n# ≤ 20\nc = [1, 2]",
            "é\n\nx",
        ] {
            let map = SourceMap::new(text);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                assert_eq!(
                    map.line_col(offset),
                    naive(text, offset),
                    "{text:?} at {offset}"
                );
            }
            assert_eq!(map.line_col(text.len() + 5), naive(text, text.len()));
        }
    }

    #[test]
    fn parses_and_prints_paths() {
        let p = KeyPath::parse("staff.overtime[1].from");
        assert_eq!(p.to_string(), "staff.overtime[1].from");
        assert_eq!(p.0.len(), 4);
    }

    #[test]
    fn locates_keys_tables_and_array_items() {
        let text = "name = \"x\"\n[staff]\nproductive_hours_per_week = 25\n\n[[staff.overtime]]\nfrom = 2024-01-01\n[[staff.overtime]]\n  from = 2024-02-01\n[caseload]\nhigh = { a = 1 }\nrates = [[2024-01-01, 1], [2025-01-01, 2]]\n";
        let m = SourceMap::new(text);
        assert_eq!(m.locate(&KeyPath::parse("name")), Some((1, 1)));
        assert_eq!(
            m.locate(&KeyPath::parse("staff.productive_hours_per_week")),
            Some((3, 1))
        );
        assert_eq!(
            m.locate(&KeyPath::parse("staff.overtime[1].from")),
            Some((8, 3))
        );
        assert_eq!(m.locate(&KeyPath::parse("caseload.high.a")), Some((10, 10)));
        assert_eq!(
            m.locate(&KeyPath::parse("caseload.rates[1]")),
            Some((11, 27))
        );
        // A missing key falls back to its nearest parent.
        assert_eq!(m.locate(&KeyPath::parse("staff.missing")), Some((2, 2)));
    }
}
