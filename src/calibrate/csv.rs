//! A small, strict reader for the comma-separated files a force supplies (the observed
//! history and the caseload extract).
//!
//! It owns only the shape of the file: a size cap, UTF-8, `#` comment lines and blank lines
//! skipped, a header, double-quoted cells (`""` for a quote, on one line), and the same number
//! of cells on every row. It locates every cell by line and column so that the callers can
//! report problems as `file:line:column`. It never panics and never echoes a whole row.

use std::fmt;

/// Largest file accepted (16 MiB): far above any force's history or register, small enough
/// that a wrong file (an export of a whole database) is refused before it is parsed.
pub(crate) const MAX_BYTES: usize = 16 * 1024 * 1024;

/// At most this many problems are listed in a message (the count says how many there were).
pub(crate) const MAX_LISTED: usize = 100;

/// One cell: its text (unquoted, trimmed) and the 1-based column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) column: usize,
}

/// One data row: its 1-based line number in the file and its cells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) line: usize,
    pub(crate) cells: Vec<Cell>,
}

/// The header and the rows of a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub(crate) header: Row,
    pub(crate) rows: Vec<Row>,
}

/// A problem at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (characters) in that line.
    pub column: usize,
    pub message: String,
}

impl Located {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Located {
        Located {
            line,
            column,
            message: message.into(),
        }
    }
}

/// Writes `file: N problems in the <what>` and one `file:line:column: problem` line per problem.
pub(crate) fn write_problems(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    what: &str,
    problems: &[Located],
) -> fmt::Result {
    let n = problems.len();
    write!(
        f,
        "{file}: {n} problem{} in the {what}",
        if n == 1 { "" } else { "s" }
    )?;
    for p in problems.iter().take(MAX_LISTED) {
        write!(f, "\n  {file}:{}:{}: {}", p.line, p.column, p.message)?;
    }
    if n > MAX_LISTED {
        write!(f, "\n  … and {} more", n - MAX_LISTED)?;
    }
    Ok(())
}

/// `file: N problems in the <what>` and the problems, for the `Invalid` variant of a data
/// file's error (`Listing("history", file, problems)`).
pub(crate) struct Listing<'a>(pub &'a str, pub &'a str, pub &'a [Located]);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, self.1, self.0, self.2)
    }
}

/// The error type of one kind of data file (history, extract, posterior): each has an
/// `Unreadable` and an `Invalid` variant, built here by [`open`] and [`refuse`].
pub(crate) trait FileError: Sized {
    /// The file is too large or not UTF-8 text (`reason` says which).
    fn unreadable(file: String, reason: String) -> Self;
    /// Every problem found, located.
    fn invalid(file: String, problems: Vec<Located>) -> Self;
}

/// Implements [`FileError`] for an enum with the variants `Unreadable { file, reason }` and
/// `Invalid { file, problems }`.
macro_rules! file_error {
    ($t:ty) => {
        impl $crate::calibrate::csv::FileError for $t {
            fn unreadable(file: String, reason: String) -> Self {
                Self::Unreadable { file, reason }
            }
            fn invalid(file: String, problems: Vec<$crate::calibrate::csv::Located>) -> Self {
                Self::Invalid { file, problems }
            }
        }
    };
}
pub(crate) use file_error;

/// The prelude every data file reader shares: checks the size and the encoding, reads the
/// header and rows, and refuses a file without a header with the problem `empty` (at line
/// 1). The problems of the rows left out are returned beside the table.
pub(crate) fn open<E: FileError>(
    bytes: &[u8],
    file: &str,
    empty: &str,
) -> Result<(Table, Vec<Located>), E> {
    let text = decode(bytes).map_err(|e| E::unreadable(file.to_string(), e.to_string()))?;
    let (table, mut problems) = read(text);
    match table {
        Some(table) => Ok((table, problems)),
        None => {
            problems.push(Located::new(1, 1, empty));
            Err(refuse(file, problems))
        }
    }
}

/// The error listing `problems` in file order (by line, then column).
pub(crate) fn refuse<E: FileError>(file: &str, mut problems: Vec<Located>) -> E {
    problems.sort_by_key(|p| (p.line, p.column));
    E::invalid(file.to_string(), problems)
}

/// Why the bytes of a file cannot be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    TooLarge { bytes: usize },
    NotUtf8 { line: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLarge { bytes } => write!(
                f,
                "is {:.1} MiB, more than the {} MiB accepted: is this the right file?",
                *bytes as f64 / (1024.0 * 1024.0),
                MAX_BYTES / (1024 * 1024)
            ),
            DecodeError::NotUtf8 { line } => {
                write!(f, "is not UTF-8 text (line {line}): save it as CSV UTF-8")
            }
        }
    }
}

