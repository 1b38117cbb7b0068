//! Reading a CSV file for an importer: the header and its columns by name, each record's fields, and every
//! bad line named by the line of the file where its record starts, as an editor shows it. The csv crate's
//! own positions count only `\n` and point at the end of the previous record, so they are off after blank
//! lines and CRLF line ends; the index of a record is off after a quoted field that spans lines.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};

use csv::{Reader, StringRecord};

use crate::error::{AppError, AppResult};

/// Most bad lines one error lists.
const MAX_REPORTED_ERRORS: usize = 50;

/// A CSV file opened for import: its columns by name, and the records after its header.
pub(crate) struct CsvFile<R> {
    reader: Reader<LineReader<R>>,
    columns: HashMap<String, usize>,
}

/// The fields of one record, by column name.
pub(crate) struct Fields<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a StringRecord,
}

impl<'a> Fields<'a> {
    /// The trimmed value of a column; `None` when the file has no such column or the value is blank.
    pub(crate) fn get(&self, column: &str) -> Option<&'a str> {
        let record: &'a StringRecord = self.record;
        self.columns
            .get(column)
            .and_then(|&i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

impl<R: Read> CsvFile<R> {
    /// Reads the header (column names trimmed, lower-cased, without a byte-order mark) and checks that
    /// every `required` column is there. Errors name the header's line.
    pub(crate) fn open(input: R, required: &[&str]) -> AppResult<CsvFile<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(LineReader::new(input));
        let (header, header_line) = headers(&mut reader).map_err(|(line, e)| {
            AppError::bad_input(format!("line {line}"), format!("unreadable header: {e}"))
        })?;
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').to_lowercase(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::bad_input(
                format!("line {header_line}"),
                format!("missing column(s): {}", missing.join(", ")),
            ));
        }
        Ok(CsvFile { reader, columns })
    }

    /// Every record turned into a row by `row`, given the record's line and fields; at most `max_rows`.
    /// All or nothing: any bad line fails the whole file, and the error names every bad line (the first
    /// 50 of them). A file without records is refused too.
    pub(crate) fn rows<T>(
        mut self,
        max_rows: usize,
        mut row: impl FnMut(u64, &Fields<'_>) -> Result<T, String>,
    ) -> AppResult<Vec<T>> {
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (i, (line, record)) in records(&mut self.reader).enumerate() {
            if i >= max_rows {
                errors.push(format!("line {line}: more than {max_rows} rows"));
                break;
            }
            let parsed = record.and_then(|record| {
                let fields = Fields {
                    columns: &self.columns,
                    record: &record,
                };
                row(line, &fields)
            });
            match parsed {
                Ok(r) => rows.push(r),
                Err(e) => errors.push(format!("line {line}: {e}")),
            }
        }
        if !errors.is_empty() {
            let total = errors.len();
            errors.truncate(MAX_REPORTED_ERRORS);
            let more = if total > MAX_REPORTED_ERRORS {
                format!("; and {} more", total - MAX_REPORTED_ERRORS)
            } else {
                String::new()
            };
            return Err(AppError::bad_input(
                "file",
                format!("{}{more}", errors.join("; ")),
            ));
        }
        if rows.is_empty() {
            return Err(AppError::bad_input("file", "no rows"));
        }
        Ok(rows)
    }
}

/// Passes the input through, noting where every non-blank line starts. `\n`, `\r\n` and a lone `\r` each
/// end one line, inside quoted fields too.
struct LineReader<R> {
    inner: R,
    offset: u64,
    /// Line of the next byte.
    line: u64,
    at_line_start: bool,
    after_cr: bool,
    /// (byte offset, line) of the first byte of each non-blank line not yet passed by a record.
    starts: VecDeque<(u64, u64)>,
}

impl<R> LineReader<R> {
    fn new(inner: R) -> LineReader<R> {
        LineReader {
            inner,
            offset: 0,
            line: 1,
            at_line_start: true,
            after_cr: false,
            starts: VecDeque::new(),
        }
    }

    /// The line of the record the csv reader placed at `position` (the end of the previous record: the
    /// record itself starts on the first non-blank line from there). Without a position, the current line.
    fn line_at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(byte) = position.map(csv::Position::byte) else {
            return self.line;
        };
        let passed = self.starts.partition_point(|(offset, _)| *offset < byte);
        self.starts.drain(..passed);
        self.starts.front().map_or(self.line, |(_, line)| *line)
    }
}

