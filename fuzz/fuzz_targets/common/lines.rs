//! The CSV targets' oracle for line numbers: where the header and each record start, found from the whole
//! input at once (the importers stream), and the check that an error names only those lines.

/// Where the header and each record start, found from the whole input at once (the importer streams).
pub struct Lines {
    pub header: u64,
    pub records: Vec<u64>,
    /// Lines in the input, the last one counted even when empty.
    total: u64,
}

impl Lines {
    pub fn of(data: &[u8]) -> Lines {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(data);
        let header = match reader.headers() {
            Ok(h) => h.position().map(|p| p.byte()),
            Err(e) => e.position().map(|p| p.byte()),
        };
        let header = line_from(data, header.unwrap_or(0));
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let start = match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => record.position().map(|p| p.byte()),
                Err(e) => e.position().map(|p| p.byte()),
            };
            records.push(line_from(data, start.unwrap_or(data.len() as u64)));
        }
        Lines {
            header,
            records,
            total: breaks(data) + 1,
        }
    }

    /// The message names the header's line or records' lines only.
    pub fn check(&self, data: &[u8], field: &str, message: &str) {
        let named = |line: u64| line == self.header || self.records.contains(&line);
        if field == "file" {
            if message == "no rows" {
                assert!(self.records.is_empty(), "no rows, yet records");
                return;
            }
            let first = leading_line(message)
                .unwrap_or_else(|| panic!("no leading line number: {message}"));
            assert!(
                self.records.contains(&first),
                "line {first} is no record's line ({:?}): {message}",
                self.records
            );
        } else {
            let line = field
                .strip_prefix("line ")
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("field {field:?} names no line"));
            assert_eq!(line, self.header, "header error: {field}: {message}");
        }
        // Values are echoed in messages: only when the input cannot spell one, every "line N" is ours.
        if !contains(data, b"line") {
            for line in line_numbers(message) {
                assert!(
                    named(line) && line <= self.total + 1,
                    "line {line} is not the header's nor a record's ({} / {:?}): {message}",
                    self.header,
                    self.records
                );
            }
        }
    }
}

/// The line of the first non-blank byte from `byte` on: where csv, which places a record at the end of
/// the previous one, has the record start.
fn line_from(data: &[u8], byte: u64) -> u64 {
    let from = usize::try_from(byte).unwrap_or(usize::MAX).min(data.len());
    let start = data[from..]
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .map_or(data.len(), |p| from + p);
    breaks(&data[..start]) + 1
}

/// Line breaks: `\n`, `\r\n` and a lone `\r` count one each.
fn breaks(bytes: &[u8]) -> u64 {
    let mut count = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\r' || (*b == b'\n' && (i == 0 || bytes[i - 1] != b'\r')) {
            count += 1;
        }
    }
    count
}

fn leading_line(message: &str) -> Option<u64> {
    let rest = message.strip_prefix("line ")?;
    let (n, _) = rest.split_once(':')?;
    n.parse().ok()
}

/// Every number written as "line N" in the message.
fn line_numbers(message: &str) -> Vec<u64> {
    message
        .match_indices("line ")
        .filter_map(|(i, m)| {
            let digits: String = message[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}