/// Checks the size cap and decodes UTF-8 (a leading byte-order mark is dropped).
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, DecodeError> {
    if bytes.len() > MAX_BYTES {
        return Err(DecodeError::TooLarge { bytes: bytes.len() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
    })
}

/// Splits one line into cells; `Err` locates an unclosed or misplaced quote.
fn split_line(line: &str, line_no: usize) -> Result<Vec<Cell>, Located> {
    let chars: Vec<char> = line.chars().collect();
    let mut cells = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        // Skip leading spaces.
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        let mut text = String::new();
        if i < chars.len() && chars[i] == '"' {
            let open = i;
            i += 1;
            let mut closed = false;
            while i < chars.len() {
                if chars[i] == '"' {
                    if i + 1 < chars.len() && chars[i + 1] == '"' {
                        text.push('"');
                        i += 2;
                    } else {
                        closed = true;
                        i += 1;
                        break;
                    }
                } else {
                    text.push(chars[i]);
                    i += 1;
                }
            }
            if !closed {
                return Err(Located::new(
                    line_no,
                    open + 1,
                    "a quoted cell must close on the same line (add the closing `\"`)",
                ));
            }
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
            if i < chars.len() && chars[i] != ',' {
                return Err(Located::new(
                    line_no,
                    i + 1,
                    "unexpected text after a quoted cell (expected `,`)",
                ));
            }
        } else {
            while i < chars.len() && chars[i] != ',' {
                if chars[i] == '"' {
                    return Err(Located::new(
                        line_no,
                        i + 1,
                        "a `\"` inside an unquoted cell (quote the whole cell and double the quote)",
                    ));
                }
                text.push(chars[i]);
                i += 1;
            }
            text = text.trim_end().to_string();
        }
        cells.push(Cell {
            text,
            column: start + 1,
        });
        if i >= chars.len() {
            break;
        }
        // chars[i] == ','
        i += 1;
    }
    Ok(cells)
}

/// Reads the header and rows; rows with a problem are left out and the problem reported.
/// `None` when the file holds no header.
pub(crate) fn read(text: &str) -> (Option<Table>, Vec<Located>) {
    let mut problems = Vec::new();
    let mut header: Option<Row> = None;
    let mut rows = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let cells = match split_line(line, line_no) {
            Ok(c) => c,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let row = Row {
            line: line_no,
            cells,
        };
        match &header {
            None => header = Some(row),
            Some(h) => {
                if row.cells.len() == h.cells.len() {
                    rows.push(row);
                } else {
                    problems.push(Located::new(
                        line_no,
                        1,
                        format!(
                            "has {} cells; the header has {} (check for a missing or extra comma)",
                            row.cells.len(),
                            h.cells.len()
                        ),
                    ));
                }
            }
        }
    }
    (header.map(|header| Table { header, rows }), problems)
}

/// Backticked cell text for a message, unless it is too long or holds characters that no
/// valid cell of these files holds (then only its length is given, so that free text a user
/// typed by mistake is never echoed).
pub(crate) fn shown(text: &str) -> String {
    let ok = text.chars().count() <= 24
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:+ ".contains(c));
    if ok {
        format!("`{text}`")
    } else {
        format!("a value of {} characters, not shown", text.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_comments_and_blank_lines() {
        let text = "# a comment\n\na, \"b,c\" ,\"d\"\"e\"\r\n1,2,3\n  # another\n4,,6\n";
        let (t, p) = read(text);
        assert!(p.is_empty(), "{p:?}");
        let t = t.unwrap();
        let h: Vec<&str> = t.header.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(h, ["a", "b,c", "d\"e"]);
        assert_eq!(t.header.line, 3);
        assert_eq!(t.header.cells[1].column, 3);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 6);
        assert_eq!(t.rows[1].cells[1].text, "");
        assert_eq!(t.rows[1].cells[2].column, 4);
    }

    #[test]
    fn locates_bad_rows_and_keeps_going() {
        let (t, p) = read("a,b\n1\n\"x,2\n3,4\n5,\"y\"z\n");
        assert_eq!(t.unwrap().rows.len(), 1);
        let at: Vec<(usize, usize)> = p.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(2, 1), (3, 1), (5, 6)]);
    }

    #[test]
    fn refuses_large_and_non_utf8_files() {
        assert!(matches!(
            decode(&vec![b'a'; MAX_BYTES + 1]),
            Err(DecodeError::TooLarge { .. })
        ));
        assert_eq!(decode(b"a\nb\xff"), Err(DecodeError::NotUtf8 { line: 2 }));
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
    }

    #[derive(Debug)]
    enum TestError {
        Unreadable {
            file: String,
            reason: String,
        },
        Invalid {
            file: String,
            problems: Vec<Located>,
        },
    }
    file_error!(TestError);

    #[test]
    fn open_refuses_unreadable_and_empty_files_and_lists_problems_in_file_order() {
        let e = open::<TestError>(b"# a comment\n\"x\n", "f.csv", "empty").unwrap_err();
        let TestError::Invalid { file, problems } = e else {
            panic!("expected Invalid, got {e:?}");
        };
        assert_eq!(file, "f.csv");
        let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(1, 1), (2, 1)]);
        assert_eq!(problems[0].message, "empty");
        let e = open::<TestError>(b"a\xff", "f.csv", "empty").unwrap_err();
        assert!(
            matches!(e, TestError::Unreadable { ref file, ref reason } if file == "f.csv" && reason.contains("UTF-8"))
        );
        let (t, p) = open::<TestError>(b"a,b\n1,2\n3\n", "f.csv", "empty").unwrap();
        assert_eq!((t.rows.len(), p.len()), (1, 1));
        let listed = Listing("history", "h.csv", &[Located::new(3, 2, "bad")]).to_string();
        assert_eq!(listed, "h.csv: 1 problem in the history\n  h.csv:3:2: bad");
    }

    #[test]
    fn hides_free_text() {
        assert_eq!(shown("2024-13-01"), "`2024-13-01`");
        assert_eq!(
            shown("lives at 3 High St, Bath"),
            "a value of 24 characters, not shown"
        );
    }
}