impl<R: Read> Read for LineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'\n' => {
                    if !self.after_cr {
                        self.line += 1;
                    }
                    self.after_cr = false;
                    self.at_line_start = true;
                }
                b'\r' => {
                    self.line += 1;
                    self.after_cr = true;
                    self.at_line_start = true;
                }
                _ => {
                    if self.at_line_start {
                        self.starts.push_back((self.offset, self.line));
                    }
                    self.at_line_start = false;
                    self.after_cr = false;
                }
            }
            self.offset += 1;
        }
        Ok(n)
    }
}

/// The header record and its line, or the line of the error reading it.
fn headers<R: Read>(
    reader: &mut Reader<LineReader<R>>,
) -> Result<(StringRecord, u64), (u64, String)> {
    match reader.headers() {
        Ok(headers) => {
            let headers = headers.clone();
            let line = reader.get_mut().line_at(headers.position());
            Ok((headers, line))
        }
        Err(e) => Err((reader.get_mut().line_at(e.position()), describe(&e))),
    }
}

/// The records after the header, each with the line it starts on.
fn records<R: Read>(
    reader: &mut Reader<LineReader<R>>,
) -> impl Iterator<Item = (u64, Result<StringRecord, String>)> + '_ {
    std::iter::from_fn(move || {
        let mut record = StringRecord::new();
        match reader.read_record(&mut record) {
            Ok(false) => None,
            Ok(true) => Some((reader.get_mut().line_at(record.position()), Ok(record))),
            Err(e) => Some((reader.get_mut().line_at(e.position()), Err(describe(&e)))),
        }
    })
}

/// The error without the csv crate's own position, which names another line than ours.
fn describe(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} field(s) where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not valid UTF-8", err.field() + 1)
        }
        csv::ErrorKind::Io(err) => format!("unreadable: {err}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(u64, bool)> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(LineReader::new(input.as_bytes()));
        let (_, header) = headers(&mut reader).expect("header");
        let mut out = vec![(header, true)];
        out.extend(records(&mut reader).map(|(line, r)| (line, r.is_ok())));
        out
    }

    #[test]
    fn records_start_where_an_editor_shows_them() {
        assert_eq!(lines("h,i\na,b\nc,d\n"), [(1, true), (2, true), (3, true)]);
        assert_eq!(
            lines("h,i\r\na,b\r\nc,d\r\n"),
            [(1, true), (2, true), (3, true)]
        );
        assert_eq!(lines("h,i\ra,b\rc,d"), [(1, true), (2, true), (3, true)]);
        assert_eq!(
            lines("\n\nh,i\n\n\na,b\r\n\r\nc,d"),
            [(3, true), (6, true), (8, true)]
        );
        assert_eq!(
            lines("h,i\n\"a\r\nx\ny\",b\nc,d,e\nf,g\n"),
            [(1, true), (2, true), (5, false), (6, true)]
        );
    }

    /// At most `max` rows; those whose `b` column says "bad" are refused, the others give their line.
    fn rows_at_most(max: usize, input: &str) -> AppResult<Vec<u64>> {
        CsvFile::open(input.as_bytes(), &["a", "b"])?.rows(max, |line, fields| {
            match fields.get("b") {
                Some("bad") => Err("b: bad".into()),
                _ => Ok(line),
            }
        })
    }

    fn rows(input: &str) -> AppResult<Vec<u64>> {
        rows_at_most(100, input)
    }

    #[test]
    fn rows_name_the_line_where_each_record_starts() {
        // fuzz/regressions/report_csv: the record index + 2 named line 3 for the error on line 5.
        let text = rows("a,b\r\n\"1\r\n\",x\r\n\r\n2,bad\r\n3\r\n")
            .expect_err("must fail")
            .to_string();
        assert!(text.contains("line 5: b: bad"), "{text}");
        assert!(
            text.contains("line 6: 1 field(s) where the header has 2"),
            "{text}"
        );
        assert!(!text.contains("line 2"), "{text}");
        assert_eq!(rows("a,b\n\n\"1\n\",x\n2,y\n").ok(), Some(vec![3, 5]));
    }

    #[test]
    fn a_file_is_refused_whole_with_its_faults_named() {
        let missing = rows("\na\n1\n").expect_err("no column b").to_string();
        assert!(
            missing.contains("line 2: missing column(s): b"),
            "{missing}"
        );
        assert!(
            rows("a,b\n")
                .expect_err("no rows")
                .to_string()
                .contains("no rows")
        );
        let long = rows_at_most(3, "A,B\n1,x\n2,x\n3,x\n4,x\n")
            .expect_err("too long")
            .to_string();
        assert!(long.contains("line 5: more than 3 rows"), "{long}");
        let cells: String = (0..60).map(|i| format!("{i},bad\n")).collect();
        let many = rows(&format!("a,b\n{cells}")).expect_err("bad").to_string();
        assert!(many.ends_with("; and 10 more"), "{many}");
    }
}
