"""Reading answers from CSV: columns, empty files, encodings."""

import pytest

from analysis.io import InputError, csv_records, decode_text, read_answers


def write(tmp_path, content: bytes, name: str = "answers.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_reads_texts_and_ids(tmp_path):
    path = write(tmp_path, b'ref,answer\nA1,Buses are late\nA2,"Parks, trees"\n')
    answers = read_answers(path, "answer", "ref")
    assert answers.texts == ("Buses are late", "Parks, trees")
    assert answers.ids == ("A1", "A2")
    assert answers.encoding == "utf-8"


def test_ids_default_to_row_numbers_and_bom_is_ignored(tmp_path):
    path = write(tmp_path, "\ufeffanswer\nfirst\nsecond\n".encode())
    assert read_answers(path, "answer").ids == ("0", "1")


def test_missing_column_names_the_columns_that_exist(tmp_path):
    path = write(tmp_path, b"ref,answer\n1,hello\n")
    with pytest.raises(InputError, match=r"no column 'comment'.*'ref', 'answer'"):
        read_answers(path, "comment")


def test_column_names_match_ignoring_case(tmp_path):
    path = write(tmp_path, b"Answer\nhello\n")
    assert read_answers(path, "answer").texts == ("hello",)


def test_empty_file_and_header_only_are_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_answers(write(tmp_path, b""), "answer")
    with pytest.raises(InputError, match="no answers"):
        read_answers(write(tmp_path, b"answer\n", "header.csv"), "answer")


def test_windows_1252_file_is_read(tmp_path):
    path = write(tmp_path, "answer\nThe caf\u00e9 costs \u00a35 \u2013 too much\n".encode("cp1252"))
    answers = read_answers(path, "answer")
    assert answers.texts == ("The caf\u00e9 costs \u00a35 \u2013 too much",)
    assert answers.encoding == "cp1252"


def test_undecodable_file_is_refused_naming_the_row(tmp_path):
    path = write(tmp_path, b"answer\nfine\nalso fine\nbad \x81\xe9 byte\n")
    with pytest.raises(InputError, match="row 3"):
        read_answers(path, "answer")


def test_duplicate_ids_are_refused(tmp_path):
    path = write(tmp_path, b"id,answer\n1,a\n1,b\n")
    with pytest.raises(InputError, match="more than once"):
        read_answers(path, "answer", "id")


# --- decode_text and csv_records: what every importer in the app uses (issue 14, L8, M8)

HEADER_AND_ROW = "Prénom,Answer\nZoë,Café – £5\n"


@pytest.mark.parametrize(
    ("encoding", "mark", "name"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
def test_a_byte_order_mark_names_the_encoding(encoding, mark, name):
    assert decode_text(mark + HEADER_AND_ROW.encode(encoding)) == (HEADER_AND_ROW, name)


def test_without_a_mark_utf8_then_windows_1252():
    assert decode_text(HEADER_AND_ROW.encode("utf-8")) == (HEADER_AND_ROW, "utf-8")
    assert decode_text(HEADER_AND_ROW.encode("cp1252")) == (HEADER_AND_ROW, "cp1252")


def test_utf16_without_its_mark_is_refused_not_garbled():
    with pytest.raises(InputError, match=r"line 1 holds a NUL character.*byte-order mark"):
        decode_text(HEADER_AND_ROW.encode("utf-16-le"), "pool.csv")


def test_a_mark_that_lies_is_refused():
    with pytest.raises(InputError, match="UTF-16 little-endian byte-order mark but is not"):
        decode_text(b"\xff\xfeabc")


def test_a_cell_longer_than_the_limit_is_refused_naming_its_line():
    text = "id,answer\n1,short\n2," + "x" * 200_000 + "\n"
    with pytest.raises(InputError, match=r"answers.csv: line 3 has a cell longer than 131,072"):
        csv_records(text, "answers.csv")
    assert csv_records('a,b\n1,"two\nlines"\n3,4\n') == [
        (1, ["a", "b"]),
        (3, ["1", "two\nlines"]),
        (4, ["3", "4"]),
    ]


def test_read_answers_reads_utf16_files(tmp_path):
    path = write(tmp_path, b"\xff\xfe" + "answer\nZoë’s idea\n".encode("utf-16-le"))
    answers = read_answers(path, "answer")
    assert answers.texts == ("Zoë’s idea",) and answers.encoding == "utf-16-le"
