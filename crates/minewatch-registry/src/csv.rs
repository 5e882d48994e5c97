//! A small CSV reader (RFC 4180: commas, double quotes, doubled quotes inside
//! quotes, line breaks inside quotes) that remembers where every cell starts,
//! so that each error can name its line and column.

/// One cell and where it starts (1-based line and column, in characters).
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// One record: its cells, and the line it starts on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) cells: Vec<Cell>,
}

/// A syntax error: where, and what.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct SyntaxError {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Splits `text` into records. Blank lines are skipped.
pub(crate) fn parse(text: &str) -> Result<Vec<Record>, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1usize, 1usize);
    let mut cells: Vec<Cell> = Vec::new();
    let mut record_line = 1;
    loop {
        let (cell_line, cell_column) = (line, column);
        let mut cell = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            column += 1;
            loop {
                match chars.next() {
                    None => {
                        return Err(SyntaxError {
                            line: cell_line,
                            column: cell_column,
                            message: "unterminated quoted field".into(),
                        });
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        column += 2;
                        cell.push('"');
                    }
                    Some('"') => {
                        column += 1;
                        break;
                    }
                    Some('\n') => {
                        line += 1;
                        column = 1;
                        cell.push('\n');
                    }
                    Some(c) => {
                        column += 1;
                        cell.push(c);
                    }
                }
            }
            match chars.peek() {
                None | Some(',') | Some('\n') | Some('\r') => {}
                Some(c) => {
                    return Err(SyntaxError {
                        line,
                        column,
                        message: format!("unexpected `{c}` after a closing quote"),
                    });
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\n' || c == '\r' {
                    break;
                }
                if c == '"' {
                    return Err(SyntaxError {
                        line,
                        column,
                        message: "a quote inside an unquoted field; quote the whole field and double the quote".into(),
                    });
                }
                cell.push(c);
                column += 1;
                chars.next();
            }
        }
        let empty_line = !quoted && cells.is_empty() && cell.is_empty();
        match chars.next() {
            Some(',') => {
                column += 1;
                cells.push(Cell {
                    text: cell,
                    line: cell_line,
                    column: cell_column,
                });
            }
            end => {
                if end == Some('\r') && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if !empty_line {
                    cells.push(Cell {
                        text: cell,
                        line: cell_line,
                        column: cell_column,
                    });
                    records.push(Record {
                        line: record_line,
                        cells: std::mem::take(&mut cells),
                    });
                }
                if end.is_none() {
                    return Ok(records);
                }
                line += 1;
                column = 1;
                record_line = line;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_know_where_they_start() {
        let records = parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\nlast,\n").unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].cells[0].text, "x, y");
        assert_eq!(records[1].cells[1].text, "say \"hi\"");
        assert_eq!(
            (records[1].cells[1].line, records[1].cells[1].column),
            (2, 8)
        );
        assert_eq!(records[2].line, 4);
        assert_eq!(records[2].cells[1].text, "");
        assert_eq!(records[2].cells[1].column, 6);
    }

    #[test]
    fn line_breaks_inside_quotes_count() {
        let records = parse("a,\"two\nlines\"\nb,c").unwrap();
        assert_eq!(records[1].line, 3);
        assert_eq!(records[0].cells[1].text, "two\nlines");
    }

    #[test]
    fn crlf_is_accepted() {
        let records = parse("a,b\r\nc,d\r\n").unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].cells[1].text, "d");
    }

    #[test]
    fn errors_say_where() {
        let error = parse("a,b\nc,\"open\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        let error = parse("a,\"b\"x\n").unwrap_err();
        assert_eq!((error.line, error.column), (1, 6));
        let error = parse("a,b\"c\n").unwrap_err();
        assert_eq!((error.line, error.column), (1, 4));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "[a-c,\"\r\n ]{0,40}") {
            let _ = parse(&text);
        }
    }
}

/// Reads `text` into rows of fields (the header included).
///
/// # Errors
/// The first syntax error, as `line:column: message`.
pub fn read_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    parse(text)
        .map(|records| {
            records
                .into_iter()
                .map(|r| r.cells.into_iter().map(|c| c.text).collect())
                .collect()
        })
        .map_err(|e| format!("{}:{}: {}", e.line, e.column, e.message))
}

/// Writes rows as the data files are written: fields quoted only when they
/// hold a comma, a double quote or a line break (doubled quotes inside),
/// one record a line, `\n` line ends.
pub fn write_rows(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if field.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&field.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(field);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod round_trip {
    use super::{read_rows, write_rows};

    #[test]
    fn every_data_file_is_written_back_as_it_was_read() {
        for (name, text) in crate::EMBEDDED_FILES {
            let rows = read_rows(text).expect("a data file");
            assert_eq!(write_rows(&rows), text, "{name}");
        }
    }
}
